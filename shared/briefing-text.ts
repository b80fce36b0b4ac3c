/**
 * The written summary and the flag messages: templates over the briefing's fields, nothing else. Every figure
 * printed is a field, a field as a percentage (one decimal, rounded half up as a reader rounds), or the difference
 * of two printed percentages (so a reader who subtracts them gets the same points); a unit test checks that.
 * Chinese follows the conventions of 公文: 县（市、区）, “ ” quotes, 市本级.
 */
import { SOURCES, SOURCE_CODES, sectorLabel } from './domain';
import { getRegion, regionName } from './regions';
import type { Briefing, Flag, Lang } from './briefing';
import type { RawFlag } from './briefing-flags';

/** 0..1 → percent with one decimal, rounded half up (of the absolute value). */
export const pct1 = (x: number): number => Math.round(Math.abs(x) * 1000 + 1e-7) / 10;
const p = (x: number): string => pct1(x).toFixed(1);
/** The change in points between two rates as printed. */
export const points = (cur: number, prev: number): number => Math.round((pct1(cur) - pct1(prev)) * 10) / 10;

const sourceLabel = (code: string, lang: Lang): string => SOURCES.find((s) => s.code === code)?.[lang] ?? code;
/** How bulletins name a source's count: 企业自查发现, 部门检查发现, 督查暗访发现, 群众举报（12350）. */
const foundBy = (code: string): string => (code === 'public_report' || code === 'other' ? sourceLabel(code, 'zh') : `${sourceLabel(code, 'zh')}发现`);

export function dateZh(day: string, withYear = true): string {
  const [y, m, d] = day.split('-').map(Number);
  return withYear ? `${y}年${m}月${d}日` : `${m}月${d}日`;
}

function periodPhrase(b: Pick<Briefing, 'period'>, lang: Lang): string {
  const { from, to } = b.period;
  if (lang === 'en') return from === to ? `On ${from}` : `From ${from} to ${to}`;
  if (from === to) return dateZh(from);
  return `${dateZh(from)}至${dateZh(to, from.slice(0, 4) !== to.slice(0, 4))}`;
}

function flagZh(f: RawFlag, name: string): string {
  const n = f.numbers;
  const src = sourceLabel(f.source ?? '', 'zh');
  switch (f.rule) {
    case 'blind_spot':
      return `${name}本期无隐患上报（上期${n.previousNew}项），请核实是否存在盲区`;
    case 'blind_spot_counties': {
      const names = (f.regions ?? []).slice(0, 6).map(regionName).join('、');
      return `${name}有${n.counties}个县（市、区）本期无隐患上报（共${n.of}个）：${names}${(f.regions ?? []).length > 6 ? '等' : ''}`;
    }
    case 'sector_absent':
      return `${name}为${sectorLabel(f.sector ?? '', 'zh')}重点地区，本期新增隐患${n.new}项中${sectorLabel(f.sector ?? '', 'zh')}为0项，请核实是否漏报`;
    case 'few_reports':
      return `${name}本期新增隐患${n.new}项，仅为同级地区中位数${n.peerMedian}项的${p(n.share!)}%，低于${p(n.threshold!)}%，上报数量明显偏少，请核实`;
    case 'low_self_check':
      return `${name}企业自查自报${n.selfCheck}项，占新增${n.new}项的${p(n.share!)}%，低于${p(n.threshold!)}%`;
    case 'spot_check_high':
      return `${name}督查暗访发现${n.spotCheck}项，占新增${n.new}项的${p(n.share!)}%，达到${p(n.threshold!)}%以上，属地排查可能不到位`;
    case 'rejected_high':
      return `${name}“${src}”上报${n.reported}项中经核查不属实（含重复）${n.rejected}项，占${p(n.share!)}%，达到${p(n.threshold!)}%以上，请抽查核查结论`;
    case 'fast_closure':
      return `${name}本期新增${n.new}项中已销号${n.closed}项（${p(n.share!)}%），销号用时中位数${n.medianHours}小时，不足${n.hoursThreshold}小时，请抽查销号质量`;
    case 'source_silent':
      return `${name}“${src}”上期上报${n.previous}项，本期无上报，上报来源中断`;
    case 'repeated_extension':
      return `${name}隐患${f.hazardId}整改期限已延期${n.extensions}次（本期${n.inPeriod}次），达到${n.threshold}次以上，请督促落实整改`;
  }
}

