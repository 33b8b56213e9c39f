// node:crypto's one-shot SHA-256, for useNodeCrypto() (node-crypto.ts). Node only.
import { hash } from 'node:crypto'

export function nodeSha256(data: Uint8Array): Uint8Array {
  // A 32-char latin1 ('binary') string copied into a small (on-heap) Uint8Array is ~2× cheaper than a
  // 'buffer' digest, which allocates a separate off-heap ArrayBuffer for every hash.
  const s = hash('sha256', data, 'binary')
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = s.charCodeAt(i)
  return out
}

/** SHA-256 as lowercase hex, straight from node:crypto. */
export function nodeSha256Hex(data: Uint8Array): string {
  return hash('sha256', data, 'hex')
}
