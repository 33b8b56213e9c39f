// How an erasable payload ({record, salt}) sits in storage. One key per block (from the
// payload vault) drives one AES-256-CTR key stream over the block's payloads; each payload
// starts at a 16-byte boundary of that stream, so any one of them can be opened alone by
// starting the counter at its offset. One cipher per block instead of one AEAD object per
// payload: GCM per payload cost 10–25 µs of CPU each, a quarter of a notarization.
//
// Integrity does not rest on this layer: a payload's bytes are bound by the statement's
// commitment, SHA-256(salt ‖ record), which every bundle verification recomputes, so an
// altered or moved row is detected there. This layer is for confidentiality, and for
// crypto-shredding: without the key, no copy of the row can be read.
//
// Row layout: 0x02 ‖ u64 key id ‖ u64 counter (16-byte block of the key stream where this
// payload starts) ‖ ciphertext. Rows written before sealing start with '{' (canonical
// JSON) and are read as they are.
import { createCipheriv, createDecipheriv } from 'node:crypto'
import { readU64, writeU64 } from './encoding.ts'

const SEALED = 0x02
const HEADER = 1 + 8 + 8
const STREAM_BLOCK = 16

/**
 * Seals payloads in order under one key, as one key stream: all of them in a single
 * cipher call (a native call per payload cost more than the AES itself). The rows are
 * views into one buffer; LevelDB copies each value when it is put.
 */
export class BlockSealer {
  readonly #keyId: number
  readonly #cipher: ReturnType<typeof createCipheriv>
  /** Key-stream blocks used so far. */
  #counter = 0

  constructor(keyId: number, key: Uint8Array) {
    this.#keyId = keyId
    this.#cipher = createCipheriv('aes-256-ctr', key, counterBlock(0))
  }

  sealAll(plains: readonly Uint8Array[]): Uint8Array[] {
    let streamBytes = 0
    let rowBytes = 0
    for (const p of plains) {
      streamBytes += padded(p.length)
      rowBytes += HEADER + p.length
    }
    // Each payload starts at a 16-byte boundary of the stream, so it can be opened alone.
    const stream = new Uint8Array(streamBytes)
    let at = 0
    for (const p of plains) {
      stream.set(p, at)
      at += padded(p.length)
    }
    const sealed = this.#cipher.update(stream)
    const rows = new Uint8Array(rowBytes)
    const out: Uint8Array[] = []
    let from = 0
    let to = 0
    for (const p of plains) {
      const row = rows.subarray(to, to + HEADER + p.length)
      row[0] = SEALED
      writeU64(row, 1, this.#keyId)
      writeU64(row, 9, this.#counter + from / STREAM_BLOCK)
      row.set(sealed.subarray(from, from + p.length), HEADER)
      out.push(row)
      from += padded(p.length)
      to += row.length
    }
    this.#counter += streamBytes / STREAM_BLOCK
    return out
  }
}

function padded(n: number): number {
  return Math.ceil(n / STREAM_BLOCK) * STREAM_BLOCK
}

/** The key id a sealed row needs, or null for a row stored before sealing. */
export function payloadKeyId(row: Uint8Array): number | null {
  return row[0] === SEALED && row.length >= HEADER ? readU64(row, 1) : null
}

/** The payload's bytes. */
export function openPayload(row: Uint8Array, key: Uint8Array): Uint8Array {
  const decipher = createDecipheriv('aes-256-ctr', key, counterBlock(readU64(row, 9)))
  const out = decipher.update(row.subarray(HEADER))
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
}

/** AES-CTR's initial counter block: a 128-bit big-endian block number. */
function counterBlock(n: number): Uint8Array {
  const iv = new Uint8Array(16)
  writeU64(iv, 8, n)
  return iv
}
