/** How screens and exports name who made a change: the same words in the ledger drawer and in a spreadsheet. */
import type { Actor, LegacyActor, Role } from './schemas';

/** The person's display name and username, or the token's name. */
export function actorName(a: Actor | LegacyActor): string {
  if ('kind' in a && a.kind === 'user') return `${a.displayName}（${a.username}）`;
  return a.name;
}

export const ROLE_ZH: Record<Role, string> = { admin: '管理员', reporter: '填报', viewer: '查看', display: '大屏' };

/** `王丽（wang.li）（填报）`, as the drawer's history shows it in Chinese; '' for no actor. */
export const actorLabelZh = (a: Actor | LegacyActor | null | undefined): string => (a ? `${actorName(a)}（${ROLE_ZH[a.role] ?? a.role}）` : '');
