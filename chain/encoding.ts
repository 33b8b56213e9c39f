// Byte encodings shared by server, CLI and browser. No Node APIs (no Buffer) so the
// verifier bundle runs unchanged in a page.
import { hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js'

const HEX_DIGITS = new Uint8Array([...'0123456789abcdef'].map((c) => c.charCodeAt(0)))
const asciiDecoder = new TextDecoder()
let hexScratch = new Uint8Array(128)

/**
 * Lowercase hex. Digits go into a reused scratch buffer and one native decode makes a flat
 * string: ~3× faster than per-byte string concatenation, and receipts need many of these.
 */
export function bytesToHex(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('Uint8Array expected')
  const n = bytes.length * 2
  const out = n <= hexScratch.length ? hexScratch : n <= 4096 ? (hexScratch = new Uint8Array(n)) : new Uint8Array(n)
  for (let i = 0, j = 0; i < bytes.length; i++, j += 2) {
    const b = bytes[i]
    out[j] = HEX_DIGITS[b >> 4]
    out[j + 1] = HEX_DIGITS[b & 15]
  }
  return asciiDecoder.decode(out.subarray(0, n))
}

const utf8Encoder = new TextEncoder()

/**
 * UTF-8 bytes of a string. One shared encoder and no defensive copy (noble's version makes
 * a new TextEncoder and copies every result): this runs several times per entry.
 */
export function utf8ToBytes(str: string): Uint8Array {
  if (typeof str !== 'string') throw new TypeError('string expected')
  return utf8Encoder.encode(str)
}

const HEX = /^(?:[0-9a-f]{2})*$/

/** Strict lowercase-hex decoding: proofs and hashes on the wire are lowercase hex. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !HEX.test(hex)) throw new TypeError('expected lowercase hex')
  return nobleHexToBytes(hex)
}

export function isHash(hex: unknown): hex is string {
  return typeof hex === 'string' && hex.length === 64 && HEX.test(hex)
}

// Node's Buffer codes base64 natively, ~10× faster than btoa/atob over a binary string
// (export spent a tenth of its time here); browsers have no Buffer and use btoa/atob.
interface NodeBufferLike {
  buffer: ArrayBufferLike
  byteOffset: number
  byteLength: number
  toString(encoding: 'base64'): string
}
const nodeBuffer = (globalThis as {
  Buffer?: { from(a: ArrayBufferLike, offset: number, length: number): NodeBufferLike; from(s: string, encoding: 'base64'): NodeBufferLike }
}).Buffer

export function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(s)
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Standard base64 with padding, rejecting anything else (no URL alphabet, no spaces). */
export function fromBase64(b64: string): Uint8Array {
  if (typeof b64 !== 'string' || b64.length % 4 !== 0 || !B64.test(b64)) {
    throw new TypeError('expected standard base64')
  }
  let out: Uint8Array
  if (nodeBuffer) {
    const b = nodeBuffer.from(b64, 'base64')
    out = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  } else {
    const s = atob(b64)
    out = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  }
  // atob ignores stray padding bits; a signature must have exactly one spelling.
  if (toBase64(out) !== b64) throw new TypeError('non-canonical base64')
  return out
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0
  for (const p of parts) len += p.length
  const out = new Uint8Array(len)
  let off = 0
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

/** Big-endian u64 (numbers stay below 2^53): fixed-width keys sort in numeric order. */
export function writeU64(b: Uint8Array, off: number, n: number): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  v.setUint32(off, Math.floor(n / 2 ** 32))
  v.setUint32(off + 4, n >>> 0)
}

export function u64(n: number): Uint8Array {
  const b = new Uint8Array(8)
  writeU64(b, 0, n)
  return b
}

export function readU64(b: Uint8Array, off = 0): number {
  // Byte arithmetic rather than a DataView per call: full-log scans read two per row.
  if (off < 0 || off + 8 > b.length) throw new RangeError('u64 read past the end of its buffer')
  const hi = b[off] * 2 ** 24 + ((b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3])
  const lo = b[off + 4] * 2 ** 24 + ((b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7])
  return hi * 2 ** 32 + lo
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

// Exact decoding: invalid UTF-8 throws, and a leading byte order mark is kept as U+FEFF
// (by default TextDecoder drops it silently, so BOM-prefixed bytes would pass as canonical).
export const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
