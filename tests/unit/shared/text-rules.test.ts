/** The text and date rules of the shared schemas (docs/API.md "Text and dates"), each with the rule it reports. */
import { describe, expect, it } from 'vitest';
import { DATE_FLOOR, HazardInputSchema, TransitionInputSchema, issueDetails } from '../../../shared/schemas';

const base = { id: 'T-1', regionCode: '141102', sector: 'coal', level: 'general', title: '巷道支护不到位', discoveredAt: '2024-11-18T09:30:00+08:00' };
const ruleOf = (input: object): string | undefined => {
  const r = HazardInputSchema.safeParse({ ...base, ...input });
  if (r.success) return undefined;
  const d = issueDetails(r.error.issues)[0]!;
  return d.rule ?? d.code;
};

describe('text rules', () => {
  it.each([
    ['NUL only', { title: '\u0000\u0000' }, 'control_char'],
    ['a NUL inside', { title: '巷道\u0000支护' }, 'control_char'],
    ['an escape character', { title: '\u001b[31m红' }, 'control_char'],
    ['a C1 control', { title: 'a\u0085b' }, 'control_char'],
    ['DEL', { title: 'a\u007fb' }, 'control_char'],
    ['a line break in a title', { title: '第一行\n第二行' }, 'control_char'],
    ['a tab in a title', { title: 'a\tb' }, 'control_char'],
    ['a control in a description', { description: 'ok\u0007' }, 'control_char'],
    ['a lone high surrogate', { title: 'a\uD800b' }, 'lone_surrogate'],
    ['a lone low surrogate', { title: '\uDC00' }, 'lone_surrogate'],
    ['zero-width characters only', { title: '\u200B\u200C\u200D\uFEFF' }, 'invisible_only'],
    ['bidi marks and a soft hyphen only', { title: '\u202E\u00AD\u2066' }, 'invisible_only'],
    ['an invisible enterprise name', { enterprise: { name: '\u2060' } }, 'invisible_only'],
    ['spaces only (trimmed to nothing)', { title: ' \u3000 ' }, 'too_small'],
    ['year 0001', { discoveredAt: '0001-01-01T00:00:00Z' }, 'date_floor'],
    ['a deadline before the floor', { deadline: '1999-12-31', discoveredAt: '1999-12-01T00:00:00Z' }, 'date_floor'],
  ])('refuses %s', (_what, input, rule) => {
    expect(ruleOf(input)).toBe(rule);
  });

  it.each([
    ['tabs and line breaks in a description', { description: '第一行\r\n第二行\t完' }],
    ['an emoji (a surrogate pair)', { title: '隐患 🔥' }],
    ['a zero-width joiner between visible characters', { title: '👨\u200D👩' }],
    ['the floor itself', { discoveredAt: `${DATE_FLOOR}T00:00:00Z` }],
  ])('accepts %s', (_what, input) => {
    expect(ruleOf(input)).toBeUndefined();
  });

  it('notes may span lines; a NUL in a note is refused', () => {
    expect(TransitionInputSchema.safeParse({ to: 'rectifying', note: '已整改\n附照片' }).success).toBe(true);
    expect(TransitionInputSchema.safeParse({ to: 'rectifying', note: '\u0000' }).success).toBe(false);
  });
});