function flagEn(f: RawFlag, name: string): string {
  const n = f.numbers;
  const src = sourceLabel(f.source ?? '', 'en');
  switch (f.rule) {
    case 'blind_spot':
      return `${name}: no hazard reported in the period (${n.previousNew} in the previous one); check for a blind spot`;
    case 'blind_spot_counties': {
      const names = (f.regions ?? []).slice(0, 6).map(regionName).join('、');
      return `${name}: ${n.counties} of ${n.of} counties reported nothing in the period: ${names}${(f.regions ?? []).length > 6 ? ' …' : ''}`;
    }
    case 'sector_absent':
      return `${name}: a ${sectorLabel(f.sector ?? '', 'en').toLowerCase()} area, yet none of its ${n.new} new hazards is in that sector; check for missed reports`;
    case 'few_reports':
      return `${name}: ${n.new} new hazards, ${p(n.share!)}% of the median of its peers (${n.peerMedian}), below ${p(n.threshold!)}%`;
    case 'low_self_check':
      return `${name}: self-checks found ${n.selfCheck} of ${n.new} new hazards (${p(n.share!)}%), below ${p(n.threshold!)}%`;
    case 'spot_check_high':
      return `${name}: spot checks found ${n.spotCheck} of ${n.new} new hazards (${p(n.share!)}%), at or above ${p(n.threshold!)}%`;
    case 'rejected_high':
      return `${name}: ${n.rejected} of ${n.reported} reports from "${src}" found false or duplicate (${p(n.share!)}%), at or above ${p(n.threshold!)}%`;
    case 'fast_closure':
      return `${name}: ${n.closed} of ${n.new} new hazards already closed (${p(n.share!)}%), median ${n.medianHours} h to close, under ${n.hoursThreshold} h; spot-check the close-outs`;
    case 'source_silent':
      return `${name}: "${src}" sent ${n.previous} in the previous period and none in this one`;
    case 'repeated_extension':
      return `${name}: hazard ${f.hazardId} had its deadline extended ${n.extensions} times (${n.inPeriod} in the period), at or above ${n.threshold}`;
  }
}

export function flagMessage(f: RawFlag, lang: Lang): string {
  const name = regionName(f.region ?? '');
  return lang === 'zh' ? flagZh(f, name) : flagEn(f, name);
}

type Body = Omit<Briefing, 'text'>;

function changeZh(diff: number, pct: number | null): string {
  const up = diff > 0;
  return `${up ? '增加' : '减少'}${Math.abs(diff)}项${pct === null ? '' : `、${up ? '增长' : '下降'}${p(pct)}%`}`;
}
function changeEn(diff: number, pct: number | null): string {
  return `${diff > 0 ? 'up' : 'down'} ${Math.abs(diff)}${pct === null ? '' : ` (${p(pct)}%)`}`;
}

/** The children with most new hazards (at most 3, none with zero). */
function topChildren(b: Body): Array<[string, number]> {
  return Object.entries(b.byRegion).filter(([, c]) => c.new > 0).sort((x, y) => y[1].new - x[1].new || x[0].localeCompare(y[0]))
    .slice(0, 3).map(([code, c]) => [code, c.new]);
}

function topSector(b: Body): [string, number] | null {
  const best = Object.entries(b.bySector).filter(([, c]) => c.new > 0).sort((x, y) => y[1].new - x[1].new || x[0].localeCompare(y[0]))[0];
  return best ? [best[0], best[1].new] : null;
}

/**
 * Blind spots are named together in the text (one clause for all), and so are the hazards extended again and
 * again (one clause with their number); the other flags speak for themselves.
 */
