// Normative statement encoding (docs/formats.md). A record never enters the tree: only its
// salted commitment does, so the payload can later be erased without breaking a proof.
import canonicalize from 'canonicalize'
import { bytesToHex, concatBytes, utf8Decoder, utf8ToBytes } from './encoding.ts'
import { leafHash, sha256 } from './hash.ts'

export const CLIENT_KINDS = [
  'financing-application',
  'data-authorization',
  'authorization-revocation',
  'evidence',
] as const
export const KINDS = [...CLIENT_KINDS, 'redaction'] as const
export type ClientKind = (typeof CLIENT_KINDS)[number]
export type Kind = (typeof KINDS)[number]

export interface Statement {
  v: 1
  kind: Kind
  id: string
  subject: string
  commitment: string
  submitter: string
  time: string
  refs: string[]
}

export const SALT_BYTES = 32
const COMMITMENT = /^sha256:[0-9a-f]{64}$/

/** RFC 8785 canonical JSON as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalText(value))
}

/**
 * RFC 8785 bytes of a statement. Its shape is fixed, so the keys are written in their JCS
 * order directly (JCS string escaping is JSON.stringify's): ~10× faster than the generic
 * canonicalizer on the hot path, and a property test holds it equal to canonicalBytes.
 */
export function statementBytes(s: Statement): Uint8Array {
  return utf8ToBytes(statementText(s))
}

/** The RFC 8785 text of a statement; statementBytes is its UTF-8. */
export function statementText(s: Statement): string {
  return `{"commitment":${jcsString(s.commitment)},"id":${jcsString(s.id)},"kind":${jcsString(s.kind)},` +
    `"refs":[${s.refs.map(jcsString).join(',')}],"subject":${jcsString(s.subject)},` +
    `"submitter":${jcsString(s.submitter)},"time":${jcsString(s.time)},"v":${s.v === 1 ? 1 : badVersion()}}`
}

// Printable ASCII other than '"' and '\\': JSON.stringify (and JCS) leave it unescaped.
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function jcsString(x: string): string {
  if (typeof x !== 'string') throw new TypeError('canonical JSON text must be a well-formed string')
  if (PLAIN_TEXT.test(x)) return `"${x}"`
  if (!x.isWellFormed()) throw new TypeError('canonical JSON text must be well-formed Unicode (no lone surrogates)')
  return JSON.stringify(x)
}

function badVersion(): never {
  throw new TypeError('statement version must be 1')
}

export function statementLeafHash(statement: Statement): Uint8Array {
  return leafHash(statementBytes(statement))
}

/**
 * RFC 8785 canonical JSON text. Plain JSON data (what JSON.parse makes: every record a
 * client sends) takes a direct path, ~3× faster than the generic `canonicalize`; anything
 * else (toJSON, undefined, symbols, cycles, very deep nesting) goes to `canonicalize`
 * itself. A property test holds the two byte-identical.
 */
export function canonicalText(value: unknown): string {
  const fast = jcsPlain(value, 0)
  if (fast !== undefined) return fast
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('value has no JSON form')
  return text
}

const MAX_PLAIN_DEPTH = 64

/** JCS of plain JSON data, or undefined to hand the value to the generic canonicalizer. */
function jcsPlain(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      return jcsString(v)
    case 'number':
      // JCS numbers are ECMAScript's shortest round-trip form: JSON.stringify's.
      if (!Number.isFinite(v)) throw new TypeError(`${v} is not allowed in canonical JSON`)
      return JSON.stringify(v)
    case 'boolean':
      return v ? 'true' : 'false'
    case 'object': {
      if (v === null) return 'null'
      if (depth >= MAX_PLAIN_DEPTH) return undefined
      if (Array.isArray(v)) {
        let out = '['
        for (let i = 0; i < v.length; i++) {
          const x = jcsPlain(v[i], depth + 1)
          if (x === undefined) return undefined
          out += i === 0 ? x : ',' + x
        }
        return out + ']'
      }
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) return undefined
      const o = v as Record<string, unknown>
      if (typeof o.toJSON === 'function') return undefined
      // JCS orders members by UTF-16 code units: the default sort's order.
      const names = Object.keys(o).sort()
      let out = '{'
      for (let i = 0; i < names.length; i++) {
        const x = jcsPlain(o[names[i]], depth + 1)
        if (x === undefined) return undefined
        out += (i === 0 ? '' : ',') + jcsString(names[i]) + ':' + x
      }
      return out + '}'
    }
    default:
      return undefined
  }
}

/** commitment = SHA-256(salt ‖ canonical(record)), written "sha256:<hex>". */
export function recordCommitment(salt: Uint8Array, record: unknown): string {
  return commitmentOfCanonical(salt, canonicalBytes(record))
}

/** The same commitment when the caller already holds the record's canonical bytes. */
export function commitmentOfCanonical(salt: Uint8Array, canonicalRecord: Uint8Array): string {
  return 'sha256:' + bytesToHex(sha256(concatBytes(salt, canonicalRecord)))
}

export function isCommitment(value: unknown): value is string {
  return typeof value === 'string' && COMMITMENT.test(value)
}

/** Parses stored or received statement bytes, insisting they are the canonical form. */
export function parseStatement(bytes: Uint8Array): Statement {
  const text = utf8Decoder.decode(bytes)
  const value: unknown = JSON.parse(text)
  if (!isStatement(value)) throw new TypeError('not a v1 statement')
  if (canonicalText(value) !== text) throw new TypeError('statement bytes are not canonical')
  return value
}

export function isStatement(value: unknown): value is Statement {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const s = value as Record<string, unknown>
  const keys = Object.keys(s).sort().join(',')
  return keys === 'commitment,id,kind,refs,subject,submitter,time,v' &&
    s.v === 1 &&
    (KINDS as readonly unknown[]).includes(s.kind) &&
    typeof s.id === 'string' && s.id.length > 0 &&
    typeof s.subject === 'string' &&
    isCommitment(s.commitment) &&
    typeof s.submitter === 'string' &&
    typeof s.time === 'string' &&
    Array.isArray(s.refs) && s.refs.every((r) => typeof r === 'string' && /^[0-9a-f]{64}$/.test(r))
}

// GB 32100-2015: 31-symbol alphabet (no I, O, S, V, Z), weights 3^i mod 31.
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
