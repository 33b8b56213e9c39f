// RFC 9162 §2.1.1 hashing. Domain-separation prefixes keep a leaf from ever being
// mistaken for an interior node (second-preimage defence).
import { sha256 } from '@noble/hashes/sha2.js'

export { sha256 }

export const HASH_SIZE = 32
const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(entry.length + 1)
  buf[0] = LEAF_PREFIX
  buf.set(entry, 1)
  return sha256(buf)
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + 2 * HASH_SIZE)
  buf[0] = NODE_PREFIX
  buf.set(left, 1)
  buf.set(right, 1 + HASH_SIZE)
  return sha256(buf)
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0))
