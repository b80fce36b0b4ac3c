/**
 * The video-conference presentation: one presenter drives a room, every follower shows the same slide. The
 * slide sequence follows from the room's region alone, so the server can check an index without the client.
 */
import { z } from 'zod';
import { childrenOf } from './regions';
import { RegionCodeSchema } from './schemas';

export type Slide =
  | { kind: 'overview' }
  | { kind: 'major' }
  | { kind: 'overdue' }
  | { kind: 'region'; code: string }
  | { kind: 'sectors' }
  | { kind: 'sources' }
  | { kind: 'flags' };

/**
 * Overview, major hazards, overdue, each child region in turn (cities of the province), sector focus, this week's
 * hazards by source (the bulletins' 企业自查发现 / 部门检查发现 / 督查暗访 / 群众举报), flags.
 */
export function slidesFor(region: string): Slide[] {
  return [
    { kind: 'overview' },
    { kind: 'major' },
    { kind: 'overdue' },
    ...childrenOf(region).map((c): Slide => ({ kind: 'region', code: c.code })),
    { kind: 'sectors' },
    { kind: 'sources' },
    { kind: 'flags' },
  ];
}

export const RoomNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'room: 1–64 characters of A–Z a–z 0–9 _ -');

export const PresentJoinSchema = z.strictObject({
  room: RoomNameSchema,
  role: z.enum(['presenter', 'follower']).default('follower'),
  region: RegionCodeSchema.optional(),
});

export const PresentGoSchema = z
  .strictObject({
    room: RoomNameSchema,
    index: z.number().int().min(0).max(999).optional(),
    blank: z.boolean().optional(),
  })
  .refine((g) => g.index !== undefined || g.blank !== undefined, 'send index, blank or both');

export const PresentStateSchema = z.object({
  room: z.string(),
  region: z.string(),
  index: z.number(),
  /** how many slides the room's region has */
  slides: z.number(),
  blank: z.boolean(),
  /** a presenter is connected */
  presenter: z.boolean(),
  updatedAt: z.string(),
});
export type PresentState = z.infer<typeof PresentStateSchema>;

export type PresentError = { code: string; message: string };
export type PresentAck = { ok: true; state: PresentState } | { ok: false; error: PresentError };
