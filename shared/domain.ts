/**
 * The hazard domain of docs/DOMAIN.md: sectors, levels, sources, statuses and the lifecycle.
 * Labels are Chinese first (the users are Chinese officials) with an English gloss.
 */

/**
 * 行业领域 as the province's documents name them, with the major-hazard standard (判定标准) each is judged by
 * (docs/DOMAIN.md "Sectors"). Codes are stable: a stored hazard keeps its code when a label is reworded; new
 * sectors get new codes (水利, 城市轨道交通 were 其他 before).
 */
export const SECTORS = [
  { code: 'coal', zh: '煤矿', en: 'Coal mines', standard: '煤矿重大事故隐患判定标准（应急管理部令第4号）' },
  { code: 'noncoal', zh: '非煤矿山', en: 'Non-coal mines', standard: '金属非金属矿山重大事故隐患判定标准（矿安〔2022〕88号）' },
  { code: 'hazchem', zh: '危险化学品', en: 'Hazardous chemicals', standard: '化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）（安监总管三〔2017〕121号）' },
  { code: 'fireworks', zh: '烟花爆竹', en: 'Fireworks', standard: '烟花爆竹生产经营单位重大生产安全事故隐患判定标准（试行）（安监总管三〔2017〕121号）' },
  { code: 'indtrade', zh: '工贸', en: 'Industry & trade', standard: '工贸企业重大事故隐患判定标准（应急管理部令第10号）' },
  { code: 'fire', zh: '消防', en: 'Fire safety', standard: '重大火灾隐患判定方法（GB 35181-2017）' },
  { code: 'construction', zh: '建筑施工', en: 'Construction', standard: '房屋市政工程生产安全重大事故隐患判定标准（建质规〔2022〕2号）' },
  { code: 'gas', zh: '城镇燃气', en: 'Urban gas', standard: '城镇燃气经营安全重大隐患判定标准（建城规〔2023〕4号）' },
  { code: 'road', zh: '道路运输', en: 'Road transport', standard: '道路运输企业和城市客运企业安全生产重大事故隐患判定标准（交办运〔2023〕52号）' },
  { code: 'water_transport', zh: '水上交通', en: 'Water transport', standard: '' },
  { code: 'explosives', zh: '民用爆炸物品', en: 'Civil explosives', standard: '民用爆炸物品生产、销售企业安全生产重大事故隐患判定标准（工信厅安全函〔2023〕337号）' },
  { code: 'special_equipment', zh: '特种设备', en: 'Special equipment', standard: '' },
  { code: 'power', zh: '电力', en: 'Electric power', standard: '' },
  { code: 'tourism', zh: '文化和旅游', en: 'Culture & tourism', standard: '' },
  { code: 'campus', zh: '教育（校园）', en: 'Education (campus)', standard: '' },
  { code: 'catering', zh: '住宿餐饮', en: 'Lodging & catering', standard: '' },
  { code: 'agriculture', zh: '农业机械、渔业船舶', en: 'Farm machinery & fishing vessels', standard: '' },
  { code: 'water_conservancy', zh: '水利', en: 'Water conservancy', standard: '水利工程生产安全重大事故隐患清单指南' },
  { code: 'urban_rail', zh: '城市轨道交通', en: 'Urban rail transit', standard: '' },
  { code: 'other', zh: '其他', en: 'Other', standard: '' },
] as const;

export type Sector = (typeof SECTORS)[number]['code'];
export const SECTOR_CODES = SECTORS.map((s) => s.code) as [Sector, ...Sector[]];

export const LEVELS = [
  { code: 'major', zh: '重大隐患', en: 'Major' },
  { code: 'general', zh: '一般隐患', en: 'General' },
] as const;
export type Level = (typeof LEVELS)[number]['code'];
export const LEVEL_CODES = LEVELS.map((l) => l.code) as [Level, ...Level[]];

export const SOURCES = [
  { code: 'self_check', zh: '企业自查', en: 'Self-check' },
  { code: 'inspection', zh: '部门检查', en: 'Inspection' },
  { code: 'spot_check', zh: '督查暗访', en: 'Spot check' },
  // 12350: the national work-safety reporting hotline
  { code: 'public_report', zh: '群众举报（12350）', en: 'Public report (12350)' },
  { code: 'monitoring', zh: '监测预警', en: 'Monitoring' },
  { code: 'other', zh: '其他', en: 'Other' },
] as const;
export type Source = (typeof SOURCES)[number]['code'];
export const SOURCE_CODES = SOURCES.map((s) => s.code) as [Source, ...Source[]];

export const STATUSES = [
  { code: 'reported', zh: '已上报', en: 'Reported' },
  { code: 'rectifying', zh: '整改中', en: 'Rectifying' },
  { code: 'rectified', zh: '已整改待验收', en: 'Rectified' },
  { code: 'closed', zh: '已销号', en: 'Closed' },
  { code: 'rejected', zh: '经核查不属实（含重复）', en: 'Rejected (false or duplicate)' },
] as const;
export type Status = (typeof STATUSES)[number]['code'];
export const STATUS_CODES = STATUSES.map((s) => s.code) as [Status, ...Status[]];

export const LISTING_LEVELS = ['province', 'city', 'county'] as const;
export type ListingLevel = (typeof LISTING_LEVELS)[number];

export const OPEN_STATUSES: readonly Status[] = ['reported', 'rectifying'];
export const isOpen = (s: Status): boolean => s === 'reported' || s === 'rectifying';

/** Every lawful move of the lifecycle; anything else is a conflict. */
const NEXT: Record<Status, readonly Status[]> = {
  reported: ['rectifying', 'rectified', 'rejected'],
  rectifying: ['rectified'],
  rectified: ['closed', 'rectifying'],
  closed: [],
  rejected: [],
};

/** The statuses a hazard of this level may move to next (on-the-spot fixes are for general hazards only). */
export function allowedNext(status: Status, level: Level): Status[] {
  return NEXT[status].filter((to) => !(status === 'reported' && to === 'rectified' && level !== 'general'));
}

export type TransitionCheck = { ok: true } | { ok: false; allowed: Status[]; message: string };

export function checkTransition(status: Status, level: Level, to: Status): TransitionCheck {
  const allowed = allowedNext(status, level);
  if (allowed.includes(to)) return { ok: true };
  const list = allowed.length ? allowed.join(', ') : 'none (final status)';
  const why = status === 'reported' && to === 'rectified' && level === 'major'
    ? ' (on-the-spot rectification is for general hazards only)' : '';
  return { ok: false, allowed, message: `cannot move from ${status} to ${to}${why}; allowed next: ${list}` };
}

export const sectorLabel = (code: string, lang: 'zh' | 'en' = 'zh'): string =>
  SECTORS.find((s) => s.code === code)?.[lang] ?? code;