function splitFlags(flags: readonly Flag[]): { blind: Flag[]; extended: Flag[]; others: Flag[] } {
  const grouped = new Set(['blind_spot', 'repeated_extension']);
  return {
    blind: flags.filter((f) => f.rule === 'blind_spot'),
    extended: flags.filter((f) => f.rule === 'repeated_extension'),
    others: flags.filter((f) => !grouped.has(f.rule)),
  };
}
const MAX_NAMED = 8;
const names = (flags: readonly Flag[], sep: string, more: string): string =>
  flags.slice(0, MAX_NAMED).map((f) => regionName(f.region ?? '')).join(sep) + (flags.length > MAX_NAMED ? more : '');

function campaignZh(b: Body): string {
  const c = b.campaign;
  const listed = c.provinceListed > 0 ? `省级挂牌督办重大隐患${c.provinceListed}项（已销号${c.provinceListedClosed}项）` : '暂无省级挂牌督办重大隐患';
  return `专项整治以来（${dateZh(c.from)}起），${b.name}累计排查隐患${c.total}项，其中重大隐患${c.major}项；`
    + `整改率（含已整改待验收）${p(c.rectifiedRate)}%，重大隐患整改率${p(c.majorRectifiedRate)}%；${listed}。`;
}

function periodZh(b: Body): string {
  const c = b.current;
  const cmp = b.change.previous.new;
  const s = [`${periodPhrase(b, 'zh')}，新增隐患${c.new}项`];
  if (b.previous.new === 0) s.push(c.new > 0 ? '上期无新增' : '上期亦无新增');
  else s.push(cmp.diff === 0 ? '与上期持平' : `较上期${changeZh(cmp.diff, cmp.pct)}`);
  const ya = b.change.yearAgo?.new;
  if (b.yearAgo && ya) s.push(ya.diff === 0 ? '与去年同期持平' : `同比${changeZh(ya.diff, ya.pct)}`);
  // the comparison belongs to the total, so the majors come after it
  s.push(`其中重大隐患${c.newMajor}项`);
  const pts = points(c.rectifiedRate, b.previous.rectifiedRate);
  const rateCmp = pts === 0 ? '' : `，较上期${pts > 0 ? '上升' : '下降'}${Math.abs(pts).toFixed(1)}个百分点`;
  return `${s.join('，')}；销号${c.closed}项。截至${dateZh(b.period.to)}，未整改隐患${c.open}项，其中逾期未整改${c.overdue}项；`
    + `整改率（含已整改待验收）${p(c.rectifiedRate)}%${rateCmp}，销号率${p(c.closeOutRate)}%，重大隐患整改率${p(c.majorRectifiedRate)}%。`;
}

function detailZh(b: Body): string {
  const out: string[] = [];
  if (b.current.new > 0) {
    const parts = SOURCE_CODES.filter((s) => (b.bySource[s]?.new ?? 0) > 0 || ['self_check', 'inspection', 'spot_check', 'public_report'].includes(s))
      .map((s) => `${foundBy(s)}${b.bySource[s]?.new ?? 0}项`);
    out.push(`从来源看，${parts.join('、')}`);
  }
  const top = topChildren(b);
  const level = getRegion(b.region)?.level;
  if (top.length) out.push(`新增较多的${level === 'province' ? '市' : '县（市、区）'}是${top.map(([code, n]) => `${regionName(code)}（${n}项）`).join('、')}`);
  const sector = topSector(b);
  if (sector) out.push(`行业领域中${sectorLabel(sector[0], 'zh')}新增最多（${sector[1]}项）`);
  const zones = b.unassigned && b.unassigned.new > 0 ? `开发区及市本级新增${b.unassigned.new}项。` : '';
  return `${out.length ? `${out.join('；')}。` : ''}${zones}`;
}

