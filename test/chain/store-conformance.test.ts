// The LedgerStore conformance suite: the same tests against every driver (LevelDB and a
// real PostgreSQL server this file starts), through the store interface and the Log,
// audit, export and restore on top of it.
import t, { type Test } from 'tap'
import { auditLog } from '../../chain/audit.ts'
import { bytesToHex, utf8ToBytes } from '../../chain/encoding.ts'
import { exportLines } from '../../chain/export.ts'
import { Log, type AppendRequest } from '../../chain/log.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { restoreLines } from '../../chain/restore.ts'
import { openLevelStorage, storeOf, type LedgerStorage } from '../../chain/storage.ts'
import { verifyConsistency, verifyReceipt } from '../../chain/verify.ts'
import { ORIGIN, request, tempDir, testSigner } from '../helpers/fixtures.ts'
import { startPostgres } from '../helpers/postgres.ts'

interface Driver {
  name: string
  /** A new, empty location for this driver. */
  fresh(t: Test): Promise<string>
  open(location: string): Promise<LedgerStorage>
}

const level: Driver = {
  name: 'LevelStore',
  fresh: async (t) => tempDir(t),
  open: openLevelStorage,
}

const pg = await startPostgres(t)
const drivers: Driver[] = [level]
if ('skip' in pg) {
  t.comment(`PgStore conformance skipped: ${pg.skip}`)
  t.test('PgStore', { skip: pg.skip }, async () => undefined)
} else {
  drivers.push({ name: 'PgStore', fresh: () => pg.newDatabase(), open: openPgStorage })
}

const vkey = testSigner().vkey
const openLog = async (d: Driver, loc: string) => Log.open({ storage: await d.open(loc), origin: ORIGIN, signer: testSigner() })
const ok = (r: ReturnType<typeof verifyReceipt>) => r.every((s) => s.ok !== false)

function withPayload(i: number): AppendRequest {
  return { ...request(i), payload: utf8ToBytes(`{"record":${i},"salt":"x"}`) }
}

