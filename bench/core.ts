// Core bench: the log's group commit against raw LevelDB (the ceiling) and hypercore (the
// peer), plus proofs and reopen at a large size. Run: node --import tsx bench/core.ts
import { Level } from 'level'
import Hypercore from 'hypercore'
import { canonicalBytes, statementBytes } from '../chain/statement.ts'
import { hexToBytes } from '../chain/encoding.ts'
import { leafHash } from '../chain/hash.ts'
import { verifyConsistency, verifyInclusion } from '../chain/verify.ts'
import { Log } from '../chain/log.ts'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { openLevelStorage, type LevelTuning } from '../chain/storage.ts'
import { benchRequest, bigLog, fmt, openBenchLog, ORIGIN, ratio, signer, tempDir } from './fixture.ts'

const AWAITED_TOTAL = 3000
const BATCH = 1000
const BATCHES = 20

async function awaited(callers: number, append: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < AWAITED_TOTAL) await append(next++)
  }))
  return AWAITED_TOTAL / ((performance.now() - started) / 1000)
}

async function ledgerAwaited(callers: number): Promise<number> {
  const t = tempDir('el-bench-')
  const log = await openBenchLog(t.dir)
  const rate = await awaited(callers, (i) => log.append([benchRequest(i)]))
  await log.close()
  t.remove()
  return rate
}

async function ledgerBatch(): Promise<{ rate: number }> {
  const t = tempDir('el-bench-')
  const log = await openBenchLog(t.dir)
  const groups = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, i) => benchRequest(b * BATCH + i)))
  const started = performance.now()
  for (const g of groups) await log.append(g)
  const rate = (BATCHES * BATCH) / ((performance.now() - started) / 1000)
  await log.close()
  t.remove()
  return { rate }
}

/** What one of our blocks writes, as raw puts: entry, node row, three index rows, payload. */
function rawOps(i: number): { key: Uint8Array; value: Uint8Array }[] {
  const r = benchRequest(i)
  const statement = statementBytes({ v: 1, kind: r.kind, id: r.id, subject: r.subject, commitment: r.commitment, submitter: r.submitter, time: new Date().toISOString(), refs: [] })
  const leaf = leafHash(statement)
  const k = (p: string, x: string | number) => Buffer.from(`${p}${String(x).padStart(16, '0')}`)
  return [
    { key: k('e', i), value: Buffer.concat([Buffer.alloc(8), statement]) },
    { key: k('n', i), value: Buffer.alloc(64, 1) },
    { key: k('k', r.id), value: Buffer.alloc(40) },
    { key: k('s', `${r.subject}${i}`), value: Buffer.alloc(0) },
    { key: Buffer.concat([Buffer.from('h'), leaf]), value: Buffer.alloc(8) },
    { key: k('p', i), value: r.payload! },
  ]
}

