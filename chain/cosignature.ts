// C2SP tlog-cosignature v1, Ed25519 flavour (signature type 0x04): isomorphic, @noble only,
// so a court's browser checks a witness's word with the same code CI runs. Signing lives in
// cosigner.ts (server only).
//
// A cosignature is a note signature line whose bytes are timestamp (u64 big-endian) ‖
// Ed25519 signature, over "cosignature/v1\ntime <t>\n" + the checkpoint body. It says: as
// of time t, the largest consistent tree this cosigner has seen for the origin has this root.
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, equalBytes, fromBase64, toBase64, utf8ToBytes } from './encoding.ts'
import { checkKeyName, splitPlus, type NoteSignature } from './note.ts'

export const ALG_COSIGNATURE_V1 = 0x04
const TIMESTAMP_BYTES = 8
const ED25519_SIGNATURE_BYTES = 64
export const COSIGNATURE_BYTES = TIMESTAMP_BYTES + ED25519_SIGNATURE_BYTES
// The spec caps the timestamp at 2^63 - 1; JavaScript numbers are exact only to 2^53 - 1,
// which is still 285 million years of seconds, so anything larger is refused as garbage.
const MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER

export interface CosignerKey {
  name: string
  keyId: Uint8Array
  publicKey: Uint8Array
}

/** keyid = SHA-256(name ‖ "\n" ‖ 0x04 ‖ pubkey)[0:4]: the 0x04 keeps it apart from the same key used as a log key. */
export function cosignerKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8ToBytes(name + '\n'), new Uint8Array([ALG_COSIGNATURE_V1]), publicKey)).slice(0, 4)
}

export function formatCosignerVkey(name: string, publicKey: Uint8Array): string {
  checkKeyName(name)
  if (publicKey.length !== 32) throw new RangeError('Ed25519 public key must be 32 bytes')
  return `${name}+${bytesToHex(cosignerKeyId(name, publicKey))}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))}`
}

export function parseCosignerVkey(vkey: string): CosignerKey {
  const parts = splitPlus(vkey.trim(), 3)
  if (parts === null) throw new RangeError('cosigner key must be <name>+<keyid>+<key>')
  const [name, idHex, b64] = parts
  checkKeyName(name)
  const raw = fromBase64(b64)
  // A plain Ed25519 note key (0x01) is refused rather than converted: a policy that names a
  // log key as a witness is a configuration mistake worth a loud error.
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1) {
    throw new RangeError(`cosigner key must be an Ed25519 cosignature/v1 key (type 0x04), got type 0x${(raw[0] ?? 0).toString(16).padStart(2, '0')}`)
  }
  const publicKey = raw.slice(1)
  const keyId = cosignerKeyId(name, publicKey)
  if (bytesToHex(keyId) !== idHex) throw new RangeError('cosigner key id does not match its key')
  return { name, keyId, publicKey }
}

/** The exact bytes a cosigner signs. `body` is the whole checkpoint text, extension lines included. */
export function cosignatureMessage(body: string, timestamp: number): Uint8Array {
  checkTimestamp(timestamp)
  if (!body.endsWith('\n') || body.split('\n').length < 4) throw new RangeError('checkpoint body must be at least three newline-terminated lines')
  return utf8ToBytes(`cosignature/v1\ntime ${timestamp}\n${body}`)
}

export function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0 || timestamp > MAX_TIMESTAMP) throw new RangeError(`bad cosignature timestamp ${timestamp}`)
}

/** timestamp ‖ signature, as carried in the note signature line after the key id. */
export function encodeCosignature(timestamp: number, signature: Uint8Array): Uint8Array {
  checkTimestamp(timestamp)
  if (signature.length !== ED25519_SIGNATURE_BYTES) throw new RangeError('Ed25519 signature must be 64 bytes')
  const out = new Uint8Array(COSIGNATURE_BYTES)
  new DataView(out.buffer).setBigUint64(0, BigInt(timestamp), false)
  out.set(signature, TIMESTAMP_BYTES)
  return out
}

export function decodeCosignature(raw: Uint8Array): { timestamp: number; signature: Uint8Array } | null {
  if (raw.length !== COSIGNATURE_BYTES) return null
  const t = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getBigUint64(0, false)
  if (t > BigInt(MAX_TIMESTAMP)) return null
  return { timestamp: Number(t), signature: raw.slice(TIMESTAMP_BYTES) }
}

/** One note signature line, "— <name> base64(keyid ‖ timestamp ‖ sig)\n", as add-checkpoint returns it. */
export function cosignatureLine(key: { name: string; keyId: Uint8Array }, timestamp: number, signature: Uint8Array): string {
  return `\u2014 ${key.name} ${toBase64(concatBytes(key.keyId, encodeCosignature(timestamp, signature)))}\n`
}

export type CosignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: string }

/** Checks one signature already attributed (by name and key id) to `key`. */
export function verifyCosignature(body: string, sig: NoteSignature, key: CosignerKey): CosignatureCheck {
  if (sig.name !== key.name || !equalBytes(sig.keyId, key.keyId)) return { ok: false, reason: `signature is not by ${key.name}+${bytesToHex(key.keyId)}` }
  const decoded = decodeCosignature(sig.signature)
  if (decoded === null) return { ok: false, reason: `cosignature by ${key.name} is not ${COSIGNATURE_BYTES} bytes of timestamp and signature` }
  let msg: Uint8Array
  try {
    msg = cosignatureMessage(body, decoded.timestamp)
  } catch (e) {
    return { ok: false, reason: (e as Error).message }
  }
  let ok = false
  try {
    ok = ed25519.verify(decoded.signature, msg, key.publicKey)
  } catch {
    ok = false
  }
  return ok ? { ok: true, timestamp: decoded.timestamp } : { ok: false, reason: `cosignature by ${key.name} does not verify` }
}

export interface CosignatureFinding {
  key: CosignerKey
  /** null: the note carries no line by this key. */
  result: CosignatureCheck | null
}

/**
 * Every known cosigner's verdict on a note's signatures. Lines by unknown keys are ignored
 * (signed-note); a line whose name and key id match a known key must verify, so a bad one
 * is reported rather than skipped.
 */
export function checkCosignatures(body: string, signatures: readonly NoteSignature[], keys: readonly CosignerKey[]): CosignatureFinding[] {
  return keys.map((key) => {
    const mine = signatures.filter((s) => s.name === key.name && equalBytes(s.keyId, key.keyId))
    if (mine.length === 0) return { key, result: null }
    const results = mine.map((s) => verifyCosignature(body, s, key))
    // Several lines by one key: all must verify; report the newest timestamp.
    const bad = results.find((r) => !r.ok)
    if (bad) return { key, result: bad }
    const newest = Math.max(...results.map((r) => (r.ok ? r.timestamp : 0)))
    return { key, result: { ok: true, timestamp: newest } }
  })
}
