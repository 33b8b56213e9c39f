// Store bench: the same Log workload on the LevelDB store and on the PostgreSQL store (one
// instance, then two instances over one database, in this process), on a real PostgreSQL
// started here. Awaited single appends from 50 concurrent callers, then batches of 1000.
// Prints records/s, p50/p99 latency, the database's commits/s, and CPU per record of this
// process and of the PostgreSQL server processes, with the projected ceiling
// 1 / (database CPU per record). Not a test: nothing is asserted.
// Run: node --import tsx bench/store.ts
import { Log } from '../chain/log.ts'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { openPgStorage } from '../chain/pg-store.ts'
import { openLevelStorage, type LedgerStorage } from '../chain/storage.ts'
import { startPostgres } from '../test/helpers/postgres.ts'
import { benchRequest, ORIGIN, signer, tempDir } from './fixture.ts'
import { dbCpuUs } from './proc-cpu.ts'

const SINGLES = Number(process.env.BENCH_STORE_SINGLES ?? 3000)
const CALLERS = 50
const BATCH = 1000
const BATCHES = Number(process.env.BENCH_STORE_BATCHES ?? 10)

interface Row {
  store: string
  load: string
  records: number
  seconds: number
  lat: number[]
  ledgerCpuUs: number
  dbCpuUs?: number
  commits?: number
}

function cpuUs(): number {
  const u = process.cpuUsage()
  return u.user + u.system
}

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b)
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

async function measure(store: string, load: 'single' | 'batch', logs: Log[], offset: number, db?: { dataDir: string; url: string }): Promise<Row> {
  // Block commits, from the head: pg_stat_database's counters are flushed lazily (up to
  // seconds late), so they undercount a short run.
  const blocks = async () => {
    await logs[0].refresh()
    return Math.max(...logs.map((l) => l.height))
  }
  const c0 = await blocks()
  const d0 = db ? dbCpuUs(db.dataDir) : 0
  const p0 = cpuUs()
  const lat: number[] = []
  const started = performance.now()
  let records = 0
  if (load === 'single') {
    let next = 0
    await Promise.all(Array.from({ length: CALLERS }, async (_, c) => {
      const log = logs[c % logs.length]
      while (next < SINGLES) {
        const t0 = performance.now()
        await log.append([benchRequest(offset + next++)])
        lat.push(performance.now() - t0)
      }
    }))
    records = SINGLES
  } else {
    for (let b = 0; b < BATCHES; b++) {
      const t0 = performance.now()
      await logs[b % logs.length].append(Array.from({ length: BATCH }, (_, i) => benchRequest(offset + b * BATCH + i)))
      lat.push(performance.now() - t0)
    }
    records = BATCH * BATCHES
  }
  const seconds = (performance.now() - started) / 1000
  const row: Row = { store, load, records, seconds, lat, ledgerCpuUs: (cpuUs() - p0) / records, commits: (await blocks()) - c0 }
  if (db) row.dbCpuUs = (dbCpuUs(db.dataDir) - d0) / records
  return row
}

async function run(): Promise<void> {
  useNodeCrypto()
  const cleanups: (() => unknown)[] = []
  const server = await startPostgres({ teardown: (fn) => cleanups.push(fn) })
  if ('skip' in server) throw new Error(server.skip)
  const rows: Row[] = []
  const opts = { origin: ORIGIN, signer: signer() }
  try {
    const t = tempDir('el-bench-store-')
    const level = await Log.open({ ...opts, storage: await openLevelStorage(t.dir) })
    rows.push(await measure('LevelDB', 'single', [level], 0))
    rows.push(await measure('LevelDB', 'batch', [level], 1e6))
    await level.close()
    t.remove()
    for (const n of [1, 2]) {
      const url = await server.newDatabase()
      const storages: LedgerStorage[] = []
      for (let i = 0; i < n; i++) storages.push(await openPgStorage(url))
      const logs = await Promise.all(storages.map((storage) => Log.open({ ...opts, storage })))
      const db = { dataDir: server.dataDir, url }
      rows.push(await measure(`PostgreSQL ×${n}`, 'single', logs, 0, db))
      rows.push(await measure(`PostgreSQL ×${n}`, 'batch', logs, 1e6, db))
      await Promise.all(logs.map((l) => l.close()))
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn()
  }
  const base = new Map(rows.filter((r) => r.store === 'LevelDB').map((r) => [r.load, r.records / r.seconds]))
  process.stdout.write(`\nstore bench: ${SINGLES} single appends from ${CALLERS} callers; ${BATCHES} batches of ${BATCH} (PostgreSQL ×2 = two Log instances over one database, in one process)\n`)
  process.stdout.write('| store | load | records/s | vs LevelDB | p50 ms | p99 ms | block commits/s | ledger CPU µs/rec | db CPU µs/rec | db/ledger | ceiling 1/(db CPU) rec/s |\n|---|---|---|---|---|---|---|---|---|---|---|\n')
  for (const r of rows) {
    const rate = r.records / r.seconds
    const db = r.dbCpuUs
    process.stdout.write(`| ${r.store} | ${r.load} | ${Math.round(rate)} | ${(rate / base.get(r.load)!).toFixed(2)}× | ${pct(r.lat, 50).toFixed(1)} | ${pct(r.lat, 99).toFixed(1)} | ${Math.round(r.commits! / r.seconds)} | ${r.ledgerCpuUs.toFixed(0)} | ${db === undefined ? '—' : db.toFixed(0)} | ${db === undefined ? '—' : (db / r.ledgerCpuUs).toFixed(2)} | ${db === undefined || db === 0 ? '—' : Math.round(1e6 / db)} |\n`)
  }
}

await run()
