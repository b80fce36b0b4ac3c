/**
 * The ingest writes a reported change's payload from the input's JSON it already made for the content hash
 * (server/hazards/changes.ts reportedPayloadJson): the stored bytes — which the hash chain seals — must be exactly
 * JSON.stringify of the payload, whatever the input holds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HazardInputSchema } from '../../../shared/schemas';
import { reportedPayloadJson, sealChange, type ChangePayload } from '../../../server/hazards/changes';
import { normalise } from '../../../server/hazards/normalise';
import { makeHazard, rng } from '../../helpers/hazards';

// odd texts: quotes, escapes, line breaks, lone surrogates, non-BMP characters, keys JSON must escape
const odd = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\n\r\t', '\u2028', '\ud800', '😀', '</script>', '\u0000'));

describe('reportedPayloadJson', () => {
  it('is JSON.stringify of { data: {...input}, before: null, after } for any input (property)', () => {
    fc.assert(fc.property(
      fc.dictionary(odd, fc.oneof(odd, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(odd))),
      fc.record({ regionCode: odd, sector: odd, level: odd, status: odd, deadline: fc.option(odd), listed: fc.boolean() }),
      (input, after) => {
        const payload = { data: { ...input }, before: null, after };
        expect(reportedPayloadJson(JSON.stringify(input), after as never)).toBe(JSON.stringify(payload));
      },
    ), { numRuns: 2000 });
  });

  it('seals the same row as the payload encoded whole, for validated hazards', () => {
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const input = HazardInputSchema.parse(makeHazard(r, i, i % 3 ? {} : { title: `标题 "${i}" \\ ${'😀'.repeat(i % 4)}` }));
      const item = normalise(input, 'Asia/Shanghai');
      const after = { regionCode: input.regionCode, sector: input.sector, level: input.level, status: 'reported' as const, deadline: input.deadline ?? null, listed: false };
      const payload: ChangePayload = { data: { ...input }, before: null, after };
      const c = { seq: i + 1, hazardId: input.id, kind: 'reported' as const, at: input.discoveredAt, recordedAt: '2024-11-18T00:00:00.000Z', actor: null, payload };
      expect(sealChange(c, 'p', reportedPayloadJson(item.json!, after)).row).toEqual(sealChange(c, 'p').row);
      expect(item.json).toBe(JSON.stringify(input));
    }
  });
});
