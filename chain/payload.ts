// A record's payload (docs/formats.md): canonical {record, salt}, stored off the tree and
// erasable, and the salted commitment that goes into the statement. Server side (Buffer).
import { toBase64, utf8Decoder } from './encoding.ts'
import { canonicalText } from './jcs.ts'
import { commitmentOfCanonical } from './statement.ts'

export interface StoredPayload {
  record: Record<string, unknown>
  salt: string
}

export interface SealedRecord {
  /** RFC 8785 text of the record: what its content fingerprint hashes. */
  recordText: string
  /** RFC 8785 bytes of {record, salt}: what is stored. */
  payload: Uint8Array
  /** SHA-256(salt ‖ canonical(record)), for the statement. */
  commitment: string
}

/** Canonicalizes the record once; the payload, the commitment and the fingerprint share it. */
export function sealRecord(record: unknown, salt: Uint8Array): SealedRecord {
  const recordText = canonicalText(record)
  const saltB64 = toBase64(salt)
  // JCS of {record, salt}: keys in order, the record already canonical, and base64 needs
  // no JSON escaping, so the commitment hashes the record's bytes where they sit inside it.
  // Buffer.from, not TextEncoder: ~2× faster on record-sized strings, once per request.
  const payload = Buffer.from(`{"record":${recordText},"salt":"${saltB64}"}`)
  const commitment = commitmentOfCanonical(salt, payload.subarray(10, payload.length - saltB64.length - 11))
  return { recordText, payload, commitment }
}

export function openPayload(bytes: Uint8Array): StoredPayload {
  return JSON.parse(utf8Decoder.decode(bytes)) as StoredPayload
}
