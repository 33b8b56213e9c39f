import t from 'tap'
import { bytesToHex, toBase64, utf8ToBytes } from '../../chain/encoding.ts'
import { exportLines } from '../../chain/export.ts'
import { restoreLines } from '../../chain/restore.ts'
import { storageOf } from '../../chain/storage.ts'
import { LevelStore } from '../../chain/store.ts'
import { openLog, request, tempDir, testSigner, ORIGIN } from '../helpers/fixtures.ts'

t.test('export reads fingerprints and payloads in batches and writes what per-entry reads would', async (t) => {
  const dir = tempDir(t)
  const log = await openLog(dir)
  const withPayload = (i: number) => ({ ...request(i), fingerprint: utf8ToBytes(`fp-${i}`), payload: i % 3 === 0 ? undefined : utf8ToBytes(`{"record":${i},"salt":"s${i}"}`) })
  // Block sizes around the export's read slice of 1000: one entry, an exact slice, and
  // slices plus a remainder.
  const sizes = [1, 1000, 2345, 7, ...Array.from({ length: 40 }, () => 30)]
  let first = 0
  for (const n of sizes) {
    await log.append(Array.from({ length: n }, (_, k) => withPayload(first + k)))
    first += n
  }
  await log.append([{ ...request(9000), erase: { index: 1500, kind: 'evidence', id: 'E-1500', owner: 'test-platform' } }])
  const total = first + 1
  await log.close()

  const store = new LevelStore(dir)
  await store.open()
  t.teardown(() => store.close())
  const progress: [number, number][] = []
  const lines: string[] = []
  for await (const l of exportLines(storageOf(store, dir), ORIGIN, { onProgress: (d, total) => progress.push([d, total]) })) lines.push(l)
  const blocks = lines.slice(1).map((l) => JSON.parse(l) as { height: number; checkpoint: string; entries: { index: number; statement: string; fingerprint: string; payload?: string }[] })
  t.same(blocks.map((b) => b.entries.length), [...sizes, 1], 'every block, whole and in order')
  t.same(blocks.map((b) => b.height), sizes.map((_, h) => h).concat(sizes.length))
  t.ok(blocks.every((b) => b.checkpoint.includes(`\n${b.entries.at(-1)!.index + 1}\n`)), 'each block carries its own checkpoint')
  const ends = new Set(blocks.map((b) => b.entries.at(-1)!.index + 1))
  t.ok(progress.length >= 4 && progress.every(([d, n], i) => n === total && ends.has(d) && (i === 0 || d > progress[i - 1][0])), `progress at block ends, rising: ${JSON.stringify(progress.map(([d]) => d))}`)
  t.same(progress.at(-1), [total, total], 'and ends at the size')

  // The reference: one point read per fingerprint and payload, as export did before.
  const wrong: number[] = []
  let checked = 0
  for (const b of blocks) {
    for (const e of b.entries) {
      const s = JSON.parse(e.statement) as { kind: string; id: string; submitter: string }
      const row = await store.byKindId(s.kind, s.id, s.submitter)
      const payload = await store.payload(e.index)
      if (e.fingerprint !== (row ? bytesToHex(row.fingerprint) : '') || e.payload !== (payload ? toBase64(payload) : undefined)) wrong.push(e.index)
      checked++
    }
  }
  t.equal(checked, total)
  t.same(wrong, [], 'every fingerprint and payload equals its point read')
  const byIndex = new Map(blocks.flatMap((b) => b.entries).map((e) => [e.index, e]))
  t.equal(byIndex.get(2)!.payload, toBase64(utf8ToBytes('{"record":2,"salt":"s2"}')), 'a payload, in the right entry')
  t.equal(byIndex.get(2)!.fingerprint, bytesToHex(utf8ToBytes('fp-2')))
  t.equal(byIndex.get(3)!.payload, undefined, 'hash-only entry: no payload')
  t.equal(byIndex.get(1500)!.payload, undefined, 'erased payload is not exported')
  t.equal(byIndex.get(1500)!.fingerprint, '00'.repeat(32), 'nor its content fingerprint')
})

