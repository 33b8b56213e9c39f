// Normative statement encoding (docs/formats.md). A record never enters the tree: only its
// salted commitment does, so the payload can later be erased without breaking a proof.
import { bytesToHex, concatBytes, utf8Decoder, utf8ToBytes } from './encoding.ts'
import { canonicalBytes, canonicalText, jcsString } from './jcs.ts'
import { leafHash, sha256 } from './hash.ts'

// Their own modules; re-exported because records and schemas name them with the statement.
export { canonicalBytes, canonicalText } from './jcs.ts'
export { isValidUscc, usccCheckChar } from './uscc.ts'

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

function badVersion(): never {
  throw new TypeError('statement version must be 1')
}

export function statementLeafHash(statement: Statement): Uint8Array {
  return leafHash(statementBytes(statement))
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

