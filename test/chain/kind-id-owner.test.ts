// Issue 13: the sequencer's replay check is keyed on (owner, kind, id), within one block
// and against the log, with one batched kind+id read per block.
import t from 'tap'
import { exportLines } from '../../chain/export.ts'
import { restoreLines } from '../../chain/restore.ts'
import { storageOf, storeOf } from '../../chain/storage.ts'
import { LevelStore } from '../../chain/store.ts'
import { LedgerService } from '../../src/ledger-service.ts'
import { sampleRecords } from '../helpers/app.ts'
import { openLog, request, tempDir, testSigner } from '../helpers/fixtures.ts'

t.test('one block: the same kind+id of two owners is two entries, an owner\'s repeat is a replay', async (t) => {
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  const a = { ...request(1), submitter: 'a', owner: 'a' }
  const b = { ...request(1), submitter: 'b', owner: 'b' }
  const store = storeOf(log.storage)
  const reads: number[] = []
  const byKindIds = store.byKindIds.bind(store)
  store.byKindIds = (keys) => {
    reads.push(keys.length)
    return byKindIds(keys)
  }
  const outcomes = await log.append([a, b, a, { ...b, fingerprint: new Uint8Array([9]) }])
  t.same(outcomes.map((o) => o.status), ['created', 'created', 'duplicate', 'conflict'])
  t.same(outcomes.map((o) => o.index), [0, 1, 0, 1], 'each replay names its own owner\'s entry')
  t.same(reads, [4], 'one batched kind+id read for the block')
  t.equal(log.height, 0, 'one block')

  const later = await log.append([{ ...a, fingerprint: new Uint8Array([7]) }, b, { ...request(1), submitter: 'c', owner: 'c' }])
  t.same(later.map((o) => [o.status, o.index]), [['conflict', 0], ['duplicate', 1], ['created', 2]], 'against the log too')
  t.same(await log.ownersOfKindId('evidence', 'E-1'), [{ owner: 'a', index: 0 }, { owner: 'b', index: 1 }, { owner: 'c', index: 2 }])
  t.equal(await log.indexOfKindId('evidence', 'E-1', 'b'), 1)
  t.equal(await log.indexOfKindId('evidence', 'E-1', 'd'), undefined)
})

t.test('export and restore keep every owner\'s kind+id row, a redaction\'s under its record\'s owner', async (t) => {
  const dir = tempDir(t)
  const log = await openLog(dir)
  const ledger = new LedgerService(log)
  const ev = sampleRecords(3).evidence
  for (const who of ['bank-a', 'bank-b']) t.equal((await ledger.notarize({ kind: 'evidence', record: ev }, who)).status, 201)
  const erased = await ledger.erasePayload('evidence', 'EV-3', 'PIPL', 'dpo', 'bank-b')
  t.equal(erased.statement.submitter, 'dpo')
  const lines: string[] = []
  for await (const l of exportLines(log.storage, log.origin)) lines.push(l)
  await log.close()

  const target = new LevelStore(tempDir(t))
  await target.open()
  t.teardown(() => target.close())
  await restoreLines((async function* () { yield* lines })(), storageOf(target, 'target'), { vkeys: [testSigner().vkey] })
  t.same(await target.ownersOfKindId('evidence', 'EV-3'), [{ owner: 'bank-a', index: 0 }, { owner: 'bank-b', index: 1 }])
  t.same(await target.ownersOfKindId('redaction', 'evidence:EV-3'), [{ owner: 'bank-b', index: 2 }], 'the redaction is bank-b\'s, not the admin\'s')
  t.same([...(await target.byKindId('evidence', 'EV-3', 'bank-b'))!.fingerprint], Array(32).fill(0), 'the erased fingerprint stays erased')
  t.notSame([...(await target.byKindId('evidence', 'EV-3', 'bank-a'))!.fingerprint], Array(32).fill(0), 'bank-a\'s is untouched')
})
