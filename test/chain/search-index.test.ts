// The commitment / document-hash search index on both drivers: filled at append, emptied of
// an erased record's documents, rebuilt by a restore, and built for stores written before
// it existed (LevelDB format 3 → 4 on open, PostgreSQL schema step 2).
import t, { type Test } from 'tap'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, utf8Decoder, utf8ToBytes } from '../../chain/encoding.ts'
import { sha256 } from '../../chain/hash.ts'
import { exportLines } from '../../chain/export.ts'
import { Log, type AppendRequest } from '../../chain/log.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { restoreLines } from '../../chain/restore.ts'
import { documentHashes } from '../../chain/search-hashes.ts'
import { openLevelStorage, storeOf, type LedgerStorage } from '../../chain/storage.ts'
import { keys, LevelStore, STORAGE_FORMAT } from '../../chain/store.ts'
import { LedgerService } from '../../src/ledger-service.ts'
import { ORIGIN, request, tempDir, testSigner } from '../helpers/fixtures.ts'
import { foldToVersion1 } from '../helpers/pg-schema-fold.ts'
import { startPostgres } from '../helpers/postgres.ts'

const hex = (s: string) => bytesToHex(sha256(utf8ToBytes(s)))
const DOC_A = hex('contract A')
const DOC_B = hex('licence B')

/** An entry with a payload whose record names documents, as the ledger service sends it. */
function withDocuments(i: number, docs: string[]): AppendRequest {
  const record = { evidenceId: `E-${i}`, documents: docs.map((sha256, n) => ({ name: `d${n}.pdf`, sha256, size: 1 })) }
  return { ...request(i), payload: utf8ToBytes(JSON.stringify({ record, salt: 'x' })), documents: documentHashes(record) }
}

t.test('documentHashes: every sha256 / *Sha256 string of 64 hex, once, at any depth', async (t) => {
  t.same(documentHashes({
    attachments: [{ name: 'a', sha256: DOC_A }, { name: 'b', sha256: DOC_A }],
    consentTextSha256: DOC_B,
    nested: { deeper: [{ sha256: 'not-hex' }, { sha256: DOC_B.toUpperCase() }] },
    commitment: 'sha256:' + DOC_A,
  }), [DOC_A, DOC_B])
  t.same(documentHashes(5), [])
  t.same(documentHashes(null), [])
})

interface Driver {
  name: string
  fresh(t: Test): Promise<string>
  open(location: string): Promise<LedgerStorage>
}
const pgServer = await startPostgres(t)
const drivers: Driver[] = [{ name: 'LevelStore', fresh: async (t) => tempDir(t), open: openLevelStorage }]
if ('skip' in pgServer) t.test('PgStore', { skip: pgServer.skip }, async () => undefined)
else drivers.push({ name: 'PgStore', fresh: () => pgServer.newDatabase(), open: openPgStorage })

const openLog = async (d: Driver, loc: string) => Log.open({ storage: await d.open(loc), origin: ORIGIN, signer: testSigner() })

for (const d of drivers) {
  t.test(`${d.name}: found by commitment and document hash; erasure removes the documents only`, async (t) => {
    const loc = await d.fresh(t)
    const log = await openLog(d, loc)
    t.teardown(() => log.close())
    await log.append([withDocuments(0, [DOC_A]), request(1), withDocuments(2, [DOC_A, DOC_B])])
    const s1 = await log.statement(1)
    t.same(await log.entriesByHash(s1!.commitment.slice(7), 20), [{ index: 1, matched: 'commitment' }], 'a commitment finds its entry')
    t.same(await log.entriesByHash(DOC_A, 20), [{ index: 0, matched: 'document' }, { index: 2, matched: 'document' }], 'every entry naming a document, in index order')
    t.same(await log.entriesByHash(DOC_A, 1), [{ index: 0, matched: 'document' }], 'bounded by the limit')
    t.same(await log.entriesByHash(DOC_B, 20), [{ index: 2, matched: 'document' }])
    t.same(await log.entriesByHash(hex('never notarized'), 20), [])
    const target = await log.entry(2)
    await log.append([{ ...request(9), refs: [{ index: 2, leafHash: target!.leafHash }], erase: { index: 2, kind: 'evidence', id: 'E-2', owner: 'test-platform' } }])
    t.same(await log.entriesByHash(DOC_A, 20), [{ index: 0, matched: 'document' }], 'the erased record is no longer found by its documents')
    t.same(await log.entriesByHash(DOC_B, 20), [])
    t.same(await log.entriesByHash(target!.statement.commitment.slice(7), 20), [{ index: 2, matched: 'commitment' }], 'its commitment stays: it is in the tree')
  })

  for (const to of drivers) {
    t.test(`${d.name} → ${to.name}: a verifying restore rebuilds the index`, async (t) => {
      const log = await openLog(d, await d.fresh(t))
      t.teardown(() => log.close())
      await log.append([withDocuments(0, [DOC_A]), withDocuments(1, [DOC_B])])
      const lines: string[] = []
      for await (const line of exportLines(log.storage, ORIGIN)) lines.push(line)
      const target = await to.open(await to.fresh(t))
      await restoreLines((async function* () { yield* lines })(), target, { vkeys: [testSigner().vkey] })
      const restored = await Log.open({ storage: target, origin: ORIGIN, signer: testSigner() })
      t.teardown(() => restored.close())
      t.same(await restored.entriesByHash(DOC_B, 20), [{ index: 1, matched: 'document' }], 'documents from the backup payloads')
      t.same(await restored.entriesByHash((await restored.statement(0))!.commitment.slice(7), 20), [{ index: 0, matched: 'commitment' }])
    })
  }
}

