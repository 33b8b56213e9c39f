// Signing side of tlog-cosignature v1 (server only, like checkpoint.ts): node:crypto signs,
// @noble only derives the public key. Ed25519 is deterministic, so for a given seed,
// timestamp and body the line is the same bytes on every machine.
import { sign } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { ed25519PrivateKey, formatSkey, parseSkeyWith } from './note-skey.ts'
import { checkKeyName } from './note.ts'
import { ALG_COSIGNATURE_V1, cosignatureLine, cosignatureMessage, cosignerKeyId, formatCosignerVkey } from './cosignature.ts'

export interface Cosigner {
  name: string
  keyId: Uint8Array
  publicKey: Uint8Array
  /** `<name>+<keyid>+base64(0x04 ‖ pubkey)`. */
  vkey: string
  /** `PRIVATE+KEY+<name>+<keyid>+base64(0x04 ‖ seed)`, the form Go's formats/note reads. */
  skey: string
  /** The signature line over a checkpoint body at `timestamp` (POSIX seconds, > 0 for add-checkpoint). */
  cosign(body: string, timestamp: number): string
}

export function cosignerFromSeed(name: string, seed: Uint8Array): Cosigner {
  checkKeyName(name)
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes')
  const publicKey = ed25519.getPublicKey(seed)
  const keyId = cosignerKeyId(name, publicKey)
  const privateKey = ed25519PrivateKey(seed)
  return {
    name,
    keyId,
    publicKey,
    vkey: formatCosignerVkey(name, publicKey),
    skey: formatSkey(name, keyId, ALG_COSIGNATURE_V1, seed),
    cosign(body: string, timestamp: number): string {
      const signature = new Uint8Array(sign(null, cosignatureMessage(body, timestamp), privateKey))
      return cosignatureLine({ name, keyId }, timestamp, signature)
    },
  }
}

export function generateCosigner(name: string): Cosigner {
  return cosignerFromSeed(name, ed25519.utils.randomSecretKey())
}

export function parseCosignerSkey(skey: string): Cosigner {
  return parseSkeyWith(skey, ALG_COSIGNATURE_V1, { what: 'cosigner key', typeName: 'an Ed25519 cosignature/v1 key (type 0x04)' }, cosignerFromSeed)
}
