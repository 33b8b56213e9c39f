import t, { type Test } from 'tap'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { auditLog } from '../../chain/audit.ts'
import { Log } from '../../chain/log.ts'
import { Level } from 'level'
import { parseStatement } from '../../chain/statement.ts'
import { openLevelStorage } from '../../chain/storage.ts'
import { LevelStore, STORAGE_FORMAT } from '../../chain/store.ts'
import { verifyReceipt } from '../../chain/verify.ts'
import { LedgerService } from '../../src/ledger-service.ts'
import { sampleRecords } from '../helpers/app.ts'
import { ORIGIN, tempDir, testSigner } from '../helpers/fixtures.ts'

// Written by the code before issue 12's redesign (test/fixtures/store-format-2/README.md).
const FIXTURE = new URL('../fixtures/store-format-2/', import.meta.url).pathname
const WRITTEN = {
  size: 27,
  height: 8,
  blockHash: '7e14c017059814ee56dc91eeba442084644b7995c30b652f5286da549357f6f7',
  root: 'ae848980800f35e42b44845f893f9756d39c302127f3a5113faa20a84f4fd33d',
  checkpoint: 'test.example/ledger\n27\nroSJgIAPNeQrRIRfiT+XVtOcMCEn86URP6ogqE9P0z0=\n\n— test.example/ledger Z6luTWMFgjfvORHfra6v2/UINpgA2WLvcN2/lus97ePMkAONRkHsOrgLacPv1RJaoIdrTsuHPF0lqScGno5+MoTbKgg=\n',
}

/** A copy: LevelDB rewrites its files on open, the fixture must stay as it was written. */
function copyOfFixture(t: Test): string {
  const dir = tempDir(t, 'el-format2-')
  cpSync(FIXTURE, dir, { recursive: true })
  return join(dir, 'ledger')
}

async function openFixture(t: Test): Promise<Log> {
  const log = await Log.openAt(copyOfFixture(t), { origin: ORIGIN, signer: testSigner() })
  t.teardown(() => log.close())
  return log
}

t.test('a store written before the redesign audits clean with the root it was written with', async (t) => {
  const storage = await openLevelStorage(copyOfFixture(t))
  t.teardown(() => storage.close())
  const report = await auditLog(storage, { vkeys: [testSigner().vkey], origin: ORIGIN, strictStatements: true })
  t.same(report, { ok: true, entries: WRITTEN.size, blocks: WRITTEN.height + 1, size: WRITTEN.size, root: WRITTEN.root })
})

t.test('it opens and serves the checkpoint, block and receipts it was written with', async (t) => {
  const log = await openFixture(t)
  t.equal(log.size, WRITTEN.size)
  t.equal(log.height, WRITTEN.height)
  t.equal(log.checkpoint(), WRITTEN.checkpoint)
  t.equal(log.latestBlock()?.hash, WRITTEN.blockHash)
  t.equal((await log.block(WRITTEN.height))?.hash, WRITTEN.blockHash)
  for (let i = 0; i < WRITTEN.size; i++) {
    const r = await log.receipt(i)
    t.ok(r && verifyReceipt(r, testSigner().vkey).every((s) => s.ok), `receipt of entry ${i} verifies`)
  }
})

t.test('its stored fingerprints, payloads, refs and erasure read as they were written', async (t) => {
  const log = await openFixture(t)
  const ledger = new LedgerService(log)
  const ev3 = await ledger.record('evidence', 'EV-3')
  t.same(ev3?.payload?.record, sampleRecords(3).evidence, 'a payload, as written')
  const replay = await ledger.notarize({ kind: 'evidence', record: sampleRecords(3).evidence }, 'zhr-platform')
  t.equal(replay.status, 200, 'a replay of a stored record matches its stored fingerprint')
  t.equal(replay.receipt?.entry.index, ev3?.index)
  const hashOnly = await ledger.notarize({ kind: 'evidence', id: 'EV-HASH-1', subject: sampleRecords(1).evidence.subject, commitment: 'sha256:' + 'cd'.repeat(32) }, 'zhr-platform')
  t.equal(hashOnly.status, 200, 'so does a replay of a hash-only record')
  t.equal((await ledger.notarize({ kind: 'evidence', record: sampleRecords(2).evidence }, 'zhr-platform')).status, 409, 'the erased record no longer matches')
  const ev2 = await ledger.record('evidence', 'EV-2')
  t.equal(ev2?.payload, null)
  t.ok(ev2 && await ledger.isRedacted(ev2.index), 'the erasure is seen')
  const status = await ledger.authorizationStatus('AUTH-1', { at: '2026-12-01T00:00:00Z' })
  t.equal(status.revocation?.statement.kind, 'authorization-revocation', 'the revocation refs its authorization')
  t.equal(log.size, WRITTEN.size, 'replays wrote nothing')
})

