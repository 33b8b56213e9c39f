// `evidence-ledger export` / `import`: backup while serving (through the service's
// /v1/export) or from a stopped DATA_DIR, and a restore that re-verifies everything.
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs'
import { LevelStore } from '../../chain/store.ts'
import { storePath } from '../app.ts'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { loadConfig } from '../config.ts'
import { loadCheckpointKeys } from '../keys.ts'
import { exportLines, restoreLines } from '../backup.ts'
import { progressBar } from './progress.ts'
import { openStore } from './store-access.ts'
import { readVkey } from './verify.ts'

export async function runExport(opts: { out: string; url?: string; token?: string }): Promise<number> {
  const out = createWriteStream(opts.out, { flags: 'wx', mode: 0o600 })
  if (opts.url) {
    const res = await fetch(new URL('/v1/export', opts.url), { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} })
    if (!res.ok || !res.body) throw new Error(`export failed: HTTP ${res.status} ${await res.text()}`)
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), out)
  } else {
    const config = loadConfig()
    const store = await openStore(config.dataDir, true)
    try {
      await pipeline(Readable.from(exportLines(store, config.origin)), out)
    } finally {
      await store.close()
    }
  }
  process.stdout.write(`backup written to ${opts.out}\n`)
  return 0
}

export async function runImport(file: string, opts: { key?: string[] }): Promise<number> {
  const config = loadConfig()
  if (!existsSync(file)) throw new Error(`no such backup file: ${file}`)
  const vkeys = opts.key?.length ? opts.key.map(readVkey) : (() => {
    if (!existsSync(`${config.dataDir}/keys/checkpoint.skey`)) {
      throw new Error(`no trusted key: copy the original DATA_DIR/keys into ${config.dataDir}/keys first (the restored service must sign with it), or pass --key`)
    }
    const k = loadCheckpointKeys(config.dataDir, config.origin, false)
    return [k.signer.vkey, ...k.retired]
  })()
  const final = storePath(config.dataDir)
  if (existsSync(final)) throw new Error(`${config.dataDir} already holds a log; restore into an empty DATA_DIR`)
  // Restore beside the real location and rename at the end: a refused or interrupted
  // import leaves no half-restored log for the service to start on.
  const staging = `${final}.importing`
  rmSync(staging, { recursive: true, force: true })
  const store = new LevelStore(staging)
  await store.open()
  const bar = progressBar('import')
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
    const r = await restoreLines(lines, store, { vkeys, onProgress: (d, t) => bar.update(d, t) })
    bar.stop()
    await store.close()
    renameSync(staging, final)
    process.stdout.write(`restored and verified ${r.size} entries in ${r.height + 1} blocks, root ${r.root}\n`)
    return 0
  } catch (e) {
    bar.stop()
    await store.close().catch(() => undefined)
    rmSync(staging, { recursive: true, force: true })
    throw e
  }
}
