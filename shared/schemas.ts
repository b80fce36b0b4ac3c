/**
 * Every payload of the public contract, once: the zod schema is the type (z.infer), and every body,
 * query and socket argument goes through safeParse on the server.
 */
import { z } from 'zod';
import { LEVEL_CODES, LISTING_LEVELS, SECTOR_CODES, SOURCE_CODES, STATUS_CODES } from './domain';
import { PROVINCE_CODE, isRegionCode, withdrawnCode, withdrawnMessage } from './regions';
import { CREDIT_CODE_PATTERN, isValidCreditCode } from './credit-code';
import { DailySchema } from './briefing';

export const FUTURE_SKEW_MS = 5 * 60_000;
export const MAX_BATCH = 5000;

// ---- text and date rules (docs/API.md "Text and dates"): each refusal carries params.rule, which the
// spreadsheet import turns into its Chinese reason without reading the English message
/** C0 controls except tab, LF, CR; DEL; C1 controls. Single-line texts refuse tab, LF and CR too. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK = /[\t\n\r]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** whitespace and the characters that print nothing: zero-width, joiners, bidi marks, soft hyphen, BOM, fillers */
const INVISIBLE = /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/gu;
/** nothing in this system happened before 2000: an earlier date is a typing or conversion error (year 0001) */
export const DATE_FLOOR = '2000-01-01';
const FLOOR_MS = Date.parse(`${DATE_FLOOR}T00:00:00Z`);

export type TextRule = 'control_char' | 'lone_surrogate' | 'invisible_only' | 'date_floor';
const rule = (r: TextRule, message: string) => ({ message, params: { rule: r } });

const text = (max: number, multiline = false) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .refine((v) => !CONTROL.test(v) && (multiline || !LINE_BREAK.test(v)), rule('control_char', multiline ? 'must not contain control characters (tab and line breaks are allowed)' : 'must not contain control characters, tabs or line breaks'))
    .refine((v) => !LONE_SURROGATE.test(v), rule('lone_surrogate', 'must not contain unpaired UTF-16 surrogates'))
    .refine((v) => v === '' || v.replace(INVISIBLE, '') !== '', rule('invisible_only', 'must contain a visible character'));
const isoInstant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 time with an offset or Z' })
  .refine((v) => Date.parse(v) >= FLOOR_MS, rule('date_floor', `must not be before ${DATE_FLOOR}`));
const isoDay = z.iso.date({ message: 'must be a date YYYY-MM-DD' }).refine((v) => v >= DATE_FLOOR, rule('date_floor', `must not be before ${DATE_FLOOR}`));

export const HazardIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '1–64 characters of A–Z a–z 0–9 . _ : -');
/** The issue param that marks a withdrawn region code, so callers can answer `withdrawn_region`. */
export const WITHDRAWN_REGION = 'withdrawn_region';
export const RegionCodeSchema = z.string().superRefine((code, ctx) => {
  if (isRegionCode(code)) return;
  const w = withdrawnCode(code);
  if (!w) {
    ctx.addIssue({ code: 'custom', message: 'unknown region code (GB/T 2260, this province)', params: { rule: 'unknown_region' } });
    return;
  }
  // old ledgers still carry the pre-2018 codes: say where they went, in both languages
  const m = withdrawnMessage(w);
  ctx.addIssue({ code: 'custom', message: `${m.zh} / ${m.en}`, params: { rule: WITHDRAWN_REGION, successors: w.successors } });
});

export const EnterpriseSchema = z.strictObject({
  name: text(200).min(1, 'enterprise name is required'),
  creditCode: z.string().regex(CREDIT_CODE_PATTERN, 'unified social credit code: 18 characters')
    .refine(isValidCreditCode, { message: 'unified social credit code: check character does not match (GB 32100)', params: { rule: 'credit_check' } })
    .optional(),
});

