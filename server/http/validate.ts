/** Request validation shared by every router: a zod schema, or a 400 naming what is wrong. */
import type { z } from 'zod';
import { describeIssues, hasWithdrawnRegion } from '../../shared/schemas';
import { ServiceError } from '../errors';

/**
 * Parses with the schema or answers 400 `invalid_<what>`, with each issue's path and message in details; a region
 * code withdrawn in 2018–2019 is answered `withdrawn_region`, its message naming the successor.
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ServiceError(400, hasWithdrawnRegion(r.error.issues) ? 'withdrawn_region' : `invalid_${what}`, describeIssues(r.error.issues), r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}
