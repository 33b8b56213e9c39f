import t, { type Test } from 'tap'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { auditLog } from '../../chain/audit.ts'
import { Log } from '../../chain/log.ts'
import { openLevelStorage } from '../../chain/storage.ts'
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
