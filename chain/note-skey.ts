// Go note private keys, `PRIVATE+KEY+<name>+<key id hex>+base64(alg ‖ 32-byte seed)`, and
// the node:crypto signing key a seed becomes. One home for both Ed25519 keys we keep: the
// checkpoint signer (alg 0x01, chain/checkpoint.ts) and a witness's cosigner (alg 0x04,
// chain/cosigner.ts). Server only.
import { createPrivateKey, type KeyObject } from 'node:crypto'
import { bytesToHex, concatBytes, fromBase64, toBase64 } from './encoding.ts'
import { splitPlus } from './note.ts'

// RFC 8410 PKCS#8 wrapping of a raw 32-byte Ed25519 seed.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' })
}

export function formatSkey(name: string, keyId: Uint8Array, alg: number, seed: Uint8Array): string {
  return `PRIVATE+KEY+${name}+${bytesToHex(keyId)}+${toBase64(concatBytes(new Uint8Array([alg]), seed))}`
}

/**
 * Parses an skey of key type `alg` and builds its signer from the seed; the key id it
 * names must be the signer's. `what` and `typeName` word the refusals ("signing key",
 * "an Ed25519 key").
 */
export function parseSkeyWith<T extends { keyId: Uint8Array }>(
  skey: string, alg: number, words: { what: string; typeName: string }, fromSeed: (name: string, seed: Uint8Array) => T,
): T {
  // base64 may itself contain "+", so only the first four separators count.
  const parts = splitPlus(skey.trim(), 5)
  if (parts === null || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new RangeError(`${words.what} must be PRIVATE+KEY+<name>+<keyid>+<key>`)
  }
  const raw = fromBase64(parts[4])
  if (raw.length !== 33 || raw[0] !== alg) throw new RangeError(`${words.what} is not ${words.typeName}`)
  const signer = fromSeed(parts[2], raw.slice(1))
  if (bytesToHex(signer.keyId) !== parts[3]) throw new RangeError(`${words.what} id does not match its key`)
  return signer
}
