import t from 'tap'
import { Level } from 'level'
import { auditLog } from '../../chain/audit.ts'
import { entryNodeOffset, keys } from '../../chain/store.ts'
import { openLog, request, tempDir, testSigner, ORIGIN } from '../helpers/fixtures.ts'

async function buildLog(dir: string): Promise<void> {
  const log = await openLog(dir)
  for (let b = 0; b < 20; b++) await log.append(Array.from({ length: 1 + (b % 7) }, (_, i) => request(b * 10 + i)))
  await log.close()
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
  const { LevelStore } = await import('../../chain/store.ts')
  const store = new LevelStore(dir)
  await store.open()
  try {
    return await auditLog(store, { vkeys: [testSigner().vkey], origin: ORIGIN })
  } finally {
    await store.close()
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
  const { LevelStore } = await import('../../chain/store.ts')
  const { generateSigner } = await import('../../chain/checkpoint.ts')
  const store = new LevelStore(dir)
  await store.open()
  const r = await auditLog(store, { vkeys: [generateSigner(ORIGIN).vkey] })
  await store.close()
  t.notOk(r.ok)
  t.same(r.position, { what: 'checkpoint', index: 0 })
})