t.test('the current code appends to it, and the result audits clean', async (t) => {
  const dir = copyOfFixture(t)
  const log = await Log.openAt(dir, { origin: ORIGIN, signer: testSigner() })
  const ledger = new LedgerService(log)
  const r = await ledger.notarize({ kind: 'evidence', record: sampleRecords(40).evidence }, 'zhr-platform')
  t.equal(r.status, 201)
  t.equal(r.receipt?.entry.index, WRITTEN.size)
  t.equal((await log.block(WRITTEN.height + 1))?.header.prev, WRITTEN.blockHash, 'the new block links to the stored one')
  await log.close()
  const again = await openLevelStorage(dir)
  t.teardown(() => again.close())
  const report = await auditLog(again, { vkeys: [testSigner().vkey], origin: ORIGIN, strictStatements: true })
  t.match(report, { ok: true, entries: WRITTEN.size + 1, blocks: WRITTEN.height + 2 })
})

// Issue 13: format 3 keys kind+id rows by owner too (ids are unique per submitter). A
// format-2 store is migrated when it is opened, in one atomic batch with the format row.
const kindIdRows = async (db: Level<Uint8Array, Uint8Array>) => {
  const out: string[] = []
  for await (const k of db.keys({ gte: Uint8Array.of(0x6b), lt: Uint8Array.of(0x6c) })) out.push(Buffer.from(k).toString('hex'))
  return out
}
const rawDb = (dir: string) => new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
const formatOf = async (db: Level<Uint8Array, Uint8Array>) => Buffer.from((await db.get(Uint8Array.from(Buffer.from('mformat'))))!).toString()

t.test('opening a format-2 store migrates its kind+id rows to format 3, owners included', async (t) => {
  const dir = copyOfFixture(t)
  const before = rawDb(dir)
  await before.open()
  t.equal(await formatOf(before), 'evidence-ledger/2')
  const oldRows = await kindIdRows(before)
  await before.close()
  t.equal(oldRows.length, WRITTEN.size, 'one kind+id row per entry')

  const store = new LevelStore(dir)
  await store.open()
  t.equal(await formatOf(store.db), STORAGE_FORMAT)
  t.equal(STORAGE_FORMAT, 'evidence-ledger/4')
  const rows = await kindIdRows(store.db)
  t.equal(rows.length, oldRows.length, 'every row rewritten, none left behind')
  t.ok(rows.every((r) => r.endsWith('00' + Buffer.from('zhr-platform').toString('hex'))), 'each row ends in 0x00 ‖ its owner')
  const ev3 = await store.ownersOfKindId('evidence', 'EV-3')
  t.same(ev3.map((o) => o.owner), ['zhr-platform'])
  t.same(await store.byKindId('evidence', 'EV-3', 'zhr-platform').then((r) => r?.index), ev3[0].index)
  t.equal(await store.byKindId('evidence', 'EV-3', 'ops-admin'), undefined, 'exact: another owner has none')
  // The redaction of EV-2 was submitted by ops-admin; it is owned by EV-2's submitter.
  const redaction = await store.ownersOfKindId('redaction', 'evidence:EV-2')
  t.same(redaction.map((o) => o.owner), ['zhr-platform'], 'a legacy redaction row follows its ref to the erased record\'s owner')
  const statement = parseStatement((await store.entry(redaction[0].index))!.statement)
  t.equal(statement.submitter, 'ops-admin')
  const erased = await store.byKindId('evidence', 'EV-2', 'zhr-platform')
  t.same([...erased!.fingerprint], Array(32).fill(0), 'the erased fingerprint stays erased')
  await store.close()

  // Opening again finds format 3: nothing to do, same rows.
  const again = new LevelStore(dir)
  await again.open()
  t.same(await kindIdRows(again.db), rows)
  await again.close()
})

t.test('a migration that fails part way leaves the format-2 store as it was', async (t) => {
  const dir = copyOfFixture(t)
  const db = rawDb(dir)
  await db.open()
  const oldRows = await kindIdRows(db)
  // Entry 20's row gone: the migration cannot find the owner of its kind+id row.
  await db.del(Uint8Array.of(0x65, 0, 0, 0, 0, 0, 0, 0, 20))
  await db.close()
  await t.rejects(openLevelStorage(dir), /entry 20/)
  const after = rawDb(dir)
  await after.open()
  t.equal(await formatOf(after), 'evidence-ledger/2', 'still format 2')
  t.same(await kindIdRows(after), oldRows, 'no row was rewritten')
  await after.close()
})
