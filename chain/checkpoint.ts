// Signing side of checkpoints (server only). Verification lives in verify.ts so browsers
// need no key. Signing uses node:crypto: ~20× faster than @noble here, and Ed25519 is
// deterministic, so the signature bytes are the same (the checkpoint vector test proves it).
import { sign } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { ed25519PrivateKey, formatSkey, parseSkeyWith } from './note-skey.ts'
import { fromBase64, utf8ToBytes } from './encoding.ts'
import { ALG_ED25519, checkKeyName, splitPlus, checkpointBody, formatNote, formatVkey, noteKeyId, type Checkpoint } from './note.ts'

export interface CheckpointSigner {
  name: string
  keyId: Uint8Array
  publicKey: Uint8Array
  vkey: string
  /** The signer's private key in Go note "PRIVATE+KEY+…" form. */
  skey: string
  signCheckpoint(cp: Checkpoint): string
}

export function signerFromSeed(name: string, seed: Uint8Array): CheckpointSigner {
  checkKeyName(name)
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes')
  const publicKey = ed25519.getPublicKey(seed)
  const keyId = noteKeyId(name, publicKey)
  const privateKey = ed25519PrivateKey(seed)
  return {
    name,
    keyId,
    publicKey,
    vkey: formatVkey(name, publicKey),
    skey: formatSkey(name, keyId, ALG_ED25519, seed),
    signCheckpoint(cp: Checkpoint): string {
      const body = checkpointBody(cp)
      const signature = new Uint8Array(sign(null, utf8ToBytes(body), privateKey))
      return formatNote(body, [{ name, keyId, signature }])
    },
  }
}

export function generateSigner(name: string): CheckpointSigner {
  return signerFromSeed(name, ed25519.utils.randomSecretKey())
}

export function parseSkey(skey: string): CheckpointSigner {
  return parseSkeyWith(skey, ALG_ED25519, { what: 'signing key', typeName: 'an Ed25519 key' }, signerFromSeed)
}

/**
 * A detached Ed25519 signature by the checkpoint key over `msg`. Callers domain-separate
 * `msg` themselves (chain/bundle-claims.ts), so it can never read as a checkpoint body.
 */
export function signWithCheckpointKey(signer: CheckpointSigner, msg: Uint8Array): Uint8Array {
  const parts = splitPlus(signer.skey, 5)
  if (parts === null) throw new RangeError('signer has no usable private key')
  const seed = fromBase64(parts[4]).subarray(1)
  const privateKey = ed25519PrivateKey(seed)
  return new Uint8Array(sign(null, msg, privateKey))
}
