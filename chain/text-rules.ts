// What free text may hold, for every field a person will read: record text, business
// ids' neighbours, token subjects (they become the statement's submitter), erasure
// reasons. Well-formed Unicode without characters that change how text *looks* rather
// than what it says: a bidi override can make "付款人 A 收款人 B" display as something
// else on a printed certificate, and C0/C1 controls, BOMs, line/paragraph separators and
// noncharacters have no business in a record. Isomorphic: the verify page uses it too.

const NAMED: Record<number, string> = {
  0x061c: 'Arabic letter mark', 0x200e: 'left-to-right mark', 0x200f: 'right-to-left mark',
  0x2028: 'line separator', 0x2029: 'paragraph separator', 0xfeff: 'byte order mark',
}

function unsafeName(cp: number): string | null {
  if (cp < 0x20 && cp !== 0x09 && cp !== 0x0a && cp !== 0x0d) return 'control character'
  if (cp >= 0x7f && cp <= 0x9f) return 'control character'
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'bidi override or isolate'
  if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) === 0xfffe) return 'noncharacter'
  return NAMED[cp] ?? null
}

// Fast path: text made only of these code points needs no per-character look.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufdd0-\ufdef\ufeff\ufffe\uffff]|[\ud83f\ud87f\ud8bf\ud8ff\ud93f\ud97f\ud9bf\ud9ff\uda3f\uda7f\udabf\udaff\udb3f\udb7f\udbbf\udbff][\udffe\udfff]|[\ud800-\udfff]/

/**
 * Why `s` may not be shown as record text, e.g. 'U+202E (bidi override or isolate) at
 * character 5', or null when it may. Lone surrogates are "not well-formed Unicode".
 */
export function unsafeTextReason(s: string): string | null {
  if (!SUSPECT.test(s)) return null
  if (!s.isWellFormed()) return 'not well-formed Unicode (a lone surrogate)'
  let i = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    const name = unsafeName(cp)
    if (name) return `U+${cp.toString(16).toUpperCase().padStart(4, '0')} (${name}) at character ${i}`
    i++
  }
  return null
}
