// PostgreSQL schema migrations on databases that hold a log. Version 4 → 5: the entry's leaf,
// subject, kind+id and sealed payload move from their own tables into el_entry. Version
// 1 → 5: the whole chain on a database written before the search index (step 2 reads the
// plain payloads of el_payload), the cosigned checkpoints (3), sealing (4) and the fold (5).
// The older databases are made by writing a log with this version and folding its rows back
// (test/helpers/pg-schema-fold.ts, the inverse of the steps under test).
import t from 'tap'
import pg from 'pg'
import { auditLog } from '../../chain/audit.ts'
import { bytesToHex, utf8ToBytes } from '../../chain/encoding.ts'
import { sha256 } from '../../chain/hash.ts'
import { Log, type AppendRequest } from '../../chain/log.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { SCHEMA_VERSION } from '../../chain/pg-schema.ts'
import { documentHashes } from '../../chain/search-hashes.ts'
import { storeOf } from '../../chain/storage.ts'
import { ORIGIN, request, testSigner } from '../helpers/fixtures.ts'
import { foldToVersion1, foldToVersion4 } from '../helpers/pg-schema-fold.ts'
import { startPostgres } from '../helpers/postgres.ts'

const server = await startPostgres(t)

const text = (b: Uint8Array | undefined) => b === undefined ? undefined : new TextDecoder().decode(b)
const DOC = bytesToHex(sha256(utf8ToBytes('contract')))

/** An entry whose payload's record names DOC, as the ledger service sends it. */
function withDocument(i: number): AppendRequest {
  const record = { evidenceId: `E-${i}`, n: i, documents: [{ name: 'c.pdf', sha256: DOC, size: 1 }] }
  return { ...request(i), payload: utf8ToBytes(JSON.stringify({ record, salt: 'x' })), documents: documentHashes(record) }
}

if ('skip' in server) {
  t.test('schema migration', { skip: server.skip }, async () => undefined)
} else {
  const open = async (url: string) => Log.open({ storage: await openPgStorage(url), origin: ORIGIN, signer: testSigner() })

  t.test('a version-4 database with a log migrates to the current schema and reopens whole', async (t) => {
    t.equal(SCHEMA_VERSION, 5)
    const url = await server.newDatabase()
    let log = await open(url)
    for (let b = 0; b < 4; b++) await log.append(Array.from({ length: 3 }, (_, i) => ({ ...request(b * 10 + i), payload: utf8ToBytes(`{"n":${b * 10 + i}}`) })))
    const root = log.root()
    await log.close()

    await foldToVersion4(url)
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    t.teardown(() => db.end())
    t.equal((await db.query('SELECT count(*)::int AS n FROM el_payload')).rows[0].n, 12, 'version 4: payloads in their own table')

    log = await open(url)
    t.teardown(() => log.close())
    t.same(log.root(), root, 'same tree')
    const tables = (await db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('el_payload', 'el_leaf', 'el_subject', 'el_kind_id')`)).rows
    t.same(tables, [], 'the folded tables are gone')
    t.equal((await db.query('SELECT max(version) AS v FROM el_migrations')).rows[0].v, 5)
    const store = storeOf(log.storage)
    t.equal(new TextDecoder().decode(await store.payload(7)), '{"n":21}', 'a sealed payload opens after the move')
    t.equal((await store.byKindId('evidence', request(21).id, request(21).owner))?.index, 7, 'kind+id finds its entry')
    const leaf = (await store.entry(7))!.nodes.subarray(0, 32)
    t.equal(await store.byLeafHash(leaf), 7, 'the leaf index answers')
    const commitment = (await log.statement(7))!.commitment.slice(7)
    t.same(await log.entriesByHash(commitment, 5), [{ index: 7, matched: 'commitment' }], 'the search index is untouched by the fold')
    const report = await auditLog(log.storage, { vkeys: [testSigner().vkey], origin: ORIGIN })
    t.ok(report.ok, report.error ?? 'audit clean')
    const more = await log.append([{ ...request(99), payload: utf8ToBytes('{"n":99}') }])
    t.equal(more[0].status, 'created', 'and it appends on')
  })

  t.test('a version-1 database (plain payloads) goes through every step: index, cosigned, sealing, fold', async (t) => {
    const url = await server.newDatabase()
    let log = await open(url)
    await log.append([withDocument(0), { ...request(1), payload: utf8ToBytes('{"record":{},"salt":"y"}') }, withDocument(2)])
    await log.append([withDocument(3)])
    const root = log.root()
    const commitment1 = (await log.statement(1))!.commitment.slice(7)
    const plain = new Map<number, Uint8Array>()
    const opened = await storeOf(log.storage).payloads([0, 1, 2, 3])
    opened.forEach((p, i) => plain.set(i, p!))
    await log.close()

    await foldToVersion1(url, plain)
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    t.teardown(() => db.end())
    const before = (await db.query<{ payload: Buffer }>('SELECT payload FROM el_payload WHERE idx = 2')).rows[0].payload
    t.match(before.toString(), /"evidenceId":"E-2"/, 'version 1: the payload is stored plain')

    log = await open(url)
    t.teardown(() => log.close())
    t.same(log.root(), root, 'same tree')
    t.equal((await db.query('SELECT max(version) AS v FROM el_migrations')).rows[0].v, 5)
    t.same(await log.entriesByHash(DOC, 20), [0, 2, 3].map((index) => ({ index, matched: 'document' })), 'step 2 indexed the documents of the plain payloads')
    t.same(await log.entriesByHash(commitment1, 20), [{ index: 1, matched: 'commitment' }], 'and the commitments')
    const store = storeOf(log.storage)
    t.equal(text(await store.payload(2)), text(plain.get(2)), 'a row written before sealing is read as stored')
    t.equal((await db.query('SELECT key_id FROM el_entry WHERE idx = 2')).rows[0].key_id, null, 'with no key')

    t.equal(await log.loadCosigned('witnessed'), undefined)
    await store.putCosigned(['latest'], 5, '{"x":1}')
    t.equal(await store.cosigned('latest'), '{"x":1}', 'el_cosigned (step 3) holds a cosigned checkpoint')

    const target = (await log.entry(2))!
    await log.append([{ ...request(9), refs: [{ index: 2, leafHash: target.leafHash }], erase: { index: 2, kind: 'evidence', id: 'E-2', owner: 'test-platform' } }, withDocument(10)])
    t.equal(await store.payload(2), undefined, 'an unsealed payload is erased')
    t.equal(text(await store.payload(0)), text(plain.get(0)), 'its neighbour stays readable')
    t.same(await log.entriesByHash(DOC, 20), [0, 3, 5].map((index) => ({ index, matched: 'document' })), 'the erased record is not found by its document; the new one is')
    t.not((await db.query('SELECT key_id FROM el_entry WHERE idx = 5')).rows[0].key_id, null, 'new payloads are sealed')
    t.match(text(await store.payload(5)), /"evidenceId":"E-10"/)
    const report = await auditLog(log.storage, { vkeys: [testSigner().vkey], origin: ORIGIN })
    t.ok(report.ok, report.error ?? 'audit clean')
  })
}
