// What CLI commands that work on a stopped DATA_DIR need from it: its ledger storage, with
// the one clear error an operator needs when the service still holds it, and the verifier
// keys to trust when none are given on the command line.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { openPgStorage } from '../../chain/pg-store.ts'
import { openLevelStorage, type LedgerStorage } from '../../chain/storage.ts'
import { storePath, type Config } from '../config.ts'
import { keysDir, loadCheckpointKeys } from '../keys.ts'
import { readVkey } from './verify.ts'

export async function openStorage(dataDir: string, mustExist: boolean): Promise<LedgerStorage> {
  const path = storePath(dataDir)
  if (mustExist && !existsSync(path)) throw new Error(`no ledger in ${dataDir} (set DATA_DIR)`)
  try {
    return await openLevelStorage(path)
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message
    if (/lock/i.test(cause) && !/read-only/i.test(cause)) throw new Error(`${dataDir} is in use by a running service; stop it first, or use --url to go through the service`)
    throw new Error(`cannot open the ledger in ${dataDir}: ${cause}`)
  }
}

/** The configured ledger's storage: PostgreSQL when DATABASE_URL is set, else DATA_DIR's. */
export async function openConfiguredStorage(config: Config, mustExist: boolean): Promise<LedgerStorage> {
  return config.databaseUrl ? openPgStorage(config.databaseUrl) : openStorage(config.dataDir, mustExist)
}

/**
 * The verifier keys given with --key, or else DATA_DIR's current and retired checkpoint
 * keys. `ifNoKeys`: the message when DATA_DIR has no signing key either.
 */
export function trustedVkeys(config: Config, keyArgs: string[] | undefined, ifNoKeys?: string): string[] {
  if (keyArgs?.length) return keyArgs.map(readVkey)
  if (ifNoKeys !== undefined && config.signingKey === undefined && !existsSync(join(keysDir(config.dataDir), 'checkpoint.skey'))) throw new Error(ifNoKeys)
  const k = loadCheckpointKeys(config.dataDir, config.origin, false, config.signingKey)
  return [k.signer.vkey, ...k.retired]
}