export const HazardInputSchema = z
  .strictObject({
    id: HazardIdSchema,
    regionCode: RegionCodeSchema.refine((c) => c !== PROVINCE_CODE, { message: 'report against a county or a city, not the province', params: { rule: 'not_province' } }),
    sector: z.enum(SECTOR_CODES),
    level: z.enum(LEVEL_CODES),
    title: text(200).min(1, 'title is required'),
    description: text(4000, true).optional(),
    enterprise: EnterpriseSchema.optional(),
    source: z.enum(SOURCE_CODES).default('inspection'),
    discoveredAt: isoInstant,
    deadline: isoDay.optional(),
    linkedTo: HazardIdSchema.optional(),
  })
  .superRefine((h, ctx) => {
    if (Date.parse(h.discoveredAt) > Date.now() + FUTURE_SKEW_MS) {
      ctx.addIssue({ code: 'custom', path: ['discoveredAt'], message: 'is in the future', params: { rule: 'future' } });
    }
    if (h.level === 'major' && !h.deadline) {
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'is required for a major hazard', params: { rule: 'major_deadline' } });
    }
    if (h.deadline && h.deadline < h.discoveredAt.slice(0, 10) && Date.parse(`${h.deadline}T23:59:59+14:00`) < Date.parse(h.discoveredAt)) {
      ctx.addIssue({ code: 'custom', path: ['deadline'], message: 'is before the hazard was discovered', params: { rule: 'deadline_before' } });
    }
  });
export type HazardInput = z.infer<typeof HazardInputSchema>;

export const BatchEnvelopeSchema = z.strictObject({
  hazards: z.array(z.unknown()).min(1, 'at least one hazard').max(MAX_BATCH, `at most ${MAX_BATCH} hazards per request`),
});

/** 五落实: the rectification plan recorded when a hazard moves into rectification (责任、措施、资金、时限、预案). */
export const PlanSchema = z.strictObject({
  responsible: text(200).min(1, 'the person responsible is required'),
  measures: text(2000, true).min(1, 'the measures are required'),
  funds: text(200).min(1, 'the funds are required'),
  deadline: isoDay.optional(),
  contingency: text(2000, true).min(1, 'the contingency plan is required'),
});
export type Plan = z.infer<typeof PlanSchema>;

export const TransitionInputSchema = z
  .strictObject({
    to: z.enum(STATUS_CODES),
    at: isoInstant.optional(),
    note: text(2000, true).optional(),
    /** (ext) with `to: "rectifying"`: the 五落实 plan */
    plan: PlanSchema.optional(),
    /** (ext) from `rectified` (验收): the acceptor's opinion, recorded with the result */
    opinion: text(2000, true).optional(),
  })
  .refine((t) => !t.plan || t.to === 'rectifying', { path: ['plan'], message: 'a plan goes with to: "rectifying"' });
export type TransitionInput = z.infer<typeof TransitionInputSchema>;

export const EscalationInputSchema = z
  .strictObject({
    level: z.enum(LEVEL_CODES),
    note: text(2000, true).optional(),
    /** a hazard raised to major without a deadline needs one */
    deadline: isoDay.optional(),
  })
  // lowering a major hazard is what concealment looks like: it always says why
  .refine((e) => e.level !== 'general' || Boolean(e.note), { path: ['note'], message: 'is required to lower a hazard to general' });
export type EscalationInput = z.infer<typeof EscalationInputSchema>;

export const ListingInputSchema = z.strictObject({
  by: z.enum(LISTING_LEVELS),
  document: text(500).optional(),
});
export type ListingInput = z.infer<typeof ListingInputSchema>;

/** (ext) 摘牌: lifting a supervised listing always says why. */
export const DelistingInputSchema = z.strictObject({
  note: text(2000, true).min(1, 'a note is required to lift a listing'),
});
export type DelistingInput = z.infer<typeof DelistingInputSchema>;

