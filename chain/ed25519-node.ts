// node:crypto's Ed25519 verification, for useNodeCrypto() (node-crypto.ts). Node only.
import { createPublicKey, verify, type KeyObject } from 'node:crypto'
import { bytesToHex } from './encoding.ts'

// RFC 8410 SubjectPublicKeyInfo wrapping of a raw 32-byte Ed25519 public key.
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

// A log is checked against a handful of keys (current and retired): parsing the key is
// a good part of a verification, so each is parsed once.
const keys = new Map<string, KeyObject>()

/** node:crypto's key for a raw 32-byte Ed25519 public key, parsed once per key. */
export function ed25519KeyObject(pub: Uint8Array): KeyObject {
  const id = bytesToHex(pub)
  let key = keys.get(id)
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, pub]), format: 'der', type: 'spki' })
    if (keys.size >= 64) keys.clear()
    keys.set(id, key)
  }
  return key
}

export function nodeEd25519Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  if (pub.length !== 32 || sig.length !== 64) return false
  return verify(null, msg, ed25519KeyObject(pub), sig)
}

/** On libuv's thread pool: the caller's thread goes on hashing meanwhile. */
export function nodeEd25519VerifyAsync(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): Promise<boolean> {
  if (pub.length !== 32 || sig.length !== 64) return Promise.resolve(false)
  const key = ed25519KeyObject(pub)
  return new Promise((resolve, reject) => verify(null, msg, key, sig, (err, ok) => (err ? reject(err) : resolve(ok))))
}