for (const d of drivers) {
  t.test(`${d.name}: cosigned checkpoints outlive a reopen and never move back`, async (t) => {
    const loc = await d.fresh(t)
    let log = await openLog(d, loc)
    await log.append([request(1)])
    const small = { note: log.checkpoint(), cosignatures: '\u2014 w.example/a AAAA\n' }
    await log.append([request(2)])
    const big = { note: log.checkpoint(), cosignatures: '' }
    t.equal(await log.loadCosigned('latest'), undefined, 'nothing stored yet')
    await log.saveCosigned(['latest', 'witnessed'], small)
    await log.saveCosigned(['latest'], big)
    await log.saveCosigned(['latest'], small) // a smaller tree (another instance behind): ignored
    await log.close()
    log = await openLog(d, loc)
    t.teardown(() => log.close())
    t.same(await log.loadCosigned('latest'), big, 'the larger tree stays')
    t.same(await log.loadCosigned('witnessed'), small, 'slots are apart')
  })

  t.test(`${d.name}: appends, replays, conflicts, concurrent duplicates`, async (t) => {
    const log = await openLog(d, await d.fresh(t))
    t.teardown(() => log.close())
    const [first] = await log.append([request(1)])
    t.equal(first.status, 'created')
    t.same(await log.append([request(1)]), [{ status: 'duplicate', index: 0 }])
    t.same(await log.append([request(1, 'evidence', 2)]), [{ status: 'conflict', index: 0 }])
    t.equal((await log.append([request(1, 'financing-application')]))[0].status, 'created', 'ids are unique per kind only')
    const inGroup = await log.append([request(5), request(5), request(5, 'evidence', 9)])
    t.same(inGroup.map((o) => o.status), ['created', 'duplicate', 'conflict'])
    const racing = await Promise.all(Array.from({ length: 20 }, () => log.append([request(7)])))
    t.equal(racing.filter(([o]) => o.status === 'created').length, 1, 'one of 20 concurrent duplicates is created')
    t.equal(log.size, 4)
    t.equal(log.height, 3)
  })

  t.test(`${d.name}: rows, indexes, proofs and reopen`, async (t) => {
    const loc = await d.fresh(t)
    let log = await openLog(d, loc)
    const created = await log.append(Array.from({ length: 37 }, (_, i) => withPayload(i)))
    for (const o of created) if (o.status === 'created') t.ok(ok(verifyReceipt(o.receipt, vkey)))
    const size1 = log.size
    const root1 = log.root()
    // A revocation-like ref and an erasure in one later block.
    const target = await log.entry(3)
    const [ref] = await log.append([{ ...request(100), refs: [{ index: 3, leafHash: target!.leafHash }], erase: { index: 4, kind: 'evidence', id: 'E-4', owner: 'test-platform' } }])
    t.equal(ref.status, 'created')
    for (let b = 0; b < 5; b++) await log.append([withPayload(200 + b), withPayload(300 + b)])
    const store = storeOf(log.storage)
    const head = await store.head()
    t.same({ size: head?.size, height: head?.height }, { size: 48, height: 6 })
    t.equal(head?.root, bytesToHex(log.root()))
    t.same(await log.referrers(3), [37], 'ref index')
    t.same(await log.referrers(5), [])
    t.equal(await log.payload(4), undefined, 'erased payload is gone')
    t.same(await log.payload(5), utf8ToBytes('{"record":5,"salt":"x"}'))
    t.same((await store.payloads([5, 4, 6])).map((p) => p !== undefined), [true, false, true])
    t.same((await store.byKindId('evidence', 'E-4', 'test-platform'))?.fingerprint, new Uint8Array(32), 'an erased fingerprint is zeroed')
    t.equal((await store.byKindId('evidence', 'E-9', 'test-platform'))?.index, 9)
    t.same((await store.byKindIds([{ kind: 'evidence', id: 'E-2', owner: 'test-platform' }, { kind: 'evidence', id: 'nope', owner: 'test-platform' }])).map((r) => r?.index), [2, undefined])
    t.equal(await log.indexOfLeaf(target!.leafHash), 3)
    t.equal(await log.indexOfKindId('evidence', 'E-36', 'test-platform'), 36)
    const subject = (await log.statement(1))!.subject
    const all = await log.subjectIndexes(subject, { limit: 100 })
    t.ok(all.length >= 1 && all.every((i, j) => j === 0 || i > all[j - 1]), 'subject index in order')
    t.same(await log.subjectIndexes(subject, { after: all[0], limit: 100 }), all.slice(1))
    t.same(await log.ownersOfKindId('evidence', 'E-9'), [{ owner: 'test-platform', index: 9 }], 'owners of a kind+id')
    t.equal((await store.statements(5, 3)).length, 3, 'a range of statements')
    t.same(await log.subjectIndexes(subject, { limit: 1 }), all.slice(0, 1))
    t.equal((await store.entry(47))?.height, 6)
    t.equal(await store.entry(48), undefined)
    t.equal(await store.blockHeader(7), undefined)
    t.match(await store.checkpoint(6), /^test\.example\/ledger\n48\n/)
    const proof = await log.consistencyProof(size1, log.size)
    t.ok(verifyConsistency(size1, log.size, proof, root1, log.root()), 'consistency proof verifies')
    t.same(await log.rootAt(size1), root1)
    await log.close()
    log = await openLog(d, loc)
    t.teardown(() => log.close())
    t.equal(log.size, 48, 'reopened at the same size')
    for (const i of [0, 20, 37, 47]) t.ok(ok(verifyReceipt((await log.receipt(i))!, vkey)), `receipt ${i} verifies after reopen`)
    const report = await auditLog(log.storage, { vkeys: [vkey], origin: ORIGIN, strictStatements: true })
    t.ok(report.ok, report.error ?? 'audit clean')
    t.equal(report.blocks, 7)
    let chunked = 0
    for await (const c of storeOf(log.storage).scanEntryChunks()) chunked += c.length
    t.equal(chunked, 48)
    const blocks: number[] = []
    for await (const [h] of storeOf(log.storage).scanBlocks(4)) blocks.push(h)
    t.same(blocks, [4, 5, 6])
  })

  t.test(`${d.name}: a block that does not extend the head is refused`, async (t) => {
    const loc = await d.fresh(t)
    const log = await openLog(d, loc)
    t.teardown(() => log.close())
    await log.append([request(1)])
    const store = storeOf(log.storage)
    if (d.name === 'PgStore') {
      // Exactly what a second instance with a stale tree would try to write.
      const stale = { height: 0, header: new Uint8Array(1), checkpoint: '', entries: [], nodes: [], erasePayloads: [], head: { size: 0, height: 0, blockHash: '', root: '' } }
      await t.rejects(store.writeBlock(stale), /does not extend the stored head/)
    }
    t.equal((await store.head())?.height, 0)
  })

  for (const to of drivers) {
    t.test(`${d.name} → ${to.name}: export and verifying restore reproduce the log`, async (t) => {
      const log = await openLog(d, await d.fresh(t))
      t.teardown(() => log.close())
      for (let b = 0; b < 12; b++) await log.append(Array.from({ length: 1 + (b % 4) }, (_, i) => withPayload(b * 10 + i)))
      const lines: string[] = []
      for await (const line of exportLines(log.storage, ORIGIN)) lines.push(line)
      const target = await to.open(await to.fresh(t))
      const r = await restoreLines((async function* () { yield* lines })(), target, { vkeys: [vkey] })
      t.equal(r.root, bytesToHex(log.root()))
      t.equal(r.size, log.size)
      const report = await auditLog(target, { vkeys: [vkey], origin: ORIGIN })
      t.ok(report.ok, report.error ?? 'restored log audits clean')
      t.same(await storeOf(target).payload(5), await log.payload(5))
      await t.rejects(restoreLines((async function* () { yield* lines })(), target, { vkeys: [vkey] }), /already holds a log/)
      await target.close()
    })
  }
}
