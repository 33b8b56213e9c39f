// The service over PostgreSQL: DATABASE_URL selects it, two app instances share one log,
// readiness follows the database, and `migrate` moves a log between a DATA_DIR and a
// database (both ways) through the verifying restore, with `audit` on either store.
import t from 'tap'
import { execFile } from 'node:child_process'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { openPgStorage } from '../../chain/pg-store.ts'
import { SCHEMA_VERSION } from '../../chain/pg-schema.ts'
import { verifyReceipt, type Receipt } from '../../chain/verify.ts'
import { CLI } from '../../scripts/server-process.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { startPostgres } from '../helpers/postgres.ts'

const run = promisify(execFile)
const server = await startPostgres(t)
if ('skip' in server) {
  t.test('the service over PostgreSQL', { skip: server.skip }, async () => undefined)
} else {
  t.test('two app instances over one database serve one log', async (t) => {
    const url = await server.newDatabase()
    const a = await makeApp(t, { DATABASE_URL: url })
    // The second instance signs with the same checkpoint key: the same key file.
    const dirB = tempDir(t, 'el-app-b-')
    cpSync(join(a.dataDir, 'keys'), join(dirB, 'keys'), { recursive: true })
    const b = await makeApp(t, { DATABASE_URL: url, DATA_DIR: dirB })
    const vkey = a.app.checkpointKeys.signer.vkey
    const post = async (app: typeof a, n: number) => app.app.inject({ method: 'POST', url: '/v1/records', headers: await app.auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(n).evidence } })
    const receipts: Receipt[] = []
    for (let n = 0; n < 10; n++) {
      const r = await post(n % 2 === 0 ? a : b, n)
      t.equal(r.statusCode, 201)
      receipts.push(r.json<Receipt>())
    }
    t.same(receipts.map((r) => r.entry.index), [...Array(10).keys()], 'contiguous indexes across instances')
    t.ok(receipts.every((r) => verifyReceipt(r, vkey).every((s) => s.ok !== false)), 'every receipt verifies with the shared key')
    const [d1, d2] = await Promise.all([post(a, 3), post(b, 3)])
    t.same([d1.statusCode, d2.statusCode], [200, 200], 'a duplicate sent to both instances is a replay on both')
    t.equal(d1.json<Receipt>().entry.index, d2.json<Receipt>().entry.index)
    await sleep(400)
    const note = async (app: typeof a) => (await app.app.inject({ url: '/v1/checkpoint' })).body
    t.equal(await note(a), await note(b), 'both serve the same checkpoint once refreshed')
    const entry = await b.app.inject({ url: '/v1/entries/0', headers: await b.auth(['auditor', 'submitter']) })
    t.equal(entry.statusCode, 200, 'an entry written through A is served by B')
    t.equal((await b.app.inject({ url: '/readyz' })).statusCode, 200)
  })

  t.test('a database of a newer schema refuses to open, in one line', async (t) => {
    const url = await server.newDatabase()
    await (await openPgStorage(url)).close()
    const c = new pg.Client({ connectionString: url })
    await c.connect()
    await c.query('INSERT INTO el_migrations (version) VALUES (99)')
    await c.end()
    t.equal(SCHEMA_VERSION, 5, 'version 2 added el_hash, 3 el_cosigned, 4 payload sealing, 5 one el_entry row per entry')
    await t.rejects(openPgStorage(url), new RegExp(`holds ledger schema version 99, this version reads up to ${SCHEMA_VERSION}: upgrade the service`))
  })

  t.test('migrate DATA_DIR → PostgreSQL → DATA_DIR, audit on both stores', async (t) => {
    const src = tempDir(t, 'el-mig-src-')
    const app = await makeApp(t, { DATA_DIR: src })
    for (let n = 0; n < 25; n++) {
      const r = await app.app.inject({ method: 'POST', url: '/v1/records', headers: await app.auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(n).evidence } })
      t.equal(r.statusCode, 201)
    }
    await app.app.close()
    const url = await server.newDatabase()
    const env = { ...process.env, DATA_DIR: src, LEDGER_ORIGIN: 'test.example/ledger', DATABASE_URL: '' }
    const toPg = await run(process.execPath, [CLI, 'migrate', '--from', src, '--to', url], { env })
    const root = /root ([0-9a-f]{64})/.exec(toPg.stdout)?.[1]
    t.match(toPg.stdout, /migrated and verified 25 entries/)
    const audit = await run(process.execPath, [CLI, 'audit'], { env: { ...env, DATABASE_URL: url } })
    t.match(audit.stdout, new RegExp(`audit OK: 25 entries in \\d+ blocks, root ${root}`), 'audit runs on PostgreSQL')
    await t.rejects(run(process.execPath, [CLI, 'migrate', '--from', src, '--to', url], { env }), /already holds a log/, 'a non-empty database is refused')
    const back = tempDir(t, 'el-mig-back-')
    const toDir = await run(process.execPath, [CLI, 'migrate', '--from', url, '--to', back], { env })
    t.match(toDir.stdout, new RegExp(`migrated and verified 25 entries .* root ${root}`))
    // As with import, the operator brings the checkpoint keys along.
    cpSync(join(src, 'keys'), join(back, 'keys'), { recursive: true })
    const audit2 = await run(process.execPath, [CLI, 'audit'], { env: { ...env, DATA_DIR: back } })
    t.match(audit2.stdout, new RegExp(`audit OK: 25 entries in \\d+ blocks, root ${root}`), 'and on the DATA_DIR it came back to')
  })
}
