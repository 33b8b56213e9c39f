// Erasure on PostgreSQL leaves no trace in the database's table files: payloads are sealed
// before they reach a row (the plaintext is never in a table file), and erasing one deletes
// its block key and rewrites the key partition, so neither the key nor the words are in any
// file of the database afterwards, while the records that shared its block stay readable.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { makeApp } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'
import { startPostgres } from '../helpers/postgres.ts'

const server = await startPostgres(t)

function holders(dir: string, needles: Buffer[]): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).filter((f) => {
    const bytes = readFileSync(f)
    return needles.some((n) => bytes.includes(n))
  })
}

if ('skip' in server) {
  t.test('erasure on PostgreSQL', { skip: server.skip }, async () => undefined)
} else {
  t.test('an erased record, its salt and its block key are in no table file of the database', async (t) => {
    const url = await server.newDatabase()
    const h = await makeApp(t, { DATABASE_URL: url })
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    t.teardown(() => db.end())
    const { oid } = (await db.query<{ oid: number }>('SELECT oid FROM pg_database WHERE datname = current_database()')).rows[0]
    const files = join(server.dataDir, 'base', String(oid))
    // Table files lag the WAL until a checkpoint writes the pages out.
    const checkpointed = async () => { await db.query('CHECKPOINT'); return files }

    const submitter = await h.auth('submitter')
    const admin = await h.auth('admin', 'ops')
    const secret = `唯一申请人-${process.pid}-${Date.now()}科技有限公司`
    const application = (n: number, name: string) => ({
      kind: 'financing-application',
      record: {
        applicationId: `APP-${n}`, applicant: { uscc: uscc(n), name }, product: '税易贷', amount: { value: '500000.00', currency: 'CNY' },
        termMonths: 12, purpose: `流动资金 ${n}`, submittedAt: '2026-11-23T10:00:00+08:00', channel: 'web', attachments: [],
      },
    })
    // One batch = one block = one key: the erased record shares it with its neighbours.
    const batch = await h.app.inject({ method: 'POST', url: '/v1/records:batch', headers: submitter, payload: { records: [application(1, '邻居甲公司'), application(2, secret), application(3, '邻居乙公司')] } })
    t.same(batch.json().results.map((r: { status: number }) => r.status), [201, 201, 201])
    t.equal((await h.app.inject({ method: 'POST', url: '/v1/records', headers: submitter, payload: application(4, '后来的公司') })).statusCode, 201)

    const salt = (await h.app.inject({ url: '/v1/records/financing-application/APP-2', headers: admin })).json().payload.salt as string
    const keyOf = async (idx: number) => (await db.query<{ key: Buffer | null }>('SELECT k.key FROM el_entry p LEFT JOIN el_payload_key k ON k.id = p.key_id WHERE p.idx = $1', [idx])).rows[0]?.key ?? null
    const blockKey = await keyOf(1)
    if (blockKey === null) throw new Error('the payload of entry 1 has no key')
    t.equal(blockKey.length, 32)
    t.same(await keyOf(0), blockKey, 'the block\'s payloads share one key')
    t.notSame(await keyOf(3), blockKey, 'the next block has its own')
    const words = [Buffer.from(secret), Buffer.from(salt), Buffer.from(salt, 'base64')]
    t.same(holders(await checkpointed(), words), [], 'the record never reached a table file in plain text')
    t.not(holders(files, [blockKey]).length, 0, 'the scan finds the block key while it exists')

    const erased = await h.app.inject({ method: 'DELETE', url: '/v1/records/financing-application/APP-2/payload', headers: admin, payload: { reason: 'PIPL 删除请求' } })
    t.equal(erased.statusCode, 201)
    t.same(holders(await checkpointed(), [...words, blockKey]), [], 'after the DELETE: neither the words nor the block key')
    t.equal((await db.query('SELECT 1 FROM el_entry WHERE idx = 1 AND payload IS NOT NULL')).rowCount, 0, 'the erased row is gone')
    for (const n of [1, 3, 4]) {
      const v = (await h.app.inject({ url: `/v1/records/financing-application/APP-${n}`, headers: admin })).json()
      t.match(v.payload?.record.applicant.name, /公司$/, `APP-${n} is still readable`)
    }
    t.not(await keyOf(0), null, 'the neighbours were sealed again')
    t.notSame(await keyOf(0), blockKey, 'under a fresh key')
    t.equal((await h.app.inject({ url: '/v1/records/financing-application/APP-2', headers: admin })).json().payload, null)
  })
}
