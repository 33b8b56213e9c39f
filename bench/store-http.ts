// Store bench over HTTP, every party its own process: the ledger service on LevelDB, on
// PostgreSQL (one instance), and two instances over one database (no balancer: the load
// generator spreads its connections over both, round-robin). Single POST /v1/records at 50
// connections, then batches of 1000 at 4. Prints records/s, p50/p99, the database's
// commits/s (pg_stat_database xact_commit), CPU per record of each ledger process and of
// the PostgreSQL server (postmaster and children, from /proc), the db/ledger CPU ratio and
// the projected ceiling 1 / (database CPU per record). Not a test: nothing is asserted.
// Run: node --import tsx bench/store-http.ts   (BENCH_HTTP_SECONDS per scenario, default 10)
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { generateSigner } from '../chain/checkpoint.ts'
import { CLI, startServer, waitExit, type ServerProcess } from '../scripts/server-process.ts'
import { startPostgres } from '../test/helpers/postgres.ts'
import { printTable } from './core.ts'
import { fmt, ORIGIN, runLoad, uscc, type LoadResult } from './fixture.ts'
import { dbCpuUs, pidCpuUs } from './proc-cpu.ts'

const run = promisify(execFile)
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10)
const CONNECTIONS = 50
const BATCH = 1000
const BATCH_CONNECTIONS = 4

function evidenceBody(suffix = '') {
  return {
    kind: 'evidence',
    record: { evidenceId: `EV-[<id>]${suffix}`, subject: uscc(7), title: '贷款合同及放款凭证', documents: [{ name: 'contract.pdf', sha256: 'ab'.repeat(32), size: 204_800 }] },
  }
}

function load(urls: string[], token: string, body: string, connections: number): Promise<LoadResult> {
  return runLoad({ url: urls, connections, seconds: SECONDS, headers: { authorization: `Bearer ${token}` }, body })
}

interface Row {
  setup: string
  load: string
  records: number
  l: LoadResult
  perInstanceCpu: number[]
  dbCpu?: number
  commitsPerSecond?: number
}

async function xactCommits(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    // Backends report their counters lazily (at most once a second, or when idle): give
    // them the time, then read a fresh snapshot.
    await c.query('SELECT pg_stat_clear_snapshot()')
    const r = await c.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()')
    return Number(r.rows[0].n)
  } finally {
    await c.end()
  }
}

async function measure(setup: string, what: 'single' | 'batch', servers: ServerProcess[], token: string, db?: { dataDir: string; url: string }): Promise<Row> {
  const body = what === 'single' ? JSON.stringify(evidenceBody()) : JSON.stringify({ records: Array.from({ length: BATCH }, (_, k) => evidenceBody(`-${k}`)) })
  const path = what === 'single' ? '/v1/records' : '/v1/records:batch'
  if (db) await sleep(1500)
  const x0 = db ? await xactCommits(db.url) : 0
  const c0 = servers.map((s) => pidCpuUs(s.child.pid!))
  const d0 = db ? dbCpuUs(db.dataDir) : 0
  const l = await load(servers.map((s) => s.url + path), token, body, what === 'single' ? CONNECTIONS : BATCH_CONNECTIONS)
  const c1 = servers.map((s) => pidCpuUs(s.child.pid!))
  const d1 = db ? dbCpuUs(db.dataDir) : 0
  const records = l.total * (what === 'single' ? 1 : BATCH)
  const row: Row = { setup, load: what, records, l, perInstanceCpu: c1.map((c, i) => (c - c0[i]) / records) }
  if (db) {
    await sleep(1500)
    row.dbCpu = (d1 - d0) / records
    row.commitsPerSecond = (await xactCommits(db.url) - x0) / SECONDS
  }
  return row
}

async function stop(servers: ServerProcess[]): Promise<void> {
  for (const s of servers) {
    s.child.kill('SIGTERM')
    await waitExit(s.child)
  }
}

async function main(): Promise<void> {
  const cleanups: (() => unknown)[] = []
  const server = await startPostgres({ teardown: (fn) => cleanups.push(fn) })
  if ('skip' in server) throw new Error(server.skip)
  const dirs: string[] = []
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'el-bench-sh-'))
    dirs.push(d)
    return d
  }
  const rows: Row[] = []
  const common = { LEDGER_ORIGIN: ORIGIN, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), LEDGER_SIGNING_KEY: generateSigner(ORIGIN).skey, LOG_LEVEL: 'warn' }
  try {
    for (const [setup, n] of [['LevelDB', 0], ['PostgreSQL ×1', 1], ['PostgreSQL ×2', 2]] as const) {
      // One DATA_DIR for the instances of a setup: it holds the token key they all accept.
      const dir = dataDir()
      const url = n > 0 ? await server.newDatabase() : undefined
      const env = { ...common, DATA_DIR: dir, ...(url ? { DATABASE_URL: url } : {}) }
      const token = (await run(process.execPath, [CLI, 'token', '--role', 'submitter', '--sub', 'bench'], { env: { ...process.env, ...env } })).stdout.trim()
      const servers: ServerProcess[] = []
      for (let i = 0; i < Math.max(1, n); i++) servers.push(await startServer(env))
      const db = url ? { dataDir: server.dataDir, url } : undefined
      try {
        rows.push(await measure(setup, 'single', servers, token, db))
        rows.push(await measure(setup, 'batch', servers, token, db))
      } finally {
        await stop(servers)
      }
    }
  } finally {
    for (const fn of cleanups.reverse()) await fn()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
  const base = new Map(rows.filter((r) => r.setup === 'LevelDB').map((r) => [r.load, r.records / SECONDS]))
  console.log(`\n== store over HTTP: separate processes; single POSTs at ${CONNECTIONS} connections, batches of ${BATCH} at ${BATCH_CONNECTIONS}; ${SECONDS} s each ==`)
  printTable([
    ['setup', 'load', 'records/s', 'vs LevelDB', 'p50 ms', 'p99 ms', 'non-2xx', 'db commits/s', 'ledger CPU µs/rec (each)', 'db CPU µs/rec', 'db / ledger', 'ceiling 1/(db CPU) rec/s'],
    ...rows.map((r) => {
      const rate = r.records / SECONDS
      const ledger = r.perInstanceCpu.reduce((a, b) => a + b, 0)
      return [
        r.setup, r.load, fmt(rate), `${(rate / base.get(r.load)!).toFixed(2)}×`, String(r.l.p50), String(r.l.p99), String(r.l.non2xx + r.l.errors),
        r.commitsPerSecond === undefined ? '—' : fmt(r.commitsPerSecond),
        r.perInstanceCpu.map((c) => c.toFixed(0)).join(' + '),
        r.dbCpu === undefined ? '—' : r.dbCpu.toFixed(0),
        r.dbCpu === undefined ? '—' : (r.dbCpu / ledger).toFixed(2),
        r.dbCpu === undefined || r.dbCpu === 0 ? '—' : fmt(1e6 / r.dbCpu),
      ]
    }),
  ])
  console.log('  ledger CPU: each instance\'s user + system CPU over the records all instances wrote; db/ledger compares the database with their sum.')
}

await main()
