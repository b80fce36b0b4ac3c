/**
 * Response shapes the API documents that are not already zod schemas in shared/ (requests and the summary,
 * briefing and socket payloads are): server/http/openapi.ts turns them into the OpenAPI document. The
 * documented objects are exact (`additionalProperties: false`), so api-docs.test.ts notices an answer that
 * grew a field the document does not name; clients should still ignore fields they do not know.
 */
import { z } from 'zod';
import { LISTING_LEVELS, STATUS_CODES } from '../../shared/domain';
import { HazardInputSchema } from '../../shared/schemas';

export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const ItemErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
export const BatchResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int().optional(), row: z.number().int().optional(), id: z.string().optional(), error: ItemErrorSchema })),
});

const HistoryEntrySchema = z.looseObject({ seq: z.number().int(), kind: z.string(), at: z.string() });
export const HazardSchema = z.object({
  ...HazardInputSchema.shape,
  status: z.enum(STATUS_CODES),
  listedBy: z.enum(LISTING_LEVELS).nullable(),
  overdue: z.boolean(),
  cityCode: z.string(),
  reportedAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  extensions: z.number().int(),
  version: z.number().int(),
  /** 五落实缺项: major, rectifying, no rectification plan recorded (lists and single reads) */
  planMissing: z.boolean().optional(),
  history: z.array(HistoryEntrySchema).optional(),
});

export const HazardPageSchema = z.object({ items: z.array(HazardSchema), nextCursor: z.string().nullable() });

export const SessionInfoSchema = z.object({
  tokenId: z.string(),
  user: z.looseObject({ username: z.string(), displayName: z.string() }).optional(),
  role: z.string(), region: z.string(), name: z.string(), demo: z.boolean(), tz: z.string(), campaignStart: z.string(), today: z.string(), serverTime: z.string(),
});

export const UserViewSchema = z.object({
  user: z.object({ username: z.string(), displayName: z.string(), role: z.string(), region: z.string(), source: z.string(), mustChangePassword: z.boolean() }),
});

export const ChainHeadSchema = z.object({ seq: z.number().int(), hash: z.string() });

export const HealthSchema = z.object({
  status: z.enum(['ok', 'lagging', 'store_unavailable']), version: z.string(), seq: z.number().int(), head: z.number().int(),
  lagSeq: z.number().int(), lagMs: z.number(), ready: z.boolean(), demo: z.boolean(),
  /** the background check of the hash chain and projection (shared/events.ts IntegrityNotice) */
  integrity: z.object({
    status: z.enum(['checking', 'ok', 'failed', 'unavailable']), record: z.string().optional(), message: z.string().optional(), checkedAt: z.string().optional(),
  }),
});
