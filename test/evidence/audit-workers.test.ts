// The audit with checkpoint signatures checked on worker threads (chain/ed25519-workers.ts)
// must give the very report the audit without them gives: same verdict, same first bad
// block, same message. The log here is small, so the workers are asked for explicitly.
import t, { type Test } from 'tap'
import { Level } from 'level'
import { auditLog, type AuditOptions, type AuditReport } from '../../chain/audit.ts'
import { generateSigner } from '../../chain/checkpoint.ts'
import { openLevelStorage } from '../../chain/storage.ts'
import { keys } from '../../chain/store.ts'
import { openLog, request, tempDir, testSigner, ORIGIN } from '../helpers/fixtures.ts'

// 100 blocks of 1 to 4 entries: four signature batches of 32 checkpoints, the last one short.
const SIZES = Array.from({ length: 100 }, (_, b) => 1 + (b % 4))
const firstOf = (block: number) => SIZES.slice(0, block).reduce((a, b) => a + b, 0)
const TOTAL = firstOf(SIZES.length)

async function buildLog(dir: string): Promise<void> {
  const log = await openLog(dir)
  for (let b = 0; b < SIZES.length; b++) await log.append(Array.from({ length: SIZES[b] }, (_, i) => request(firstOf(b) + i)))
  await log.close()
}

async function flipByte(dir: string, key: Uint8Array, at: (len: number) => number): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  const copy = new Uint8Array((await db.get(key))!)
  copy[at(copy.length)] ^= 0x01
  await db.put(key, copy)
  await db.close()
}

const flipSignature = (dir: string, height: number) => flipByte(dir, keys.checkpoint(height), (len) => len - 20)
const flipStatement = (dir: string, index: number) => flipByte(dir, keys.entry(index), (len) => len - 5)

/** The report with one worker, checked equal to the report without workers. */
async function audit(t: Test, dir: string, opts: Partial<AuditOptions> = {}): Promise<AuditReport> {
  const storage = await openLevelStorage(dir)
  try {
    const base = { vkeys: [testSigner().vkey], origin: ORIGIN, ...opts }
    const withWorker = await auditLog(storage, { ...base, signatureWorkers: 1 })
    const without = await auditLog(storage, { ...base, signatureWorkers: 0 })
    t.same(withWorker, without, 'the same report with and without a worker')
    return withWorker
  } finally {
    await storage.close()
  }
}

t.test('a clean log audits clean with its signatures checked on a worker', async (t) => {
  const dir = tempDir(t)
  await buildLog(dir)
  const r = await audit(t, dir)
  t.match(r, { ok: true, entries: TOTAL, blocks: 100, size: TOTAL })
  t.notOk(r.error)
})

t.test('a tampered signature in block k is reported at block k, with its message', async (t) => {
  // 70: inside the third batch; 32: the first of the second; 99: the last, in the short final batch.
  for (const k of [70, 32, 99, 0]) {
    const dir = tempDir(t)
    await buildLog(dir)
    await flipSignature(dir, k)
    const r = await audit(t, dir)
    t.match(r, {
      ok: false,
      position: { what: 'checkpoint', index: k },
      error: `checkpoint of block ${k}: signature does not verify with any given key`,
      blocks: k,
      entries: firstOf(k + 1),
    }, `block ${k}`)
  }
})

t.test('of two bad signatures in neighbouring batches, the earlier block is reported', async (t) => {
  const dir = tempDir(t)
  await buildLog(dir)
  await flipSignature(dir, 31)
  await flipSignature(dir, 32)
  t.match(await audit(t, dir), { ok: false, position: { what: 'checkpoint', index: 31 } })
})

t.test('a tampered entry is reported at that entry', async (t) => {
  const dir = tempDir(t)
  await buildLog(dir)
  const index = firstOf(40) + 1
  await flipStatement(dir, index)
  const r = await audit(t, dir)
  t.match(r, { ok: false, position: { what: 'entry', index }, error: new RegExp(`^entry ${index}: its statement hashes to [0-9a-f]{64}, the stored leaf hash is`) })
})

t.test('the first damage in log order wins, whichever is found first', async (t) => {
  // A bad signature in block 33 is only known once its batch is answered; the statement
  // flipped in block 90 is seen at once, by then.
  const sigFirst = tempDir(t)
  await buildLog(sigFirst)
  await flipSignature(sigFirst, 33)
  await flipStatement(sigFirst, firstOf(90))
  t.match(await audit(t, sigFirst), { ok: false, position: { what: 'checkpoint', index: 33 }, blocks: 33, entries: firstOf(34) })

  const entryFirst = tempDir(t)
  await buildLog(entryFirst)
  await flipStatement(entryFirst, firstOf(5))
  await flipSignature(entryFirst, 6)
  t.match(await audit(t, entryFirst), { ok: false, position: { what: 'entry', index: firstOf(5) } })
})

t.test('keys and origin: any given key may have signed, a wrong origin is named', async (t) => {
  const dir = tempDir(t)
  await buildLog(dir)
  const stranger = generateSigner(ORIGIN).vkey
  t.match(await audit(t, dir, { vkeys: [stranger, testSigner().vkey] }), { ok: true, blocks: 100 }, 'a retired key listed first does not matter')
  t.match(await audit(t, dir, { vkeys: [stranger] }), { ok: false, position: { what: 'checkpoint', index: 0 }, error: 'checkpoint of block 0: signature does not verify with any given key' })
  t.match(await audit(t, dir, { origin: 'other.example/ledger' }), {
    ok: false, position: { what: 'checkpoint', index: 0 }, error: `checkpoint of block 0: origin ${ORIGIN}, expected other.example/ledger`,
  })
})
