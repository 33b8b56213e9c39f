// Key material kept in DATA_DIR/keys, all files mode 0600. The checkpoint signing key and
// the dev token key are separate: leaking a token key must never let anyone sign the log.
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose'
import { generateSigner, parseSkey } from '../chain/checkpoint.ts'
import type { CheckpointKeys } from '../chain/checkpoint-keys.ts'
import { parseVkey } from '../chain/note.ts'
import { makeDirs } from './make-dirs.ts'
import { ConfigError } from './config.ts'

export function keysDir(dataDir: string): string {
  return join(dataDir, 'keys')
}

function writeSecret(path: string, text: string): void {
  // Write-then-rename: a crash never leaves a half-written key.
  const tmp = `${path}.tmp`
  writeFileSync(tmp, text, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, path)
}

/**
 * A key file others can read is a key others may have copied: refuse to use it rather
 * than sign with it (ssh refuses such a private key the same way).
 */
function refuseShared(path: string, what: string): void {
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(`the ${what} ${path} is readable by other users (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${path}`)
  }
}

/**
 * The checkpoint keys: the signing key from `given` (LEDGER_SIGNING_KEY, config.ts) or else
 * DATA_DIR/keys/checkpoint.skey (made when `create` and missing); retired verifier keys
 * from DATA_DIR/keys/retired.vkeys either way.
 */
export function loadCheckpointKeys(dataDir: string, origin: string, create: boolean, given?: { skey: string; from: string }): CheckpointKeys {
  const dir = keysDir(dataDir)
  const skeyPath = join(dir, 'checkpoint.skey')
  const retiredPath = join(dir, 'retired.vkeys')
  if (given) return { signer: givenSigner(given, origin, skeyPath), retired: readRetired(retiredPath) }
  if (!existsSync(skeyPath)) {
    if (!create) throw new Error(`no checkpoint signing key at ${skeyPath}`)
    makeDirs(dir, 0o700)
    writeSecret(skeyPath, generateSigner(origin).skey + '\n')
  }
  refuseShared(skeyPath, 'checkpoint signing key')
  const signer = parseSkey(readFileSync(skeyPath, 'utf8'))
  return { signer, retired: readRetired(retiredPath) }
}

function readRetired(path: string): string[] {
  const retired = existsSync(path) ? readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : []
  for (const v of retired) parseVkey(v)
  return retired
}

/**
 * A signing key handed in by the environment. Refused, in words that never echo the
 * secret: one that does not parse, one named for another origin (its checkpoints would
 * not verify under this ledger's name), and one that differs from a key file DATA_DIR
 * still holds (two sources disagreeing is a mistake to stop at, not to guess through).
 */
function givenSigner(given: { skey: string; from: string }, origin: string, skeyPath: string) {
  let signer
  try {
    signer = parseSkey(given.skey)
  } catch (e) {
    throw new ConfigError(`${given.from} is not a usable checkpoint signing key: ${(e as Error).message}`)
  }
  if (signer.name !== origin) throw new ConfigError(`${given.from} is a signing key for "${signer.name}", but LEDGER_ORIGIN is "${origin}"`)
  if (existsSync(skeyPath) && parseSkey(readFileSync(skeyPath, 'utf8')).vkey !== signer.vkey) {
    throw new ConfigError(`${given.from} and ${skeyPath} are different signing keys; keep one (the file's verifier key can go into retired.vkeys)`)
  }
  return signer
}

/** Retires the current checkpoint key and makes a new one; old receipts keep verifying. */
export function rotateCheckpointKey(dataDir: string, origin: string): CheckpointKeys {
  const current = loadCheckpointKeys(dataDir, origin, true)
  const dir = keysDir(dataDir)
  writeFileSync(join(dir, 'retired.vkeys'), [...current.retired, current.signer.vkey].join('\n') + '\n', { mode: 0o600 })
  writeSecret(join(dir, 'checkpoint.skey'), generateSigner(origin).skey + '\n')
  return loadCheckpointKeys(dataDir, origin, false)
}

export interface TokenKey {
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: JWK
  kid: string
}

export const TOKEN_ALG = 'EdDSA'

/** The dev-mode JWT key (Ed25519), generated on first use. */
export function tokenKeyPath(dataDir: string): string {
  return join(keysDir(dataDir), 'token-key.jwk.json')
}

export async function loadTokenKey(dataDir: string, create: boolean): Promise<TokenKey> {
  const dir = keysDir(dataDir)
  const path = tokenKeyPath(dataDir)
  if (!existsSync(path)) {
    if (!create) throw new Error(`no dev token key at ${path}`)
    makeDirs(dir, 0o700)
    const { privateKey } = await generateKeyPair(TOKEN_ALG, { extractable: true, crv: 'Ed25519' })
    const jwk = await exportJWK(privateKey)
    jwk.kid = `dev-${Date.now().toString(36)}`
    jwk.alg = TOKEN_ALG
    writeSecret(path, JSON.stringify(jwk) + '\n')
  }
  refuseShared(path, 'dev token key')
  const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK
  const privateKey = (await importJWK(jwk, TOKEN_ALG)) as CryptoKey
  const { d: _d, ...pub } = jwk
  const publicKey = (await importJWK(pub, TOKEN_ALG)) as CryptoKey
  return { privateKey, publicKey, publicJwk: pub, kid: String(jwk.kid) }
}
