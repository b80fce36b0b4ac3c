import { describe, expect, it } from 'vitest';
import { creditCheckChar, isValidCreditCode } from '../../../shared/credit-code';
import { EnterpriseSchema } from '../../../shared/schemas';

// Published codes of real companies (their business licences), each verified by the GB 32100 algorithm below.
const REAL: Array<[string, string]> = [
  ['914403001922038216', '华为技术有限公司'],
  ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
  ['91350100M000100Y43', 'GB 32100 standard example'],
];

describe('统一社会信用代码 check character (GB 32100-2015)', () => {
  it.each(REAL)('%s (%s) is valid', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
    expect(EnterpriseSchema.safeParse({ name: '某公司', creditCode: code }).success).toBe(true);
  });

  it.each(REAL)('%s with any other check character is refused', (code) => {
    for (const c of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
      if (c === code[17]) continue;
      expect(isValidCreditCode(code.slice(0, 17) + c)).toBe(false);
    }
  });

  it('a single changed character in the body is caught', () => {
    const code = REAL[0]![0];
    const changed = `${code.slice(0, 5)}${code[5] === '1' ? '2' : '1'}${code.slice(6)}`;
    expect(isValidCreditCode(changed)).toBe(false);
  });

  it.each([
    ['91141100MA0XXXXXX', 'Q'], ['91140000110014585', '1'], ['91110000100003000', 'F'],
  ])('the check character of %s is %s', (body, check) => {
    expect(creditCheckChar(body)).toBe(check);
  });

  it('names the check character and the standard in the error, with the rule for the import\'s Chinese reason', () => {
    const r = EnterpriseSchema.safeParse({ name: '某公司', creditCode: '914403001922038215' });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.issues[0]!.message).toMatch(/check character.*GB 32100/);
      expect(r.error.issues[0]).toMatchObject({ params: { rule: 'credit_check' } });
    }
    expect(isValidCreditCode('91440300708461136I')).toBe(false); // I is not in the alphabet
  });
});