export const ExtensionInputSchema = z.strictObject({
  deadline: isoDay,
  reason: text(2000, true).min(1, 'a reason is required'),
});
export type ExtensionInput = z.infer<typeof ExtensionInputSchema>;

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ListQuerySchema = z.strictObject({
  region: RegionCodeSchema.optional(),
  sector: z.enum(SECTOR_CODES).optional(),
  level: z.enum(LEVEL_CODES).optional(),
  status: z.enum(STATUS_CODES).optional(),
  source: z.enum(SOURCE_CODES).optional(),
  overdue: boolParam.optional(),
  listed: boolParam.optional(),
  /** (ext) 五落实缺项: major hazards in rectification with no rectification plan recorded */
  planMissing: boolParam.optional(),
  /** (ext) `newest` discovery first (default), or `deadline`: earliest deadline first — the most overdue on top */
  order: z.enum(['newest', 'deadline']).default('newest'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
export type ListFilter = Omit<ListQuery, 'limit' | 'cursor' | 'order'> & { order?: ListQuery['order'] };

export const RegionQuerySchema = z.strictObject({ region: RegionCodeSchema.optional() });

// ---- read models -------------------------------------------------------------------------------

export const CountsSchema = z.object({
  total: z.number(), major: z.number(), open: z.number(), majorOpen: z.number(),
  overdue: z.number(), rectified: z.number(),
  /** (ext) major hazards rectified and waiting for acceptance: 重大隐患整改率 = (majorRectified + majorClosed) ÷ major */
  majorRectified: z.number(),
  closed: z.number(),
  /** (ext) closed major hazards: the major-only rectification rate is majorClosed ÷ major */
  majorClosed: z.number(),
  listed: z.number(),
});
export type Counts = z.infer<typeof CountsSchema>;

export const SummarySchema = z.object({
  region: z.string(),
  name: z.string(),
  version: z.number(),
  asOf: z.string(),
  today: z.string(),
  demo: z.boolean().optional(),
  totals: CountsSchema,
  byRegion: z.record(z.string(), CountsSchema),
  bySector: z.record(z.string(), CountsSchema),
  matrix: z.record(z.string(), z.record(z.string(), CountsSchema)),
});
export type Summary = z.infer<typeof SummarySchema>;

export const SummaryChangesSchema = z.object({
  totals: CountsSchema.optional(),
  byRegion: z.record(z.string(), CountsSchema).optional(),
  bySector: z.record(z.string(), CountsSchema).optional(),
  matrix: z.record(z.string(), z.record(z.string(), CountsSchema)).optional(),
});
export type SummaryChanges = z.infer<typeof SummaryChangesSchema>;

export const SummaryDeltaSchema = z.object({
  region: z.string(),
  fromVersion: z.number(),
  version: z.number(),
  asOf: z.string(),
  today: z.string().optional(),
  changes: SummaryChangesSchema,
});
export type SummaryDelta = z.infer<typeof SummaryDeltaSchema>;

// ---- answers of the REST reads (server/http/openapi.ts documents them; client/lib/api.ts parses them) ----

/** A history entry as far as the API documents it; its full type is HistoryEntry below. */
const HistoryEntrySchema = z.looseObject({ seq: z.number().int(), kind: z.string(), at: z.string() });
/** A hazard as the API answers it (the type the screens use is Hazard below). */
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

/** GET /api/v1/session: who the credential is, and the server's day, time zone and clock. */
export const SessionInfoSchema = z.object({
  tokenId: z.string(),
  user: z.looseObject({ username: z.string(), displayName: z.string() }).optional(),
  role: z.string(), region: z.string(), name: z.string(), demo: z.boolean(), tz: z.string(), campaignStart: z.string(), today: z.string(), serverTime: z.string(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

/** GET /api/v1/trend: new, new major and closed hazards per day, oldest first. */
export const TrendSchema = z.object({ region: z.string(), days: z.array(DailySchema) });
export type Trend = z.infer<typeof TrendSchema>;

export const HazardReportedSchema = z.object({
  id: z.string(), regionCode: z.string(), sector: z.string(), level: z.string(), title: z.string(), discoveredAt: z.string(),
});
export type HazardReported = z.infer<typeof HazardReportedSchema>;

/**
 * `version`: the newest change this server has applied (what its summaries show); `head` (ext): the newest change
 * committed by any node, as far as this server knows. head > version for more than a moment means this node lags.
 */
export const HeartbeatSchema = z.object({
  version: z.number(),
  head: z.number().optional(),
  /** whether the sending node can reach its database (absent: an older server, taken as 'ok'); docs/API.md */
  store: z.enum(['ok', 'unavailable']).optional(),
  at: z.string(),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

export const SubscribeArgsSchema = z.strictObject({ region: RegionCodeSchema });

/** Who made a change, inside the hash chain: a named person, or a machine token (systems, wall screens). */
export type Actor =
  | { kind: 'user'; username: string; displayName: string; role: Role; region: string }
  | { kind: 'token'; tokenId: string; name: string; role: Role; region: string };
/** The actor of history written before people had accounts: the token's id, name and role. */
export type LegacyActor = { tokenId: string; name: string; role: Role };
export const ROLES = ['admin', 'reporter', 'viewer', 'display'] as const;
export type Role = (typeof ROLES)[number];

export type HistoryEntry = {
  seq: number;
  kind: 'reported' | 'transition' | 'escalation' | 'listing' | 'extension' | 'delisting' | 'evidence';
  at: string;
  recordedAt: string;
  actor: Actor | LegacyActor | null;
  data: Record<string, unknown>;
  hash: string;
};

/** A hazard as the API shows it: what was reported, plus its current state. */
export type Hazard = HazardInput & {
  status: (typeof STATUS_CODES)[number];
  listedBy: (typeof LISTING_LEVELS)[number] | null;
  overdue: boolean;
  cityCode: string;
  reportedAt: string;
  updatedAt: string;
  closedAt: string | null;
  extensions: number;
  version: number;
  /** (ext) 五落实缺项: a major hazard in rectification without a plan; in lists and GET /hazards/:id */
  planMissing?: boolean;
  history?: HistoryEntry[];
};

export type ApiError = { error: { code: string; message: string; details?: unknown } };
export type BatchResult = {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index?: number; row?: number; id?: string; error: { code: string; message: string; details?: unknown } }>;
};

/** True when the issues include a withdrawn region code (answered as `withdrawn_region`, not `invalid_…`). */
export const hasWithdrawnRegion = (issues: readonly z.core.$ZodIssue[]): boolean =>
  issues.some((i) => i.code === 'custom' && (i.params as { rule?: string } | undefined)?.rule === WITHDRAWN_REGION);

/** What a rejected field broke, for machines: the zod issue code, the rule of a refinement, the limit of a size. */
export type IssueDetail = { path: string; message: string; code: string; rule?: string; limit?: number; format?: string };
export function issueDetails(issues: readonly z.core.$ZodIssue[]): IssueDetail[] {
  return issues.slice(0, 20).map((i) => {
    const d: IssueDetail = { path: i.path.join('.'), message: i.message, code: i.code };
    if (i.code === 'custom' && typeof i.params?.rule === 'string') d.rule = i.params.rule;
    if (i.code === 'too_big') d.limit = Number(i.maximum);
    if (i.code === 'too_small') d.limit = Number(i.minimum);
    if (i.code === 'invalid_format') d.format = i.format;
    return d;
  });
}

/** A readable one-line message from zod issues: `deadline: is required for a major hazard; …`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((i) => {
      const path = i.path.join('.');
      if (i.code === 'unrecognized_keys') {
        return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `${path ? `${path}.` : ''}${k}`).join(', ')}`;
      }
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('; ');
}