t.test('restore writes groups of blocks without an fsync and syncs once, after the last group', async (t) => {
  const dir = tempDir(t)
  const log = await openLog(dir)
  // 1,300 entries in blocks of 3 (groups close at 1,000 entries), and entries that ref an
  // entry of the block before, which the restore has not written yet when it meets them.
  let refTarget: { index: number; leafHash: string } | undefined
  for (let b = 0; b < 434; b++) {
    const requests = Array.from({ length: b === 433 ? 1 : 3 }, (_, k) => request(b * 3 + k))
    if (refTarget) requests[0] = { ...requests[0], refs: [refTarget] }
    const outcomes = await log.append(requests)
    const last = outcomes.at(-1)!
    refTarget = last.status === 'created' ? { index: last.index, leafHash: last.receipt.entry.leafHash } : undefined
  }
  await log.close()
  const src = new LevelStore(dir)
  await src.open()
  const lines: string[] = []
  for await (const l of exportLines(storageOf(src, dir), ORIGIN)) lines.push(l)
  const referrersAt = await Promise.all([2, 998, 1298].map((i) => src.referrers(i)))
  await src.close()

  const calls: string[] = []
  class Recording extends LevelStore {
    override async writeBlocks(...args: Parameters<LevelStore['writeBlocks']>): Promise<void> {
      const [blocks, opts] = args
      calls.push(`blocks ${blocks[0].height}-${blocks.at(-1)!.height} sync=${opts?.sync ?? true}`)
      return super.writeBlocks(...args)
    }
    override async sync(): Promise<void> {
      calls.push('sync')
      return super.sync()
    }
  }
  const target = new Recording(tempDir(t))
  await target.open()
  t.teardown(() => target.close())
  const r = await restoreLines((async function* () { yield* lines })(), storageOf(target, 'target'), { vkeys: [testSigner().vkey] })
  t.equal(r.size, 1300)
  t.same(calls, ['blocks 0-333 sync=false', 'blocks 334-433 sync=false', 'sync'])
  t.equal((await target.head())?.size, 1300)
  t.same(await Promise.all([2, 998, 1298].map((i) => target.referrers(i))), referrersAt, 'refs restored, also across a group not yet written')
  t.same(referrersAt, [[3], [999], [1299]])
})

t.test('restore names the first bad block although signatures are checked off-thread', async (t) => {
  const dir = tempDir(t)
  const log = await openLog(dir)
  for (let b = 0; b < 8; b++) await log.append(Array.from({ length: 2 }, (_, k) => request(b * 2 + k)))
  await log.close()
  const src = new LevelStore(dir)
  await src.open()
  const lines: string[] = []
  for await (const l of exportLines(storageOf(src, dir), ORIGIN)) lines.push(l)
  await src.close()
  type Line = { checkpoint: string; entries: { statement: string }[] }
  const tamper = (n: number, f: (b: Line) => void) => {
    const b = JSON.parse(lines[n + 1]) as Line
    f(b)
    return JSON.stringify(b)
  }
  const badSignature = (b: Line) => { b.checkpoint = b.checkpoint.replace(/([A-Za-z0-9+/]{10})(={0,2}\n)$/, (_, x: string, end: string) => x.split('').reverse().join('') + end) }
  const badStatement = (b: Line) => { b.entries[0].statement = b.entries[0].statement.replace('test-platform', 'test-platforn') }
  const restore = async (l: string[]) => {
    const target = new LevelStore(tempDir(t))
    await target.open()
    try {
      return await restoreLines((async function* () { yield* l })(), storageOf(target, 'target'), { vkeys: [testSigner().vkey] }).then(() => 'restored', (e: Error) => e.message)
    } finally {
      await target.close()
    }
  }
  const signatureThenStatement = lines.slice()
  signatureThenStatement[3] = tamper(2, badSignature)
  signatureThenStatement[6] = tamper(5, badStatement)
  t.equal(await restore(signatureThenStatement), 'block 2: checkpoint signature does not verify with the trusted keys')
  const statementThenSignature = lines.slice()
  statementThenSignature[3] = tamper(2, badStatement)
  statementThenSignature[6] = tamper(5, badSignature)
  t.match(await restore(statementThenSignature), /^block 2: statements give root/)
  const onlySignature = lines.slice()
  onlySignature[7] = tamper(6, badSignature)
  t.equal(await restore(onlySignature), 'block 6: checkpoint signature does not verify with the trusted keys')
})

t.test('an export or audit that stops early closes every scan it opened', async (t) => {
  const dir = tempDir(t)
  const log = await openLog(dir)
  for (let b = 0; b < 6; b++) await log.append(Array.from({ length: 400 }, (_, k) => request(b * 400 + k)))
  await log.close()
  const open = new Set<string>()
  const tracked = <T>(name: string, scan: AsyncIterable<T>): AsyncIterable<T> => (async function* () {
    open.add(name)
    try {
      yield* scan
    } finally {
      open.delete(name)
    }
  })()
  class Tracking extends LevelStore {
    override scanEntries(from?: number) { return tracked('entries', super.scanEntries(from)) }
    override scanEntryChunks() { return tracked('entry chunks', super.scanEntryChunks()) }
    override scanBlocks(from?: number) { return tracked('blocks', super.scanBlocks(from)) }
    override scanCheckpoints(from?: number) { return tracked('checkpoints', super.scanCheckpoints(from)) }
  }
  const store = new Tracking(dir)
  await store.open()
  t.teardown(() => store.close())

  // A client that goes away after the first block line.
  const lines = exportLines(storageOf(store, dir), ORIGIN)
  await lines.next()
  await lines.next()
  t.same([...open].sort(), ['blocks', 'checkpoints', 'entries'], 'export midway holds its scans')
  await lines.return(undefined)
  t.same([...open], [], 'and closes all of them when abandoned')

  // An audit with the wrong key fails at block 0, with scans still at their start.
  const { auditLog } = await import('../../chain/audit.ts')
  const { generateSigner } = await import('../../chain/checkpoint.ts')
  const r = await auditLog(storageOf(store, dir), { vkeys: [generateSigner(ORIGIN).vkey] })
  t.equal(r.ok, false)
  t.same([...open], [], 'a failed audit closes its scans too')
})