function attentionZh(b: Body): string {
  const { blind, extended, others } = splitFlags(b.flags);
  const attention = [
    ...(blind.length ? [`${names(blind, '、', '等')}本期无隐患上报，请核实是否存在盲区`] : []),
    ...others.slice(0, 3).map((f) => f.message),
    ...(extended.length ? [`${extended.length}项隐患整改期限延期${b.thresholds.repeatedExtensions}次及以上且本期仍在延期，请督促落实整改`] : []),
  ];
  return attention.length ? `需关注：${attention.join('；')}${others.length > 3 ? '；其余提示见下文' : ''}。` : '本期未触发盲区或异常提示。';
}

const zhText = (b: Body): string => `${campaignZh(b)}${periodZh(b)}${detailZh(b)}${attentionZh(b)}`;

function enText(b: Body): string {
  const c = b.current;
  const k = b.campaign;
  const s0 = `Since the campaign began (${k.from}), ${b.name} has found ${k.total} hazards, ${k.major} of them major; `
    + `rectification rate (incl. awaiting acceptance) ${p(k.rectifiedRate)}%, major ${p(k.majorRectifiedRate)}%; `
    + `${k.provinceListed} major hazards under provincial supervised listing (${k.provinceListedClosed} closed).`;
  const cmp = b.change.previous.new;
  const s1 = [`${periodPhrase(b, 'en')}, ${c.new} new hazards were recorded`];
  if (b.previous.new === 0) s1.push(c.new > 0 ? 'none in the previous period' : 'none in the previous period either');
  else s1.push(cmp.diff === 0 ? 'level with the previous period' : `${changeEn(cmp.diff, cmp.pct)} on the previous period`);
  const ya = b.change.yearAgo?.new;
  if (b.yearAgo && ya) s1.push(ya.diff === 0 ? 'level with a year earlier' : `${changeEn(ya.diff, ya.pct)} year on year`);
  s1.push(`${c.newMajor} of them major; ${c.closed} were closed`);
  const pts = points(c.rectifiedRate, b.previous.rectifiedRate);
  const rateCmp = pts === 0 ? '' : `, ${pts > 0 ? 'up' : 'down'} ${Math.abs(pts).toFixed(1)} points on the previous period`;
  const s2 = `At the end of ${b.period.to}, ${c.open} remained unrectified, ${c.overdue} of them overdue; rectification rate `
    + `(incl. awaiting acceptance) ${p(c.rectifiedRate)}%${rateCmp}, close-out rate ${p(c.closeOutRate)}%, major ${p(c.majorRectifiedRate)}%.`;
  const top = topChildren(b);
  const sector = topSector(b);
  const s3 = [
    top.length ? `Most new hazards: ${top.map(([code, n]) => `${regionName(code)} (${n})`).join(', ')}` : '',
    sector ? `leading sector: ${sectorLabel(sector[0], 'en')} (${sector[1]})` : '',
  ].filter(Boolean).join('; ');
  const s4 = b.unassigned && b.unassigned.new > 0 ? ` Development zones and the city itself: ${b.unassigned.new} new.` : '';
  const { blind, extended, others } = splitFlags(b.flags);
  const attention = [
    ...(blind.length ? [`no hazard reported in ${names(blind, ', ', ' …')}: check for blind spots`] : []),
    ...others.slice(0, 3).map((f) => f.message),
    ...(extended.length ? [`${extended.length} hazards had their deadline extended ${b.thresholds.repeatedExtensions} times or more, again in this period`] : []),
  ];
  const s5 = attention.length ? ` Needs attention: ${attention.join('; ')}${others.length > 3 ? '; more below' : ''}.` : ' No blind-spot or anomaly rule fired.';
  return `${s0} ${s1.join(', ')}. ${s2}${s3 ? ` ${s3}.` : ''}${s4}${s5}`;
}

export const briefingText = (b: Body): string => (b.lang === 'en' ? enText(b) : zhText(b));

export const withMessages = (flags: RawFlag[], lang: Lang): Flag[] => flags.map((f) => ({ ...f, message: flagMessage(f, lang) }));
