// `evidence-ledger migrate --from A --to B`: moves a log between a DATA_DIR (LevelDB) and a
// PostgreSQL database, either way, through the same path as export + import: the target is
// rebuilt from the statements and every block's link, root and checkpoint signature is
// re-verified, so the copy is the exact log or nothing. Stop the services on the source first.
import { existsSync, renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { exportLines } from '../../chain/export.ts'
import { clearPgLog, openPgStorage } from '../../chain/pg-store.ts'
import { restoreLines } from '../../chain/restore.ts'
import { openLevelStorage, type LedgerStorage } from '../../chain/storage.ts'
import { loadConfig, storePath } from '../config.ts'
import { openStorage, trustedVkeys } from './data-dir.ts'
import { progressBar } from './progress.ts'

const isUrl = (s: string) => /^postgres(ql)?:\/\//.test(s)

export async function runMigrate(opts: { from: string; to: string; key?: string[] }): Promise<number> {
  const config = loadConfig()
  // The checkpoint keys live in a DATA_DIR: the source's if it is one, else DATA_DIR's.
  const keyDir = isUrl(opts.from) ? config.dataDir : resolve(opts.from)
  const vkeys = trustedVkeys({ ...config, dataDir: keyDir }, opts.key, `no trusted key in ${keyDir}/keys: pass --key`)
  const source = isUrl(opts.from) ? await openPgStorage(opts.from) : await openStorage(resolve(opts.from), true)
  const bar = progressBar('migrate')
  try {
    const r = isUrl(opts.to) ? await intoPg(source, opts.to, config.origin, vkeys, bar.update) : await intoDir(source, resolve(opts.to), config.origin, vkeys, bar.update)
    bar.stop()
    process.stdout.write(`migrated and verified ${r.size} entries in ${r.height + 1} blocks, root ${r.root}\n`)
    return 0
  } finally {
    bar.stop()
    await source.close()
  }
}

type Progress = (done: number, total: number) => void

async function intoPg(source: LedgerStorage, url: string, origin: string, vkeys: string[], onProgress: Progress) {
  const target = await openPgStorage(url)
  try {
    return await restoreLines(exportLines(source, origin), target, { vkeys, onProgress })
  } catch (e) {
    // Only a restore this command started writes rows (restoreLines refuses a non-empty
    // target before writing): leave the database as empty as it was found.
    if (!/already holds a log/.test((e as Error).message)) await clearPgLog(target)
    throw e
  } finally {
    await target.close()
  }
}

async function intoDir(source: LedgerStorage, dataDir: string, origin: string, vkeys: string[], onProgress: Progress) {
  const final = storePath(dataDir)
  if (existsSync(final)) throw new Error(`${dataDir} already holds a log; migrate into an empty DATA_DIR`)
  // Beside the real location, renamed at the end: an interrupted migration leaves no half log.
  const staging = `${final}.importing`
  rmSync(staging, { recursive: true, force: true })
  const target = await openLevelStorage(staging)
  try {
    const r = await restoreLines(exportLines(source, origin), target, { vkeys, onProgress })
    await target.close()
    renameSync(staging, final)
    return r
  } catch (e) {
    await target.close().catch(() => undefined)
    rmSync(staging, { recursive: true, force: true })
    throw e
  }
}
