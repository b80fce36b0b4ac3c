/**
 * The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routers parse with
 * (zod 4's JSON Schema conversion), served at GET /api/v1/openapi.json and as a readable page at
 * GET /api/v1/docs. Adding an endpoint to the document is one line in ENDPOINTS below; the suite
 * validates the document (tests/integration/openapi.test.ts) and every docs/API.md example against it.
 */
import { z } from 'zod';
import { BriefingSchema } from '../../shared/briefing';
import {
  BatchEnvelopeSchema, DelistingInputSchema, EscalationInputSchema, ExtensionInputSchema, HazardInputSchema, ListQuerySchema,
  HazardPageSchema, HazardSchema, ListingInputSchema, RegionQuerySchema, SessionInfoSchema, SummarySchema, TransitionInputSchema, TrendSchema,
} from '../../shared/schemas';
import { BriefingQuerySchema } from '../briefing/briefing.router';
import { TrendQuerySchema } from '../hazards/read.router';
import { ExportQuerySchema } from '../import/import.router';
import {
  ApiErrorSchema, BatchResultSchema, ChainHeadSchema, HealthSchema, UserViewSchema,
} from './openapi-schemas';
import { LoginSchema, PasswordSchema } from '../auth/session.router';

type Method = 'get' | 'post' | 'delete';
/** A response: a zod schema (JSON), a media type with a description (files), or `null` (no body). */
type Answer = z.ZodType | { media: string; description: string } | null;
export type Endpoint = {
  method: Method;
  /** express style, under the server root: `/api/v1/hazards/:id` */
  path: string;
  summary: string;
  /** who may call it (docs/SECURITY.md); `public` needs no credential */
  access: string;
  query?: z.ZodObject;
  body?: z.ZodType | { media: string; description: string };
  responses: Record<number, Answer>;
};

