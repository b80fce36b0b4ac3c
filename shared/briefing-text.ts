/**
 * The written summary and the flag messages: templates over the briefing's fields, nothing else. Every figure
 * printed is a field (or a field as a percentage, one decimal), so a reader can trace each one; a unit test
 * checks exactly that.
 */
import { SOURCES, sectorLabel } from './domain';
import { regionName } from './regions';
import type { Briefing, Flag, Lang, PeriodCounts } from './briefing';
import type { RawFlag } from './briefing-flags';

/** 0..1 → percent with one decimal, rounded down (a rate never shows 100 % while something is still open). */
export const pct1 = (x: number): number => Math.floor(Math.abs(x) * 1000 + 1e-9) / 10;
const p = (x: number): string => pct1(x).toFixed(1);

const sourceLabel = (code: string, lang: Lang): string => SOURCES.find((s) => s.code === code)?.[lang] ?? code;

function dateZh(day: string, withYear = true): string {
  const [y, m, d] = day.split('-').map(Number);
  return withYear ? `${y}年${m}月${d}日` : `${m}月${d}日`;
}

function periodPhrase(b: Pick<Briefing, 'period'>, lang: Lang): string {
  const { from, to } = b.period;
  if (lang === 'en') return from === to ? `On ${from}` : `From ${from} to ${to}`;
  if (from === to) return dateZh(from);
  return `${dateZh(from)}至${dateZh(to, from.slice(0, 4) !== to.slice(0, 4))}`;
}

export function flagMessage(f: RawFlag, lang: Lang): string {
  const n = f.numbers;
  const name = regionName(f.region ?? '');
  const src = sourceLabel(f.source ?? '', lang);
  const zh = lang === 'zh';
  switch (f.rule) {
    case 'blind_spot':
      return zh ? `${name}本期无隐患上报（上期${n.previousNew}项），请核实是否存在盲区`
        : `${name}: no hazard reported in the period (${n.previousNew} in the previous one); check for a blind spot`;
    case 'blind_spot_counties': {
      const names = (f.regions ?? []).slice(0, 6).map(regionName).join('、');
      const more = (f.regions ?? []).length > 6 ? (zh ? '等' : ' …') : '';
      return zh ? `${name}有${n.counties}个区县（共${n.of}个）本期无上报：${names}${more}`
        : `${name}: ${n.counties} of ${n.of} counties reported nothing in the period: ${names}${more}`;
    }
    case 'low_self_check':
      return zh ? `${name}企业自查发现${n.selfCheck}项，仅占新增${n.new}项的${p(n.share!)}%，低于${p(n.threshold!)}%`
        : `${name}: self-checks found ${n.selfCheck} of ${n.new} new hazards (${p(n.share!)}%), below ${p(n.threshold!)}%`;
    case 'spot_check_high':
      return zh ? `${name}上级督查暗访发现${n.spotCheck}项，占新增${n.new}项的${p(n.share!)}%，达到${p(n.threshold!)}%以上`
        : `${name}: upper-level spot checks found ${n.spotCheck} of ${n.new} new hazards (${p(n.share!)}%), at or above ${p(n.threshold!)}%`;
    case 'fast_closure':
      return zh ? `${name}本期新增${n.new}项中已销号${n.closed}项（${p(n.share!)}%），销号用时中位数${n.medianHours}小时，不足${n.hoursThreshold}小时，请抽查销号质量`
        : `${name}: ${n.closed} of ${n.new} new hazards already closed (${p(n.share!)}%), median ${n.medianHours} h to close, under ${n.hoursThreshold} h; spot-check the close-outs`;
    case 'source_silent':
      return zh ? `${name}「${src}」上期上报${n.previous}项，本期无上报`
        : `${name}: "${src}" sent ${n.previous} in the previous period and none in this one`;
  }
}

type Body = Omit<Briefing, 'text'>;

function changePhrase(diff: number, pct: number | null, unit: 'n' | 'rate', lang: Lang): string {
  const up = diff > 0;
  if (lang === 'en') {
    if (unit === 'rate') return `${up ? 'up' : 'down'} ${p(diff)} points`;
    return `${up ? 'up' : 'down'} ${Math.abs(diff)}${pct === null ? '' : ` (${p(pct)}%)`}`;
  }
  if (unit === 'rate') return `${up ? '上升' : '下降'}${p(diff)}个百分点`;
  return `${up ? '增加' : '减少'}${Math.abs(diff)}项${pct === null ? '' : `、${up ? '增长' : '下降'}${p(pct)}%`}`;
}

/** The children with most new hazards (at most 3, none with zero). */
function topChildren(b: Body): Array<[string, number]> {
  return Object.entries(b.byRegion).filter(([, c]) => c.new > 0).sort((x, y) => y[1].new - x[1].new || x[0].localeCompare(y[0]))
    .slice(0, 3).map(([code, c]) => [code, c.new]);
}

function topSector(b: Body): [string, PeriodCounts] | null {
  const best = Object.entries(b.bySector).filter(([, c]) => c.new > 0).sort((x, y) => y[1].new - x[1].new || x[0].localeCompare(y[0]))[0];
  return best ?? null;
}

