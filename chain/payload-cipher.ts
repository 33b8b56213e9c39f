// How an erasable payload ({record, salt}) sits in storage: AES-256-GCM under a key from
// the payload vault, bound to its entry index so a row copied to another index does not
// open. Row layout: 0x01 ‖ u64 key id ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag. Rows
// written before encryption start with '{' (canonical JSON) and are read as they are.
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto'

const SEALED = 0x01
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER = 1 + 8 + IV_BYTES

export function sealPayload(plain: Uint8Array, index: number, keyId: number, key: Uint8Array): Uint8Array {
  const row = new Uint8Array(HEADER + plain.length + TAG_BYTES)
  const view = new DataView(row.buffer)
  row[0] = SEALED
  view.setUint32(1, Math.floor(keyId / 2 ** 32))
  view.setUint32(5, keyId >>> 0)
  const iv = row.subarray(9, HEADER)
  randomFillSync(iv)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(indexBytes(index))
  const n = cipher.update(plain).copy(row, HEADER)
  cipher.final()
  cipher.getAuthTag().copy(row, HEADER + n)
  return row
}

/** The key id a sealed row needs, or null for a row stored before encryption. */
export function payloadKeyId(row: Uint8Array): number | null {
  if (row[0] !== SEALED) return null
  const view = new DataView(row.buffer, row.byteOffset, row.byteLength)
  return view.getUint32(1) * 2 ** 32 + view.getUint32(5)
}

/** The payload's bytes; throws if the row was altered or moved to another index. */
export function openPayload(row: Uint8Array, index: number, key: Uint8Array): Uint8Array {
  const decipher = createDecipheriv('aes-256-gcm', key, row.subarray(9, HEADER))
  decipher.setAAD(indexBytes(index))
  decipher.setAuthTag(row.subarray(row.length - TAG_BYTES))
  const out = Buffer.concat([decipher.update(row.subarray(HEADER, row.length - TAG_BYTES)), decipher.final()])
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

function indexBytes(index: number): Uint8Array {
  const b = new Uint8Array(8)
  const v = new DataView(b.buffer)
  v.setUint32(0, Math.floor(index / 2 ** 32))
  v.setUint32(4, index >>> 0)
  return b
}