const ID = { in: 'path', name: 'id', required: true, schema: { type: 'string' } } as const;
const file = (media: string, description: string) => ({ media, description });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const ENDPOINTS: Endpoint[] = [
  { method: 'post', path: '/api/v1/hazards', summary: 'Report one hazard, or a batch {hazards: [...]} (each item validated on its own)', access: 'reporter in its region, admin', body: z.union([HazardInputSchema, BatchEnvelopeSchema.extend({ hazards: z.array(HazardInputSchema) })]), responses: { 200: BatchResultSchema, 400: ApiErrorSchema, 413: ApiErrorSchema, 429: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/hazards', summary: 'The hazard list, newest first (or by deadline), paged by cursor', access: 'viewer+, in scope', query: ListQuerySchema, responses: { 200: HazardPageSchema, 400: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/hazards/:id', summary: 'One hazard with its history', access: 'viewer+, in scope', responses: { 200: HazardSchema, 404: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/hazards/:id/transitions', summary: 'Move a hazard through its lifecycle', access: 'reporter in its region, admin', body: TransitionInputSchema, responses: { 200: HazardSchema, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/hazards/:id/escalations', summary: 'Change the level (general ↔ major)', access: 'reporter in its region, admin', body: EscalationInputSchema, responses: { 200: HazardSchema, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/hazards/:id/listing', summary: 'Put a hazard under supervision (挂牌督办)', access: 'admin, or a reporter at the listing level', body: ListingInputSchema, responses: { 200: HazardSchema, 400: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'delete', path: '/api/v1/hazards/:id/listing', summary: 'End the supervision (摘牌)', access: 'admin, or a reporter at the listing level', body: DelistingInputSchema, responses: { 200: HazardSchema, 400: ApiErrorSchema, 403: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/hazards/:id/extensions', summary: 'Extend the deadline', access: 'reporter in its region, admin', body: ExtensionInputSchema, responses: { 200: HazardSchema, 400: ApiErrorSchema, 404: ApiErrorSchema, 409: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/hazards/import', summary: 'Import a spreadsheet (xlsx or CSV in UTF-8/GB18030), multipart field "file"', access: 'reporter in its region, admin', body: file('multipart/form-data', 'one file field'), responses: { 200: z.looseObject({ accepted: z.number().int(), duplicates: z.number().int(), rejected: z.array(z.unknown()) }), 400: ApiErrorSchema, 413: ApiErrorSchema, 415: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/hazards/import/template.xlsx', summary: 'The import template', access: 'viewer+', responses: { 200: file(XLSX, 'the template workbook') } },
  { method: 'get', path: '/api/v1/hazards/export', summary: 'The filtered list as CSV or xlsx, streamed', access: 'viewer+, in scope', query: ExportQuerySchema, responses: { 200: file('text/csv', 'CSV (UTF-8 with BOM), or xlsx with format=xlsx'), 400: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/session', summary: 'Who the credential is, and the server’s day and time zone', access: 'any credential', responses: { 200: SessionInfoSchema, 401: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/session', summary: 'Sign in with username and password (sets the hz_session cookie)', access: 'public', body: LoginSchema, responses: { 200: UserViewSchema, 400: ApiErrorSchema, 401: ApiErrorSchema, 429: ApiErrorSchema } },
  { method: 'delete', path: '/api/v1/session', summary: 'Sign out', access: 'a signed-in person', responses: { 204: null, 401: ApiErrorSchema } },
  { method: 'post', path: '/api/v1/session/password', summary: 'Change one’s password', access: 'a signed-in person', body: PasswordSchema, responses: { 200: UserViewSchema, 400: ApiErrorSchema, 401: ApiErrorSchema, 403: ApiErrorSchema, 429: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/summary', summary: 'The live summary of a region (the snapshot deltas chain onto)', access: 'viewer+, in scope', query: RegionQuerySchema, responses: { 200: SummarySchema, 400: ApiErrorSchema, 403: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/trend', summary: 'Daily new and closed counts of a region', access: 'viewer+, in scope', query: TrendQuerySchema, responses: { 200: TrendSchema, 400: ApiErrorSchema } },
  { method: 'get', path: '/api/v1/chain/head', summary: 'The hash chain head (seq and SHA-256)', access: 'viewer+', responses: { 200: ChainHeadSchema } },
  { method: 'get', path: '/api/v1/briefing', summary: 'The period briefing of a region (counts, changes, flags, text)', access: 'viewer+, in scope', query: BriefingQuerySchema, responses: { 200: BriefingSchema, 400: ApiErrorSchema } },
  { method: 'get', path: '/healthz', summary: 'Liveness and readiness (503 when lagging or cut off from the store)', access: 'public', responses: { 200: HealthSchema, 503: HealthSchema } },
];

type Json = Record<string, unknown>;
const jsonSchema = (s: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  return rest;
};
const isZod = (a: unknown): a is z.ZodType => a instanceof z.ZodType;

function operation(e: Endpoint): Json {
  const parameters: Json[] = e.path.includes(':id') ? [ID] : [];
  for (const [name, s] of Object.entries(e.query?.shape ?? {})) {
    const schema = jsonSchema(s as z.ZodType, 'input');
    parameters.push({ in: 'query', name, required: !(s as z.ZodType).safeParse(undefined).success, schema });
  }
  // every operation can be refused with the one error shape (401, 403, 429, 503 …)
  const responses: Json = { default: { description: 'refused: {error: {code, message, details?}}', content: { 'application/json': { schema: jsonSchema(ApiErrorSchema, 'output') } } } };
  for (const [status, a] of Object.entries(e.responses)) {
    if (a === null) responses[status] = { description: 'no content' };
    else if (isZod(a)) responses[status] = { description: Number(status) < 400 ? 'ok' : 'refused', content: { 'application/json': { schema: jsonSchema(a, 'output') } } };
    else responses[status] = { description: a.description, content: { [a.media]: {} } };
  }
  const body = e.body && (isZod(e.body)
    ? { required: true, content: { 'application/json': { schema: jsonSchema(e.body, 'input') } } }
    : { required: true, description: e.body.description, content: { [e.body.media]: {} } });
  return {
    summary: e.summary, description: `Access: ${e.access}.`,
    ...(e.access === 'public' ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}), ...(body ? { requestBody: body } : {}), responses,
  };
}

export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const e of ENDPOINTS) {
    const p = e.path.replace(/:(\w+)/g, '{$1}');
    paths[p] = { ...paths[p], [e.method]: operation(e) };
  }
  return {
    openapi: '3.1.0',
    info: { title: '安全隐患态势 API (Shanxi safety-hazard dashboard)', version, description: 'Prose, examples and the Socket.IO protocol: docs/API.md.' },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API token (hz_…)' },
        session: { type: 'apiKey', in: 'cookie', name: 'hz_session', description: 'a signed-in person, or a kiosk screen' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
