// Unified Social Credit Code (GB 32100-2015), the id of every enterprise a record names:
// a 31-symbol alphabet (no I, O, S, V, Z), check character weights 3^i mod 31. Isomorphic.
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/

export function usccCheckChar(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i])
    if (v < 0) throw new RangeError(`'${first17[i]}' is not a USCC symbol`)
    sum += v * USCC_WEIGHTS[i]
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]
}

/** Unified Social Credit Code: shape, administrative-division digits, check character. */
export function isValidUscc(code: unknown): code is string {
  return typeof code === 'string' && USCC_SHAPE.test(code) && usccCheckChar(code.slice(0, 17)) === code[17]
}
