import t from 'tap'
import { Level } from 'level'
import { auditLog } from '../../chain/audit.ts'
import { openLevelStorage } from '../../chain/storage.ts'
import { entryNodeOffset, keys } from '../../chain/store.ts'
import { openLog, request, tempDir, testSigner, ORIGIN } from '../helpers/fixtures.ts'

async function buildLog(dir: string, blockSizes = Array.from({ length: 20 }, (_, b) => 1 + (b % 7))): Promise<void> {
  const log = await openLog(dir)
  let next = 0
  for (const n of blockSizes) {
    await log.append(Array.from({ length: n }, (_, i) => request(next + i)))
    next += n
  }
  await log.close()
}

async function deleteRow(dir: string, key: Uint8Array): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  await db.del(key)
  await db.close()
}

async function flipByte(dir: string, key: Uint8Array, at: (len: number) => number): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  const v = (await db.get(key))!
  const copy = new Uint8Array(v)
  copy[at(copy.length)] ^= 0x01
  await db.put(key, copy)
  await db.close()
}

async function audit(dir: string) {
  const log = await openLog(dir).catch(() => null)
  await log?.close()
  const storage = await openLevelStorage(dir)
  try {
    return await auditLog(storage, { vkeys: [testSigner().vkey], origin: ORIGIN })
  } finally {
    await storage.close()
  }
}

t.test('a clean log audits clean', async (t) => {
  const dir = tempDir(t)
  await buildLog(dir)
  const r = await audit(dir)
  t.ok(r.ok, r.error ?? 'clean')
  t.equal(r.entries, 77)
  t.equal(r.blocks, 20)
})

t.test('audit finds one flipped byte and names its position', async (t) => {
  const cases: [string, Uint8Array, (len: number) => number, { what: string; index: number }][] = [
    ['a stored entry (statement byte)', keys.entry(37), (len) => len - 5, { what: 'entry', index: 37 }],
    ['a stored node (level 2 in entry 43)', keys.entry(43), () => entryNodeOffset(2) + 3, { what: 'node', index: 43 }],
    ['a leaf hash stored with its entry', keys.entry(12), () => entryNodeOffset(0) + 7, { what: 'entry', index: 12 }],
    ['a block header', keys.block(9), (len) => len - 10, { what: 'block', index: 9 }],
    ['a checkpoint signature', keys.checkpoint(14), (len) => len - 20, { what: 'checkpoint', index: 14 }],
  ]
  for (const [what, key, at, position] of cases) {
    const dir = tempDir(t)
    await buildLog(dir)
    await flipByte(dir, key, at)
    const r = await audit(dir)
    t.notOk(r.ok, `${what} is found`)
    t.match(r.position, position, `${what}: reported at ${r.position?.what} ${r.position?.index}: ${r.error}`)
  }
})

t.test('audit with the wrong key fails at the first checkpoint', async (t) => {
  const dir = tempDir(t)
  await buildLog(dir)
  const { generateSigner } = await import('../../chain/checkpoint.ts')
  const storage = await openLevelStorage(dir)
  const r = await auditLog(storage, { vkeys: [generateSigner(ORIGIN).vkey] })
  await storage.close()
  t.notOk(r.ok)
  t.same(r.position, { what: 'checkpoint', index: 0 })
})

t.test('a log larger than one read chunk: audits clean, and damage past the first chunk is found where it is', async (t) => {
  // ~330 bytes an entry row: 4,000 entries span several 256 KiB scan chunks, so chunk
  // boundaries (and the read-ahead across them) are crossed.
  const build = (dir: string) => buildLog(dir, Array.from({ length: 8 }, () => 500))
  const clean = tempDir(t)
  await build(clean)
  t.match(await audit(clean), { ok: true, entries: 4000, blocks: 8 }, 'clean')

  const flipped = tempDir(t)
  await build(flipped)
  await flipByte(flipped, keys.entry(3217), (len) => len - 3)
  t.match((await audit(flipped)).position, { what: 'entry', index: 3217 }, 'a flipped statement byte in entry 3217')

  const missing = tempDir(t)
  await build(missing)
  await deleteRow(missing, keys.entry(2900))
  const m = await audit(missing)
  t.notOk(m.ok)
  t.match(m, { position: { what: 'entry', index: 2900 }, error: /entry 2900: missing/ }, 'a deleted entry row')

  // Checkpoints are scanned in step with the blocks: a gap must not shift them.
  const noCheckpoint = tempDir(t)
  await build(noCheckpoint)
  await deleteRow(noCheckpoint, keys.checkpoint(5))
  t.match(await audit(noCheckpoint), { ok: false, position: { what: 'checkpoint', index: 5 }, error: /checkpoint of block 5: missing/ }, 'a deleted checkpoint row')
})

t.test('signatures checked off-thread still report the first damage in log order', async (t) => {
  // A bad signature in block 2 is only known after the pass has read further; a flipped
  // statement in block 6 is found at once. Block 2 is the first damage, so it is reported.
  const both = tempDir(t)
  await buildLog(both)
  await flipByte(both, keys.checkpoint(2), (len) => len - 20)
  await flipByte(both, keys.entry(25), (len) => len - 5)
  const r = await audit(both)
  t.match(r, { ok: false, position: { what: 'checkpoint', index: 2 }, blocks: 2 }, `reported: ${r.error}`)
  t.equal(r.entries, 1 + 2 + 3, 'counted up to the failing block, as it stood then')

  // The other way round: the earlier structural damage wins over a later bad signature.
  const reversed = tempDir(t)
  await buildLog(reversed)
  await flipByte(reversed, keys.entry(3), (len) => len - 5)
  await flipByte(reversed, keys.checkpoint(9), (len) => len - 20)
  t.match(await audit(reversed), { ok: false, position: { what: 'entry', index: 3 } })
})
