/**
 * Response shapes the API documents that are not already zod schemas in shared/ (requests, the summary,
 * briefing, hazard, session and trend answers and socket payloads are: the client parses those too):
 * server/http/openapi.ts turns them into the OpenAPI document. The documented objects are exact (`additionalProperties: false`), so api-docs.test.ts notices an answer that
 * grew a field the document does not name; clients should still ignore fields they do not know.
 */
import { z } from 'zod';

export const ApiErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

const ItemErrorSchema = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
export const BatchResultSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int().optional(), row: z.number().int().optional(), id: z.string().optional(), error: ItemErrorSchema })),
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
