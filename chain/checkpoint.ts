// Signing side of checkpoints. Verification lives in verify.ts so browsers need no key.
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, concatBytes, fromBase64, toBase64, utf8ToBytes } from './encoding.ts'
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
  return {
    name,
    keyId,
    publicKey,
    vkey: formatVkey(name, publicKey),
    skey: `PRIVATE+KEY+${name}+${bytesToHex(keyId)}+${toBase64(concatBytes(new Uint8Array([ALG_ED25519]), seed))}`,
    signCheckpoint(cp: Checkpoint): string {
      const body = checkpointBody(cp)
      const signature = ed25519.sign(utf8ToBytes(body), seed)
      return formatNote(body, [{ name, keyId, signature }])
    },
  }
}

export function generateSigner(name: string): CheckpointSigner {
  return signerFromSeed(name, ed25519.utils.randomSecretKey())
}

export function parseSkey(skey: string): CheckpointSigner {
  // base64 may itself contain "+", so only the first four separators count.
  const parts = splitPlus(skey.trim(), 5)
  if (parts === null || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new RangeError('signing key must be PRIVATE+KEY+<name>+<keyid>+<key>')
  }
  const raw = fromBase64(parts[4])
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new RangeError('signing key is not an Ed25519 key')
  const signer = signerFromSeed(parts[2], raw.slice(1))
  if (bytesToHex(signer.keyId) !== parts[3]) throw new RangeError('signing key id does not match its key')
  return signer
}
