// Server-only: installs node:crypto's one-shot SHA-256 behind chain/hash.ts. Import this
// from Node entry points only; the browser bundle never sees it.
import { hash } from 'node:crypto'
import { useSha256 } from './hash.ts'

export function nodeSha256(data: Uint8Array): Uint8Array {
  return hash('sha256', data, 'buffer')
}

useSha256(nodeSha256)
