// Server-only: installs node:crypto's Ed25519 verification behind chain/verify.ts. Import
// this from Node entry points only; the browser bundle never sees it.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { bytesToHex } from './encoding.ts'
import { useEd25519Verify } from './verify.ts'

// RFC 8410 SubjectPublicKeyInfo wrapping of a raw 32-byte Ed25519 public key.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

// A log is checked against a handful of keys (current and retired): parsing the key is
// a good part of a verification, so each is parsed once.
const keys = new Map<string, KeyObject>()

export function nodeEd25519Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  if (pub.length !== 32 || sig.length !== 64) return false
  const id = bytesToHex(pub)
  let key = keys.get(id)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' })
    if (keys.size >= 64) keys.clear()
    keys.set(id, key)
  }
  return verify(null, msg, key, sig)
}

useEd25519Verify(nodeEd25519Verify)
