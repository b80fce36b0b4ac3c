/**
 * The desk's client rules: which actions the drawer offers to whom (the server's rules — role, scope, status,
 * level, 谁挂牌谁销号), 五落实缺项, the API's validation messages in Chinese next to their fields (produced by
 * the real shared schemas, so a changed message in the API shows here), and the date hints.
 */
import { describe, expect, it } from 'vitest';
import { actionsFor, levelOf, listingLevels, planMissing, type Actor } from '../../../client/components/desk/permissions';
import { byField, fieldMessage } from '../../../client/components/desk/field-messages';
import { dateHint, dateInWords, inputLang } from '../../../client/components/desk/date-hint';
import { deskEn, deskZh } from '../../../client/i18n/desk';
import { HazardInputSchema, PlanSchema, TransitionInputSchema, type Hazard, type HistoryEntry } from '../../../shared/schemas';

const COUNTY = '141102'; // 吕梁市离石区
const CITY = '141100'; // 吕梁市
const PROVINCE = '140000';

/** vue-i18n's t over the desk's messages: a key that does not exist throws, so a typo cannot pass. */
const tOf = (messages: typeof deskZh) => (key: string): string => {
  const v = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages);
  if (typeof v !== 'string') throw new Error(`no message ${key}`);
  return v;
};
const zh = tOf(deskZh);

function hazard(over: Partial<Hazard> = {}): Hazard {
  return {
    id: 'H-1', regionCode: COUNTY, cityCode: CITY, sector: 'coal', level: 'general', title: '测试', source: 'inspection',
    discoveredAt: '2026-11-01T00:00:00.000Z', status: 'reported', listedBy: null, overdue: false, reportedAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z', closedAt: null, extensions: 0, version: 1, ...over,
  } as Hazard;
}
const county: Actor = { role: 'reporter', region: COUNTY };
const city: Actor = { role: 'reporter', region: CITY };
const province: Actor = { role: 'reporter', region: PROVINCE };
const admin: Actor = { role: 'admin', region: PROVINCE };

describe('actionsFor: what the drawer offers', () => {
  it('nothing to no one signed in, to viewers and displays, and outside the person’s region', () => {
    expect(actionsFor(hazard(), null)).toEqual([]);
    expect(actionsFor(hazard(), { role: 'viewer', region: PROVINCE })).toEqual([]);
    expect(actionsFor(hazard(), { role: 'display', region: PROVINCE })).toEqual([]);
    expect(actionsFor(hazard(), { role: 'reporter', region: '140105' })).toEqual([]); // 太原市小店区
    expect(actionsFor(hazard(), { role: 'reporter', region: '140100' })).toEqual([]); // 太原市
  });

  it('a reported general hazard: plan, on-the-spot rectification, reject, escalate, extend, evidence — no listing', () => {
    expect(actionsFor(hazard(), county)).toEqual(['plan', 'rectified', 'reject', 'escalate', 'extend', 'evidence']);
    expect(actionsFor(hazard(), city)).toEqual(['plan', 'rectified', 'reject', 'escalate', 'extend', 'evidence']);
  });

  it('a reported major hazard: no on-the-spot rectification; downgrade; listing from the city up, never by a county', () => {
    const h = hazard({ level: 'major', deadline: '2026-12-20' });
    expect(actionsFor(h, county)).toEqual(['plan', 'reject', 'downgrade', 'extend', 'evidence']);
    expect(actionsFor(h, city)).toEqual(['plan', 'reject', 'downgrade', 'list', 'extend', 'evidence']);
    expect(actionsFor(h, province)).toEqual(['plan', 'reject', 'downgrade', 'list', 'extend', 'evidence']);
  });

  it('in rectification: mark rectified; a general hazard can still be escalated', () => {
    expect(actionsFor(hazard({ status: 'rectifying' }), county)).toEqual(['rectified', 'escalate', 'extend', 'evidence']);
    expect(actionsFor(hazard({ status: 'rectifying', level: 'major' }), county)).toEqual(['rectified', 'downgrade', 'extend', 'evidence']);
  });

  it('rectified: accept or fail, and evidence; closed and rejected: nothing', () => {
    expect(actionsFor(hazard({ status: 'rectified' }), county)).toEqual(['accept', 'fail', 'evidence']);
    expect(actionsFor(hazard({ status: 'closed' }), county)).toEqual([]);
    expect(actionsFor(hazard({ status: 'rejected' }), province)).toEqual([]);
  });

  it('谁挂牌谁销号: below the listing level no close, reject, extend, downgrade or lift; rectification stays', () => {
    const listed = hazard({ level: 'major', listedBy: 'province', deadline: '2026-12-20' });
    expect(actionsFor(listed, county)).toEqual(['plan', 'evidence']);
    expect(actionsFor(listed, city)).toEqual(['plan', 'evidence']);
    expect(actionsFor(listed, province)).toEqual(['plan', 'reject', 'downgrade', 'lift', 'extend', 'evidence']);
    expect(actionsFor({ ...listed, status: 'rectified' }, county)).toEqual(['fail', 'evidence']); // no acceptance
    expect(actionsFor({ ...listed, status: 'rectified' }, province)).toEqual(['accept', 'fail', 'lift', 'evidence']);
    const byCity = hazard({ level: 'major', listedBy: 'city', deadline: '2026-12-20' });
    // the city may lift its own listing; raising it to the province is the province's
    expect(actionsFor(byCity, city)).toEqual(['plan', 'reject', 'downgrade', 'lift', 'extend', 'evidence']);
    expect(actionsFor(byCity, province)).toEqual(['plan', 'reject', 'downgrade', 'list', 'lift', 'extend', 'evidence']);
    expect(actionsFor(byCity, county)).toEqual(['plan', 'evidence']);
  });
});

