/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters — registration authority, organisation type, the
 * registering office's division code, the 9-character organisation code, and a check character computed
 * over the first 17 (weights 3^i mod 31 over an alphabet of 31 characters without I, O, S, V, Z).
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export const CREDIT_CODE_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** The check character for the first 17 characters, or null when one of them is outside the alphabet. */
export function creditCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function isValidCreditCode(code: string): boolean {
  return CREDIT_CODE_PATTERN.test(code) && creditCheckChar(code.slice(0, 17)) === code[17];
}
