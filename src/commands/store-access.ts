// Opening DATA_DIR's database from the CLI, with the one clear error an operator needs
// when the service still holds it.
import { existsSync } from 'node:fs'
import { LevelStore } from '../../chain/store.ts'
import { storePath } from '../app.ts'

export async function openStore(dataDir: string, mustExist: boolean): Promise<LevelStore> {
  const path = storePath(dataDir)
  if (mustExist && !existsSync(path)) throw new Error(`no ledger in ${dataDir} (set DATA_DIR)`)
  const store = new LevelStore(path)
  try {
    await store.open()
  } catch (e) {
    const cause = (e as { cause?: Error }).cause?.message ?? (e as Error).message
    if (/lock/i.test(cause) && !/read-only/i.test(cause)) throw new Error(`${dataDir} is in use by a running service; stop it first, or use --url to go through the service`)
    throw new Error(`cannot open the ledger in ${dataDir}: ${cause}`)
  }
  return store
}
