/**
 * The hazard domain of DOMAIN.md: sectors, levels, sources, statuses and the lifecycle.
 * Labels are Chinese first (the users are Chinese officials) with an English gloss.
 */

export const SECTORS = [
  { code: 'coal', zh: '煤矿', en: 'Coal mines' },
  { code: 'noncoal', zh: '非煤矿山', en: 'Non-coal mines' },
  { code: 'hazchem', zh: '危险化学品', en: 'Hazardous chemicals' },
  { code: 'fireworks', zh: '烟花爆竹', en: 'Fireworks' },
  { code: 'indtrade', zh: '工贸', en: 'Industry & trade' },
  { code: 'fire', zh: '消防', en: 'Fire safety' },
  { code: 'construction', zh: '建筑施工', en: 'Construction' },
  { code: 'gas', zh: '城镇燃气', en: 'Urban gas' },
  { code: 'road', zh: '道路运输', en: 'Road transport' },
  { code: 'water_transport', zh: '水上交通', en: 'Water transport' },
  { code: 'explosives', zh: '民用爆炸物品', en: 'Civil explosives' },
  { code: 'special_equipment', zh: '特种设备', en: 'Special equipment' },
  { code: 'power', zh: '电力', en: 'Electric power' },
  { code: 'tourism', zh: '文化旅游', en: 'Culture & tourism' },
  { code: 'campus', zh: '校园', en: 'Campus' },
  { code: 'catering', zh: '餐饮住宿', en: 'Catering & lodging' },
  { code: 'agriculture', zh: '农业农机渔业', en: 'Agriculture & fishery' },
  { code: 'other', zh: '其他', en: 'Other' },
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
  { code: 'spot_check', zh: '上级督查暗访', en: 'Spot check' },
  { code: 'public_report', zh: '群众举报', en: 'Public report' },
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
  { code: 'rejected', zh: '核实不属实', en: 'Rejected' },
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