t.test('LevelStore: a format-3 store gains its index on open, then its format row', async (t) => {
  const dir = tempDir(t)
  const log = await Log.open({ storage: await openLevelStorage(dir), origin: ORIGIN, signer: testSigner() })
  await log.append([withDocuments(0, [DOC_A]), request(1)])
  const c1 = (await log.statement(1))!.commitment.slice(7)
  await log.close()
  // Make it what the previous version wrote: no hash rows, format 3.
  const store = new LevelStore(dir)
  await store.db.open()
  for await (const k of store.db.keys({ gte: new Uint8Array([0x64]), lt: new Uint8Array([0x65]) })) await store.db.del(k)
  await store.db.put(keys.format(), utf8ToBytes('evidence-ledger/3'))
  await store.db.close()
  const reopened = await Log.open({ storage: await openLevelStorage(dir), origin: ORIGIN, signer: testSigner() })
  t.teardown(() => reopened.close())
  t.same(await reopened.entriesByHash(DOC_A, 20), [{ index: 0, matched: 'document' }], 'documents from the (sealed) payloads')
  t.same(await reopened.entriesByHash(c1, 20), [{ index: 1, matched: 'commitment' }], 'commitments from the statements')
})

t.test('LevelStore: a format-3 store of several scan chunks, half indexed when the process died, is indexed completely on open', async (t) => {
  const dir = tempDir(t)
  const log = await Log.open({ storage: await openLevelStorage(dir), origin: ORIGIN, signer: testSigner() })
  const n = 5_000 // > 2 chunks of 2,048 rows
  const docOf = (i: number) => bytesToHex(sha256(utf8ToBytes(`document ${i}`)))
  for (let i = 0; i < n; i += 1_000) await log.append(Array.from({ length: 1_000 }, (_, k) => withDocuments(i + k, [docOf(i + k)])))
  const commitments = await Promise.all([0, 2_047, 2_048, 4_999].map(async (i) => (await log.statement(i))!.commitment.slice(7)))
  await log.close()
  // What a crash between two migration batches leaves: format 3 and some of the hash rows.
  const store = new LevelStore(dir)
  await store.db.open()
  let k = 0
  for await (const key of store.db.keys({ gte: new Uint8Array([0x64]), lt: new Uint8Array([0x65]) })) if (k++ % 2 === 0) await store.db.del(key)
  await store.db.put(keys.format(), utf8ToBytes('evidence-ledger/3'))
  await store.db.close()
  const reopened = await Log.open({ storage: await openLevelStorage(dir), origin: ORIGIN, signer: testSigner() })
  t.teardown(() => reopened.close())
  for (const i of [0, 1, 2_047, 2_048, 2_049, 4_098, 4_999]) t.same(await reopened.entriesByHash(docOf(i), 5), [{ index: i, matched: 'document' }], `document of entry ${i}`)
  for (const [j, i] of [0, 2_047, 2_048, 4_999].entries()) t.same(await reopened.entriesByHash(commitments[j], 5), [{ index: i, matched: 'commitment' }], `commitment of entry ${i}`)
  let rows = 0
  const again = new LevelStore(dir)
  await reopened.close()
  await again.db.open()
  for await (const _ of again.db.keys({ gte: new Uint8Array([0x64]), lt: new Uint8Array([0x65]) })) rows++
  t.equal(utf8Decoder.decode((await again.db.get(keys.format()))!), STORAGE_FORMAT)
  await again.db.close()
  t.equal(rows, 2 * n, 'one commitment and one document row per entry, none twice')
})

t.test('LevelStore: the format-2 fixture is migrated to 4 and finds its documents, not the erased one', async (t) => {
  const dir = tempDir(t, 'el-format2-')
  cpSync(new URL('../fixtures/store-format-2/', import.meta.url).pathname, dir, { recursive: true })
  const log = await Log.openAt(join(dir, 'ledger'), { origin: ORIGIN, signer: testSigner() })
  t.teardown(() => log.close())
  const ledger = new LedgerService(log)
  const ev3 = await ledger.record('evidence', 'EV-3')
  const ev2 = await ledger.record('evidence', 'EV-2')
  const docs = (ev3!.payload!.record.documents as { sha256: string }[]).map((x) => x.sha256)
  const hits = await log.entriesByHash(docs[0], 100)
  t.ok(hits.some((h) => h.index === ev3!.index && h.matched === 'document'), 'EV-3 found by its document')
  t.notOk(hits.some((h) => h.index === ev2!.index), 'the erased EV-2 is not')
  t.same(await log.entriesByHash(ev2!.statement.commitment.slice(7), 5), [{ index: ev2!.index, matched: 'commitment' }])
  t.equal(STORAGE_FORMAT, 'evidence-ledger/4')
})

if (!('skip' in pgServer)) {
  t.test('PgStore: a schema-1 database gains the index through migration step 2', async (t) => {
    const url = await pgServer.newDatabase()
    const log = await Log.open({ storage: await openPgStorage(url), origin: ORIGIN, signer: testSigner() })
    await log.append([withDocuments(0, [DOC_A]), request(1)])
    const c1 = (await log.statement(1))!.commitment.slice(7)
    const [p0] = await storeOf(log.storage).payloads([0])
    await log.close()
    // What schema version 1 wrote: no el_hash, payloads plain in el_payload (steps 2–5 run on open).
    await foldToVersion1(url, new Map([[0, p0!]]))
    const reopened = await Log.open({ storage: await openPgStorage(url), origin: ORIGIN, signer: testSigner() })
    t.teardown(() => reopened.close())
    t.same(await reopened.entriesByHash(DOC_A, 20), [{ index: 0, matched: 'document' }])
    t.same(await reopened.entriesByHash(c1, 20), [{ index: 1, matched: 'commitment' }])
  })
}
