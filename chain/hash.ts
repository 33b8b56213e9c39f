// RFC 9162 §2.1.1 hashing. Domain-separation prefixes keep a leaf from ever being
// mistaken for an interior node (second-preimage defence).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

export const HASH_SIZE = 32
const LEAF_PREFIX = 0x00
const NODE_PREFIX = 0x01

type Sha256 = (data: Uint8Array) => Uint8Array
let impl: Sha256 = nobleSha256

/** Node entry points install node:crypto's through useNodeCrypto() (node-crypto.ts says why). */
export function useSha256(fn: Sha256): void {
  impl = fn
}

export function sha256(data: Uint8Array): Uint8Array {
  return impl(data)
}

// Leaf input scratch, grown on demand: hashing copies it, so one buffer serves every leaf
// instead of a fresh (off-heap, GC-tracked) buffer per entry.
let leafBuf = new Uint8Array(1024)

export function leafHash(entry: Uint8Array): Uint8Array {
  const n = entry.length + 1
  if (n > leafBuf.length) leafBuf = new Uint8Array(Math.max(n, 2 * leafBuf.length))
  leafBuf[0] = LEAF_PREFIX
  leafBuf.set(entry, 1)
  return impl(leafBuf.subarray(0, n))
}

const nodeBuf = new Uint8Array(1 + 2 * HASH_SIZE)
nodeBuf[0] = NODE_PREFIX

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  // One reused input buffer: hashing copies it, and tree building calls this millions of times.
  nodeBuf.set(left, 1)
  nodeBuf.set(right, 1 + HASH_SIZE)
  return impl(nodeBuf)
}

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = nobleSha256(new Uint8Array(0))
