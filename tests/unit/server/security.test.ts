/** The pure pieces of the perimeter: JSON guards, ack extraction, chain heads, proxy configuration. */
import { describe, expect, it } from 'vitest';
import { parseHead } from '../../../server/audit/verify';
import { loadConfig } from '../../../server/config';
import { MAX_JSON_DEPTH, depthOf, guardJsonDepth, refuseForbiddenKeys, tokenFrom } from '../../../server/http/middleware';
import { argsAndAck } from '../../../server/realtime/realtime';

const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);

describe('guardJsonDepth (raw bytes, before parsing)', () => {
  it.each([
    ['{}', true],
    [nest(MAX_JSON_DEPTH), true],
    [nest(MAX_JSON_DEPTH + 1), false],
    [`{"a":"${'['.repeat(100)}"}`, true], // brackets inside a string are text
    [`{"a":"\\"${'{'.repeat(100)}"}`, true], // an escaped quote does not end the string
    [`{"a":"\\\\"${',{"b":'.repeat(20)}1${'}'.repeat(20)}}`, false], // an escaped backslash does
    [`{"名称":"${'【'.repeat(50)}",${'"x":{'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}}`, false],
    [nest(100_000), false],
  ])('%#: accepts %s → %s', (text, ok) => {
    const run = () => guardJsonDepth(null, null, Buffer.from(text));
    if (ok) expect(run).not.toThrow();
    else expect(run).toThrow(/nested deeper/);
  });

  it('agrees with depthOf on parsed values', () => {
    for (let n = 0; n <= MAX_JSON_DEPTH + 2; n++) {
      const text = '{"a":'.repeat(n) + '1' + '}'.repeat(n);
      const rawOk = (() => {
        try {
          guardJsonDepth(null, null, Buffer.from(text));
          return true;
        } catch {
          return false;
        }
      })();
      expect(rawOk, `depth ${n}`).toBe(depthOf(JSON.parse(text)) <= MAX_JSON_DEPTH);
    }
  });
});

describe('refuseForbiddenKeys', () => {
  it.each(['{"__proto__":{"x":1}}', '{"a":{"constructor":{"prototype":{}}}}', '[{"prototype":1}]'])('refuses %s', (text) => {
    expect(() => JSON.parse(text, refuseForbiddenKeys)).toThrow(/forbidden key/);
  });
  it('leaves ordinary keys alone', () => {
    expect(JSON.parse('{"proto":1,"constructorName":"x"}', refuseForbiddenKeys)).toEqual({ proto: 1, constructorName: 'x' });
  });
});

describe('argsAndAck', () => {
  const fn = () => undefined;
  it.each<[string, unknown[], unknown, boolean]>([
    ['args and ack', [{ region: '140000' }, fn], { region: '140000' }, true],
    ['the ack alone (argument forgotten)', [fn], undefined, true],
    ['extra arguments before the ack', [{ region: '140000' }, 'junk', 7, fn], { region: '140000' }, true],
    ['no ack', [{ region: '140000' }], { region: '140000' }, false],
    ['a non-function ack', [{ region: '140000' }, 42], { region: '140000' }, false],
    ['nothing', [], undefined, false],
  ])('%s', (_what, params, args, hasAck) => {
    const [a, ack] = argsAndAck(params);
    expect(a).toEqual(args);
    expect(typeof ack === 'function').toBe(hasAck);
  });
});

describe('parseHead', () => {
  const hash = 'a'.repeat(64);
  it.each<[string | null, { seq: number; hash: string } | null]>([
    [`12:${hash}`, { seq: 12, hash }],
    [`0:${'0'.repeat(64)}`, { seq: 0, hash: '0'.repeat(64) }],
    [`12:${hash.toUpperCase()}`, null],
    [`12:${hash.slice(1)}`, null],
    [`-1:${hash}`, null],
    [`12 :${hash}`, null],
    [null, null],
    ['', null],
  ])('%s → %j', (text, head) => expect(parseHead(text)).toEqual(head));
});

describe('configuration of a reverse proxy', () => {
  it.each<[string | undefined, unknown]>([
    [undefined, undefined],
    ['', undefined],
    ['false', undefined],
    ['true', true],
    ['1', 1],
    ['2', 2],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, loopback', '10.0.0.0/8, loopback'],
  ])('TRUST_PROXY=%s → %j', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).TRUST_PROXY).toEqual(expected);
  });
});

describe('tokenFrom', () => {
  it.each<[string | undefined, string | undefined, string | undefined]>([
    ['Bearer hz_a_b', undefined, 'hz_a_b'],
    ['bearer   hz_a_b', 'hz_session=hz_c_d', 'hz_a_b'],
    [undefined, 'x=1; hz_session=hz_c_d', 'hz_c_d'],
    ['Basic abc', 'hz_session=hz_c_d', 'hz_c_d'],
    ['Bearer two words', undefined, undefined],
    [undefined, 'hz_session=%E0%A4%A', '%E0%A4%A'],
    [undefined, undefined, undefined],
  ])('Authorization %s, Cookie %s → %s', (authorization, cookie, token) => {
    expect(tokenFrom(authorization, cookie)).toBe(token);
  });
});
