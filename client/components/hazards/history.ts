/** What one history entry says, as a title and detail lines (all text, never HTML). */
import type { HistoryEntry } from '../../../shared/schemas';
import { levelName, statusName } from '../../lib/labels';

type T = (key: string, values?: Record<string, unknown>) => string;
export type Described = { title: string; tone: 'info' | 'up' | 'down' | 'listing' | 'extension'; lines: string[] };

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function describeEntry(e: HistoryEntry, t: T, locale: string): Described {
  const d = e.data;
  const lines: string[] = [];
  const add = (key: string, text: unknown) => {
    if (str(text)) lines.push(t(key, { text: str(text) }));
  };
  switch (e.kind) {
    case 'reported':
      lines.push(t('hazards.detail.reportedAs', { level: levelName(str(d.level), locale) }));
      if (str(d.deadline)) lines.push(t('hazards.detail.deadline', { d: str(d.deadline) }));
      return { title: t('hazards.kind.reported'), tone: 'info', lines };
    case 'transition':
      lines.push(t('hazards.detail.move', { from: statusName(str(d.from), locale), to: statusName(str(d.to), locale) }));
      add('hazards.detail.note', d.note);
      return { title: t('hazards.kind.transition'), tone: 'info', lines };
    case 'escalation': {
      const up = d.to === 'major';
      add('hazards.detail.note', d.note);
      if (str(d.deadline)) lines.push(t('hazards.detail.deadline', { d: str(d.deadline) }));
      return { title: t(up ? 'hazards.kind.escalationUp' : 'hazards.kind.escalationDown'), tone: up ? 'up' : 'down', lines };
    }
    case 'listing':
      add('hazards.detail.document', d.document);
      if (str(d.previous)) lines.push(t('hazards.detail.previous', { by: t(`hazards.by.${str(d.previous)}`) }));
      return { title: `${t('hazards.kind.listing')}（${t(`hazards.by.${str(d.by)}`)}）`, tone: 'listing', lines };
    case 'extension':
      lines.push(t('hazards.detail.move', { from: str(d.from) || '—', to: str(d.to) }));
      add('hazards.detail.reason', d.reason);
      return { title: t('hazards.kind.extension'), tone: 'extension', lines };
    case 'delisting':
      add('hazards.detail.note', d.note);
      return { title: `${t('desk.history.delisting')}（${t(`hazards.by.${str(d.from)}`)}）`, tone: 'listing', lines };
    case 'evidence':
      lines.push(t('desk.evidence', { name: str(d.name) }));
      lines.push(`SHA-256 ${str(d.sha256).slice(0, 16)}…`);
      return { title: t('desk.history.evidence'), tone: 'info', lines };
    default:
      return { title: String(e.kind), tone: 'info', lines };
  }
}
