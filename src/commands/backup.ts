// `evidence-ledger export` / `import`: backup while serving (through the service's
// /v1/export) or from a stopped DATA_DIR, and a restore that re-verifies everything.
import { createReadStream, createWriteStream, existsSync, openSync, renameSync, rmSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { exportLines } from '../../chain/export.ts'
import { restoreLines } from '../../chain/restore.ts'
import { openLevelStorage } from '../../chain/storage.ts'
import { loadConfig, storePath } from '../config.ts'
import { openConfiguredStorage, trustedVkeys } from './data-dir.ts'
import { refusalWords } from './refusal.ts'
import { progressBar, type Progress } from './progress.ts'

export async function runExport(opts: { out: string; url?: string; token?: string }): Promise<number> {
  // Opened here, not by the stream, so that an existing file is refused before any work and
  // a failed export removes only a file it created itself.
  let fd: number
  try {
    fd = openSync(opts.out, 'wx', 0o600)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${opts.out} already exists; a backup is never written over another file`)
    throw e
  }
  const out = createWriteStream('', { fd })
  const bar = progressBar('export')
  try {
    if (opts.url) {
      if (!opts.token) throw new Error('export --url needs an admin token: pass --token <jwt> or set EVIDENCE_LEDGER_TOKEN (e.g. from `evidence-ledger token --role admin`)')
      const res = await fetch(new URL('/v1/export', opts.url), { headers: { authorization: `Bearer ${opts.token}` } })
      if (!res.ok || !res.body) throw new Error(`export failed: HTTP ${res.status} ${await refusalWords(res)}`)
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), progressOf(bar), out)
    } else {
      const config = loadConfig()
      const storage = await openConfiguredStorage(config, true)
      try {
        await pipeline(Readable.from(exportLines(storage, config.origin, { onProgress: (d, t) => bar.update(d, t) })), out)
      } finally {
        await storage.close()
      }
    }
  } catch (e) {
    // A failed export must not leave a file that looks like a backup.
    out.destroy()
    rmSync(opts.out, { force: true })
    throw e
  } finally {
    bar.stop()
  }
  process.stdout.write(`backup written to ${opts.out}\n`)
  return 0
}

/**
 * Passes a streamed backup through, reporting entries seen: the header line announces the
 * total, and every entry starts with `{"index":N` (inside a JSON string a quote is always
 * escaped, so statements cannot fake it).
 */
function progressOf(bar: Progress): Transform {
  let total = 0
  let tail = ''
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const text = tail + chunk.toString('latin1')
      if (total === 0) {
        const m = /^\{[^\n]*?"size":(\d+)/.exec(text)
        if (m) total = Number(m[1])
      }
      const at = text.lastIndexOf('{"index":')
      if (at >= 0) {
        const m = /^\{"index":(\d+)/.exec(text.slice(at, at + 32))
        if (m) bar.update(Number(m[1]) + 1, total)
      }
      tail = text.slice(-32)
      done(null, chunk)
    },
  })
}

export async function runImport(file: string, opts: { key?: string[] }): Promise<number> {
  const config = loadConfig()
  if (!existsSync(file)) throw new Error(`no such backup file: ${file}`)
  const vkeys = trustedVkeys(config, opts.key, `no trusted key: copy the original DATA_DIR/keys into ${config.dataDir}/keys first (the restored service must sign with it), or pass --key`)
  const final = storePath(config.dataDir)
  if (existsSync(final)) throw new Error(`${config.dataDir} already holds a log; restore into an empty DATA_DIR`)
  // Restore beside the real location and rename at the end: a refused or interrupted
  // import leaves no half-restored log for the service to start on.
  const staging = `${final}.importing`
  rmSync(staging, { recursive: true, force: true })
  const storage = await openLevelStorage(staging)
  const bar = progressBar('import')
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })
    const r = await restoreLines(lines, storage, { vkeys, onProgress: (d, t) => bar.update(d, t) })
    bar.stop()
    await storage.close()
    renameSync(staging, final)
    process.stdout.write(`restored and verified ${r.size} entries in ${r.height + 1} blocks, root ${r.root}\n`)
    return 0
  } catch (e) {
    bar.stop()
    await storage.close().catch(() => undefined)
    rmSync(staging, { recursive: true, force: true })
    throw e
  }
}