/** Blind spots are named together in the text (one clause for all); the other flags speak for themselves. */
function splitFlags(flags: readonly Flag[]): { blind: Flag[]; others: Flag[] } {
  return { blind: flags.filter((f) => f.rule === 'blind_spot'), others: flags.filter((f) => f.rule !== 'blind_spot') };
}
const MAX_NAMED = 8;
const names = (flags: readonly Flag[], sep: string, more: string): string =>
  flags.slice(0, MAX_NAMED).map((f) => regionName(f.region ?? '')).join(sep) + (flags.length > MAX_NAMED ? more : '');

function zhText(b: Body): string {
  const c = b.current;
  const cmp = b.change.previous.new;
  const s1 = [`${periodPhrase(b, 'zh')}，${b.name}新增隐患${c.new}项，其中重大隐患${c.newMajor}项`];
  if (b.previous.new === 0) s1.push(c.new > 0 ? '上期无新增' : '上期亦无新增');
  else s1.push(cmp.diff === 0 ? '与上期持平' : `较上期${changePhrase(cmp.diff, cmp.pct, 'n', 'zh')}`);
  const ya = b.change.yearAgo?.new;
  if (b.yearAgo && ya) s1.push(ya.diff === 0 ? '与去年同期持平' : `同比${changePhrase(ya.diff, ya.pct, 'n', 'zh')}`);
  s1.push(`销号${c.closed}项`);
  const rate = b.change.previous.rectificationRate;
  const rateCmp = pct1(rate.diff) > 0 ? `，较上期${changePhrase(rate.diff, null, 'rate', 'zh')}` : '';
  const s2 = `截至${dateZh(b.period.to)}，未整改隐患${c.open}项，其中逾期未整改${c.overdue}项；整改率${p(c.rectificationRate)}%${rateCmp}。`;
  const s3: string[] = [];
  const top = topChildren(b);
  if (top.length) s3.push(`新增较多的是${top.map(([code, n]) => `${regionName(code)}（${n}项）`).join('、')}`);
  const sector = topSector(b);
  if (sector) s3.push(`行业领域中${sectorLabel(sector[0], 'zh')}新增最多（${sector[1].new}项）`);
  const s4 = b.unassigned && b.unassigned.new > 0 ? `另有${b.unassigned.new}项上报至市级、未落到区县。` : '';
  const { blind, others } = splitFlags(b.flags);
  const attention = [
    ...(blind.length ? [`${names(blind, '、', '等')}本期无隐患上报，请核实是否存在盲区`] : []),
    ...others.slice(0, 3).map((f) => f.message),
  ];
  const s5 = attention.length
    ? `需关注：${attention.join('；')}${others.length > 3 ? '；其余提示见下文' : ''}。`
    : '本期未触发盲区或异常提示。';
  return `${s1.join('，')}。${s2}${s3.length ? `${s3.join('；')}。` : ''}${s4}${s5}`;
}

function enText(b: Body): string {
  const c = b.current;
  const cmp = b.change.previous.new;
  const s1 = [`${periodPhrase(b, 'en')}, ${b.name} recorded ${c.new} new hazards, ${c.newMajor} of them major`];
  if (b.previous.new === 0) s1.push(c.new > 0 ? 'none in the previous period' : 'none in the previous period either');
  else s1.push(cmp.diff === 0 ? 'level with the previous period' : `${changePhrase(cmp.diff, cmp.pct, 'n', 'en')} on the previous period`);
  const ya = b.change.yearAgo?.new;
  if (b.yearAgo && ya) s1.push(ya.diff === 0 ? 'level with a year earlier' : `${changePhrase(ya.diff, ya.pct, 'n', 'en')} year on year`);
  s1.push(`${c.closed} were closed`);
  const rate = b.change.previous.rectificationRate;
  const rateCmp = pct1(rate.diff) > 0 ? `, ${changePhrase(rate.diff, null, 'rate', 'en')} on the previous period` : '';
  const s2 = `At the end of ${b.period.to}, ${c.open} remained open, ${c.overdue} of them overdue; rectification rate ${p(c.rectificationRate)}%${rateCmp}.`;
  const top = topChildren(b);
  const sector = topSector(b);
  const s3 = [
    top.length ? `Most new hazards: ${top.map(([code, n]) => `${regionName(code)} (${n})`).join(', ')}` : '',
    sector ? `leading sector: ${sectorLabel(sector[0], 'en')} (${sector[1].new})` : '',
  ].filter(Boolean).join('; ');
  const s4 = b.unassigned && b.unassigned.new > 0 ? ` Another ${b.unassigned.new} were reported against the city, not a county.` : '';
  const { blind, others } = splitFlags(b.flags);
  const attention = [
    ...(blind.length ? [`no hazard reported in ${names(blind, ', ', ' …')}: check for blind spots`] : []),
    ...others.slice(0, 3).map((f) => f.message),
  ];
  const s5 = attention.length
    ? ` Needs attention: ${attention.join('; ')}${others.length > 3 ? '; more below' : ''}.`
    : ' No blind-spot or anomaly rule fired.';
  return `${s1.join(', ')}. ${s2}${s3 ? ` ${s3}.` : ''}${s4}${s5}`;
}

export const briefingText = (b: Body): string => (b.lang === 'en' ? enText(b) : zhText(b));

export const withMessages = (flags: RawFlag[], lang: Lang): Flag[] => flags.map((f) => ({ ...f, message: flagMessage(f, lang) }));