describe('listingLevels', () => {
  const major = hazard({ level: 'major' });
  it('a county lists nothing; a city lists by city or county; the province by any level; an admin any', () => {
    expect(listingLevels(county, major)).toEqual([]);
    expect(listingLevels(city, major)).toEqual(['city', 'county']);
    expect(listingLevels(province, major)).toEqual(['province', 'city', 'county']);
    expect(listingLevels(admin, major)).toEqual(['province', 'city', 'county']);
  });
  it('county listing only for a county’s hazard; only above the current listing', () => {
    expect(listingLevels(province, hazard({ level: 'major', regionCode: CITY }))).toEqual(['province', 'city']);
    expect(listingLevels(province, hazard({ level: 'major', listedBy: 'city' }))).toEqual(['province']);
    expect(listingLevels(city, hazard({ level: 'major', listedBy: 'city' }))).toEqual([]);
  });
  it('levelOf reads the region’s level', () => {
    expect([levelOf(PROVINCE), levelOf(CITY), levelOf(COUNTY)]).toEqual(['province', 'city', 'county']);
  });
});

describe('planMissing (五落实缺项)', () => {
  const entry = (data: Record<string, unknown>, kind: HistoryEntry['kind'] = 'transition'): HistoryEntry =>
    ({ seq: 1, kind, at: '', recordedAt: '', actor: null, data, hash: '' });
  const plan = { responsible: 'a', measures: 'b', funds: 'c', contingency: 'd' };
  const rectifying = (history: HistoryEntry[], over: Partial<Hazard> = {}) => hazard({ level: 'major', status: 'rectifying', history, ...over });

  it('a major hazard in rectification whose move recorded no plan', () => {
    expect(planMissing(rectifying([entry({}, 'reported'), entry({ from: 'reported', to: 'rectifying' })]))).toBe(true);
  });
  it('not with a plan, not after a failed acceptance that followed a plan, not for general, other states, or without history', () => {
    expect(planMissing(rectifying([entry({ from: 'reported', to: 'rectifying', plan })]))).toBe(false);
    expect(planMissing(rectifying([
      entry({ from: 'reported', to: 'rectifying', plan }), entry({ from: 'rectifying', to: 'rectified' }), entry({ from: 'rectified', to: 'rectifying' }),
    ]))).toBe(false);
    expect(planMissing(rectifying([entry({ to: 'rectifying' })], { level: 'general' }))).toBe(false);
    expect(planMissing(rectifying([entry({ to: 'rectifying' })], { status: 'rectified' }))).toBe(false);
    expect(planMissing(hazard({ level: 'major', status: 'rectifying' }))).toBe(false);
  });
});

