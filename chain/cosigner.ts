// Signing side of tlog-cosignature v1 (server only, like checkpoint.ts): node:crypto signs,
// @noble only derives the public key. Ed25519 is deterministic, so for a given seed,
// timestamp and body the line is the same bytes on every machine.
import { createPrivateKey, sign } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, concatBytes, fromBase64, toBase64 } from './encoding.ts'
import { checkKeyName, splitPlus } from './note.ts'
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

// RFC 8410 PKCS#8 wrapping of a raw 32-byte Ed25519 seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function cosignerFromSeed(name: string, seed: Uint8Array): Cosigner {
  checkKeyName(name)
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes')
  const publicKey = ed25519.getPublicKey(seed)
  const keyId = cosignerKeyId(name, publicKey)
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  return {
    name,
    keyId,
    publicKey,
    vkey: formatCosignerVkey(name, publicKey),
    skey: `PRIVATE+KEY+${name}+${bytesToHex(keyId)}+${toBase64(concatBytes(new Uint8Array([ALG_COSIGNATURE_V1]), seed))}`,
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
  // base64 may itself contain "+", so only the first four separators count.
  const parts = splitPlus(skey.trim(), 5)
  if (parts === null || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new RangeError('cosigner key must be PRIVATE+KEY+<name>+<keyid>+<key>')
  }
  const raw = fromBase64(parts[4])
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1) throw new RangeError('cosigner key is not an Ed25519 cosignature/v1 key (type 0x04)')
  const cosigner = cosignerFromSeed(parts[2], raw.slice(1))
  if (bytesToHex(cosigner.keyId) !== parts[3]) throw new RangeError('cosigner key id does not match its key')
  return cosigner
}
