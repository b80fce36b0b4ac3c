/** The Socket.IO event maps, typed on both ends. */
import type { z } from 'zod';
import type { HazardReported, Heartbeat, Summary, SummaryDelta } from './schemas';
import type { SubscribeArgsSchema } from './schemas';
import type { PresentAck, PresentGoSchema, PresentJoinSchema, PresentState } from './present';

export type SubscribeAck =
  | { ok: true; summary: Summary }
  | { ok: false; error: { code: string; message: string } };

export type { PresentState };

/** The server's own audit of its store (server/audit/integrity.ts): `failed` means screens must not show the numbers as live. */
export type IntegrityNotice = { status: 'checking' | 'ok' | 'failed' | 'unavailable'; record?: string; message?: string; checkedAt?: string };

/**
 * Events a client may ask to receive in batches, in its handshake: `auth: {batch: ['hazard:reported']}` (docs/API.md).
 * The app's own client asks; any other client keeps the per-item event.
 */
export const BATCHABLE_EVENTS = ['hazard:reported'] as const;
export type BatchableEvent = (typeof BATCHABLE_EVENTS)[number];

/** `hazard:reported:batch` (ext): the new majors one applied write brought, in the order they were committed. */
export type HazardReportedBatch = { hazards: HazardReported[] };

export interface ServerToClientEvents {
  'summary:delta': (d: SummaryDelta) => void;
  'hazard:reported': (h: HazardReported) => void;
  'hazard:reported:batch': (b: HazardReportedBatch) => void;
  'server:heartbeat': (h: Heartbeat) => void;
  'server:integrity': (s: IntegrityNotice) => void;
  'present:changed': (s: PresentState) => void;
  'present:superseded': (s: { room: string; message: string }) => void;
  'session:revoked': (s: { message: string }) => void;
}

export interface ClientToServerEvents {
  'summary:subscribe': (args: z.input<typeof SubscribeArgsSchema>, ack: (r: SubscribeAck) => void) => void;
  'summary:unsubscribe': (args: { region: string }, ack?: (r: { ok: boolean }) => void) => void;
  'present:join': (args: z.input<typeof PresentJoinSchema>, ack: (r: PresentAck) => void) => void;
  'present:go': (args: z.input<typeof PresentGoSchema>, ack?: (r: PresentAck) => void) => void;
}