describe('fieldMessage: the API’s messages, in Chinese, next to their fields', () => {
  const ok = { id: 'X-1', regionCode: COUNTY, sector: 'coal', level: 'general', title: '标题', discoveredAt: '2026-11-01T08:00:00+08:00' };
  /** What the API answers in error.details for this body (the same schema the server parses with). */
  const issues = (body: Record<string, unknown>) => {
    const r = HazardInputSchema.safeParse(body);
    if (r.success) throw new Error('expected a refusal');
    return r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };
  const shown = (body: Record<string, unknown>) => byField(issues(body), zh);

  it.each([
    ['a missing title', { title: undefined }, 'title', '必填'],
    ['an empty title', { title: '' }, 'title', '必填'],
    ['no sector picked', { sector: '' }, 'sector', '必填'],
    ['an unknown level', { level: 'huge' }, 'level', '必填'],
    ['a title over 200 characters', { title: '长'.repeat(201) }, 'title', '内容过长'],
    ['a discovery in the future', { discoveredAt: new Date(Date.now() + 86_400_000).toISOString() }, 'discoveredAt', '不能晚于现在'],
    ['a major hazard without a deadline', { level: 'major' }, 'deadline', '重大隐患必须填写整改期限'],
    ['a deadline before the discovery', { deadline: '2026-10-01' }, 'deadline', '不能早于发现时间'],
    ['a deadline not as a date', { deadline: '01/12/2026' }, 'deadline', '日期格式应为 年-月-日'],
    ['a discovery not as a time', { discoveredAt: '昨天' }, 'discoveredAt', '时间格式无效'],
    ['an unknown region', { regionCode: '149999' }, 'regionCode', '行政区划代码无效'],
    ['the province as the region', { regionCode: PROVINCE }, 'regionCode', '行政区划代码无效'],
  ])('%s', (_what, over, field, message) => {
    expect(shown({ ...ok, ...over })[field]).toBe(message);
  });

  it('the plan’s fields (五落实) each say 必填 when empty', () => {
    const r = PlanSchema.safeParse({ responsible: '', measures: '', funds: '', contingency: '' });
    expect(r.success).toBe(false);
    const fields = byField(r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message })), zh);
    expect(fields).toEqual({ responsible: '必填', measures: '必填', funds: '必填', contingency: '必填' });
    const tr = TransitionInputSchema.safeParse({ to: 'rectifying', plan: { responsible: 'x', measures: 'y', funds: 'z', contingency: 'w', deadline: '2026/12/1' } });
    expect(byField(tr.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message })), zh)['plan.deadline']).toBe('日期格式应为 年-月-日');
  });

  it('the server’s own refusals: outside the person’s scope', () => {
    expect(fieldMessage("region 140105 is outside this token's scope (141102)", zh)).toBe('超出您的管辖范围');
  });

  it('keeps the first message of a field, and shows what it cannot translate as the API sent it', () => {
    expect(byField([{ path: 'title', message: 'title is required' }, { path: 'title', message: 'at most 200 characters' }], zh)).toEqual({ title: '必填' });
    expect(fieldMessage('something new the API says', zh)).toBe('something new the API says');
    // a withdrawn region code is answered in both languages already, naming its successor
    const withdrawn = issues({ ...ok, regionCode: '140202' }).find((i) => i.path === 'regionCode')!.message;
    expect(fieldMessage(withdrawn, zh)).toBe(withdrawn);
    expect(withdrawn).toMatch(/[\u4e00-\u9fff]/);
  });

  it('every message key exists in English as well', () => {
    const en = tOf(deskEn);
    for (const key of Object.keys(deskZh.desk.field)) expect(en(`desk.field.${key}`)).not.toBe(zh(`desk.field.${key}`));
  });
});

describe('date hints: Chinese-first days whatever the browser’s locale', () => {
  it('writes a chosen day out, with its weekday', () => {
    expect(dateInWords('2026-12-02', 'zh')).toBe('2026年12月2日星期三');
    expect(dateInWords('2026-12-02', 'en')).toBe('Wed, 2 Dec 2026');
    expect(dateInWords('2026-12-02T14:05', 'zh')).toBe('2026年12月2日星期三 14:05');
  });
  it('nothing for what is not a day; the format while empty', () => {
    expect(dateInWords('2026-02-30', 'zh')).toBe('');
    expect(dateInWords('12/02/2026', 'zh')).toBe('');
    expect(dateHint('', 'zh')).toBe('格式：年-月-日');
    expect(dateHint(undefined, 'zh', true)).toBe('格式：年-月-日 时:分');
    expect(dateHint('', 'en')).toBe('Format: YYYY-MM-DD');
    expect(dateHint('2026-02-30', 'zh')).toBe('格式：年-月-日');
  });
  it('the inputs carry the page’s language', () => {
    expect([inputLang('zh'), inputLang('en')]).toEqual(['zh-CN', 'en']);
  });
});