/** Raw LevelDB writing our rows (rawOps) awaited per caller, or in synced batches of 1000: the ceiling. */
export async function rawLevel(callers: number | 'batch'): Promise<number> {
  const t = tempDir('el-bench-raw-')
  const db = new Level<Uint8Array, Uint8Array>(t.dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  let rate: number
  if (callers === 'batch') {
    const blocks = Array.from({ length: BATCHES }, (_, b) => Array.from({ length: BATCH }, (_, i) => rawOps(b * BATCH + i)).flat())
    const started = performance.now()
    for (const ops of blocks) {
      const batch = db.batch()
      for (const o of ops) batch.put(o.key, o.value)
      await batch.write({ sync: true })
    }
    rate = (BATCHES * BATCH) / ((performance.now() - started) / 1000)
  } else {
    rate = await awaited(callers, async (i) => {
      const batch = db.batch()
      for (const o of rawOps(i)) batch.put(o.key, o.value)
      await batch.write({ sync: true })
    })
  }
  await db.close()
  t.remove()
  return rate
}

async function hypercore(callers: number | 'batch'): Promise<number> {
  const t = tempDir('el-bench-hc-')
  const core = new Hypercore(t.dir)
  await core.ready()
  const value = (i: number) => Buffer.from(canonicalBytes({ i, r: benchRequest(i).commitment, pad: 'x'.repeat(300) }))
  let rate: number
  if (callers === 'batch') {
    const started = performance.now()
    for (let b = 0; b < BATCHES; b++) await core.append(Array.from({ length: BATCH }, (_, i) => value(b * BATCH + i)))
    rate = (BATCHES * BATCH) / ((performance.now() - started) / 1000)
  } else {
    rate = await awaited(callers, (i) => core.append(value(i)))
  }
  await core.close()
  t.remove()
  return rate
}

export interface ProofTimes {
  size: number
  inclusionColdMs: number
  inclusionMs: number
  inclusionLatestMs: number
  consistencyMs: number
  reopenMs: number
}

/** Reopen time, then the mean time of random proofs, on the log in `dir` (also bench/huge.ts). */
export async function proofsAndReopen(dir: string, tuning?: LevelTuning): Promise<ProofTimes> {
  const storage = await openLevelStorage(dir, tuning)
  const started = performance.now()
  const log = await Log.open({ storage, origin: ORIGIN, signer: signer() })
  const reopenMs = performance.now() - started
  const n = log.size
  const N = 2000
  const rnd = (k: number) => Math.floor(Math.random() * k)
  // Historic sizes: random size, random index below it (mostly uncached nodes). Twice: the
  // first pass of a freshly opened store also opens LevelDB's table files and fills the
  // pinned upper tree levels, the second is what a running server answers with.
  const historic = async () => {
    const t = performance.now()
    for (let i = 0; i < N; i++) {
      const size = 1 + rnd(n)
      await log.inclusionProof(rnd(size), size)
    }
    return (performance.now() - t) / N
  }
  const inclusionColdMs = await historic()
  const inclusionMs = await historic()
  let t0 = performance.now()
  for (let i = 0; i < N; i++) await log.inclusionProof(rnd(n), n)
  const inclusionLatestMs = (performance.now() - t0) / N
  t0 = performance.now()
  for (let i = 0; i < N; i++) {
    const to = 1 + rnd(n)
    await log.consistencyProof(1 + rnd(to), to)
  }
  const consistencyMs = (performance.now() - t0) / N
  // Sanity: what we timed is correct.
  const idx = rnd(n)
  const leaf = hexToBytes((await log.leafHash(idx))!)
  if (!verifyInclusion(leaf, idx, n, await log.inclusionProof(idx, n), log.root())) throw new Error('bench proof does not verify')
  const m = 1 + rnd(n)
  if (!verifyConsistency(m, n, await log.consistencyProof(m, n), await log.rootAt(m), log.root())) throw new Error('bench consistency proof does not verify')
  await log.close()
  return { size: n, inclusionColdMs, inclusionMs, inclusionLatestMs, consistencyMs, reopenMs }
}

export function printProofTimes(p: ProofTimes): void {
  console.log(`  inclusion proof, random historic size, just opened: ${p.inclusionColdMs.toFixed(3)} ms`)
  console.log(`  inclusion proof, random historic size: ${p.inclusionMs.toFixed(3)} ms  (target ≤ 1 ms: ${p.inclusionMs <= 1 ? 'met' : 'NOT met'})`)
  console.log(`  inclusion proof, latest size:          ${p.inclusionLatestMs.toFixed(3)} ms`)
  console.log(`  consistency proof, random sizes:       ${p.consistencyMs.toFixed(3)} ms  (target ≤ 1 ms: ${p.consistencyMs <= 1 ? 'met' : 'NOT met'})`)
  console.log(`  reopen (Log.open, verifies last block): ${p.reopenMs.toFixed(1)} ms  (target ≤ 1000 ms: ${p.reopenMs <= 1000 ? 'met' : 'NOT met'})`)
}

export async function runCoreBench(): Promise<void> {
  console.log('\n== core: group commit, proofs, reopen ==')
  const rows: string[][] = [['scenario', 'evidence-ledger', 'raw LevelDB (ceiling)', 'vs ceiling', 'hypercore@11.37.1 (peer)', 'vs peer', 'target']]
  for (const callers of [1, 10, 100]) {
    const ours = await ledgerAwaited(callers)
    const raw = await rawLevel(callers)
    const hc = await hypercore(callers)
    rows.push([`awaited append, ${callers} caller(s) [entries/s]`, fmt(ours), fmt(raw), ratio(ours, raw), fmt(hc), ratio(ours, hc), callers === 100 ? '≥ 5× peer' : ''])
  }
  const batch = await ledgerBatch()
  const rawBatch = await rawLevel('batch')
  const hcBatch = await hypercore('batch')
  rows.push([`batch append of ${BATCH} [entries/s]`, fmt(batch.rate), fmt(rawBatch), ratio(batch.rate, rawBatch), fmt(hcBatch), ratio(batch.rate, hcBatch), '≥ 1.0× peer'])
  printTable(rows)
  const big = await bigLog()
  const p = await proofsAndReopen(big.dir)
  console.log(`\nat ${fmt(p.size)} entries (built in ${big.buildSeconds.toFixed(0)} s):`)
  printProofTimes(p)
}

export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  useNodeCrypto()
  await runCoreBench()
}
