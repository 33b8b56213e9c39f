// BENCH_HUGE=<entries> (issue 18: 10,000,000): the log at a size where nothing fits in a
// cache. Built once under BENCH_HUGE_DIR (default <tmpdir>/el-bench-huge, a data directory:
// ledger/ and keys/) and reused; a smaller log found there is extended, so an interrupted
// build resumes. Prints reopen and proof times, one audit pass, and the RSS of a serving
// process after BENCH_HUGE_SECONDS (default 60) of mixed load. Not a test.
// Run: BENCH_HUGE=10000000 node --import tsx bench/run.ts huge
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { auditLog } from '../chain/audit.ts'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { openLevelStorage } from '../chain/storage.ts'
import { loadConfig, storePath } from '../src/config.ts'
import { keysDir } from '../src/keys.ts'
import { printProofTimes, proofsAndReopen } from './core.ts'
import { benchRequest, fmt, leveldbEnv, openBenchLog, ORIGIN, runLoad, signer, TS_RUNNER, type LoadSpec } from './fixture.ts'
import type { ServerMemory } from './huge-serve.ts'
import { pidCpuUs } from './proc-cpu.ts'
import { procMemory, type ProcMemory } from './proc-memory.ts'

const SERVE = new URL('./huge-serve.ts', import.meta.url).pathname
const GROUP = 20_000

/** Creates or extends the log to `size` entries; the data directory's key is the bench key. */
async function ensureHugeLog(dataDir: string, size: number): Promise<void> {
  mkdirSync(keysDir(dataDir), { recursive: true, mode: 0o700 })
  chmodSync(keysDir(dataDir), 0o700)
  writeFileSync(join(keysDir(dataDir), 'checkpoint.skey'), signer().skey + '\n', { mode: 0o600 })
  const log = await openBenchLog(storePath(dataDir))
  const from = log.size
  if (from >= size) {
    console.log(`  reusing the ${fmt(from)}-entry log in ${dataDir}`)
    await log.close()
    return
  }
  console.log(`  building ${fmt(size)} entries in ${dataDir} (from ${fmt(from)}; stop any time, the next run resumes)`)
  const started = performance.now()
  let lastPrint = started
  for (let i = from; i < size; i += GROUP) {
    await log.append(Array.from({ length: Math.min(GROUP, size - i) }, (_, k) => benchRequest(i + k, false)))
    if (performance.now() - lastPrint > 30_000) {
      lastPrint = performance.now()
      const done = i + GROUP - from
      console.log(`    ${fmt(i + GROUP)} entries, ${fmt(done / ((lastPrint - started) / 1000))} entries/s`)
    }
  }
  console.log(`  built in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  await log.close()
}

interface Served {
  port: number
  token: string
  pid: number
}

/** Asks the serving process what it holds inside (bench/huge-serve.ts). */
function serverMemory(child: ChildProcess): Promise<ServerMemory> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as ServerMemory))
    child.send('memory')
  })
}

function printMemory(when: string, p: ProcMemory, s: ServerMemory): void {
  const mb = (kb: number) => fmt(kb / 1024)
  const MB = (bytes: number) => (bytes / 1048576).toFixed(1)
  console.log(`  serving process ${when}: RSS ${mb(p.rss)} MB (anonymous ${mb(p.anon)}, file-backed ${mb(p.file)}, of which LevelDB tables ${mb(p.tables.rss)} in ${p.tables.mapped} mapped files), peak ${mb(p.peak)} MB`)
  console.log(`    anonymous by mapping: V8 heap pages ${mb(p.anonBy.v8Pages)}, malloc arenas ${mb(p.anonBy.malloc)}, other ${mb(p.anonBy.other)} MB`)
  console.log(`    inside: V8 heap ${MB(s.usage.heapUsed)} used of ${MB(s.usage.heapTotal)} MB (new space ${MB(s.newSpace)}), external ${MB(s.usage.external)} (array buffers ${MB(s.usage.arrayBuffers)}); tree-node cache ${MB(s.log.treeNodeBytes)} MB, ${s.log.cachedBlocks} block headers; LevelDB memtables + block cache ${s.log.storeBytes === undefined ? '?' : MB(s.log.storeBytes)} MB`)
}

const servingNodeOptions = () => process.env.BENCH_HUGE_NODE_OPTIONS ?? '--max-semi-space-size=16'

async function servedLoad(dataDir: string, size: number): Promise<void> {
  const seconds = Number(process.env.BENCH_HUGE_SECONDS ?? 60)
  // BENCH_HUGE_NODE_OPTIONS: NODE_OPTIONS for the serving process alone (V8 heap flags,
  // docs/operations.md); by default the young-generation cap `npm start` serves with.
  const env = { ...process.env, NODE_OPTIONS: servingNodeOptions() }
  const child = spawn(process.execPath, [TS_RUNNER, SERVE, dataDir], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env })
  try {
    const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()
    const served = JSON.parse(String(first.value)) as Served
    const atStart = procMemory(child.pid!)
    const insideAtStart = await serverMemory(child)
    const record = JSON.stringify({ kind: 'evidence', record: { evidenceId: 'EV-HUGE-[<id>]', subject: '91350100M000100Y43', title: '贷款合同', documents: [{ name: 'c.pdf', sha256: 'ab'.repeat(32), size: 1 }] } })
    const spec: LoadSpec = {
      url: `http://127.0.0.1:${served.port}`, connections: 20, seconds, below: size,
      headers: { authorization: `Bearer ${served.token}` },
      requests: [
        { method: 'POST', path: '/v1/records', body: record },
        { method: 'GET', path: '/v1/proofs/inclusion?index=[<rnd>]' },
        { method: 'GET', path: '/v1/proofs/consistency?from=[<rnd>]' },
        { method: 'GET', path: '/v1/entries/[<rnd>]' },
      ],
    }
    const cpuBefore = pidCpuUs(child.pid!)
    const l = await runLoad(spec)
    const cpuUsPerRequest = (pidCpuUs(child.pid!) - cpuBefore) / l.total
    const after = procMemory(child.pid!)
    const insideAfter = await serverMemory(child)
    console.log(`  serving, ${seconds} s of mixed load (POST /v1/records, inclusion, consistency, entry reads; 20 connections): ${fmt(l.rps)} req/s, p99 ${l.p99} ms, ${fmt(l.total)} requests, ${l.errors} errors, ${l.non2xx} non-2xx; server CPU ${fmt(cpuUsPerRequest)} µs/request`)
    printMemory('after start', atStart, insideAtStart)
    printMemory('after the load', after, insideAfter)
    console.log(`    target ≤ 200 MB: ${after.rss <= 200 * 1024 ? 'met' : 'NOT met'} for all of RSS; ${after.anon <= 200 * 1024 ? 'met' : 'NOT met'} for anonymous RSS`)
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
  }
}

export async function runHugeBench(): Promise<void> {
  const size = Number(process.env.BENCH_HUGE ?? 0)
  if (!(size > 0)) {
    console.log('\n== huge: skipped (set BENCH_HUGE=<entries>, e.g. 10000000; builds once, ~4 GB) ==')
    return
  }
  const dataDir = process.env.BENCH_HUGE_DIR ?? join(tmpdir(), 'el-bench-huge')
  console.log(`\n== huge: ${fmt(size)} entries (LevelDB ${JSON.stringify(loadConfig(leveldbEnv()).leveldb)}, server NODE_OPTIONS ${servingNodeOptions() || 'none'}) ==`)
  await ensureHugeLog(dataDir, size)
  // BENCH_HUGE_PARTS=proofs,audit,serve (the default: all) picks what to measure.
  const parts = new Set((process.env.BENCH_HUGE_PARTS ?? 'proofs,audit,serve').split(','))
  // With the serving process's LevelDB settings (LEVELDB_*): they decide what a read costs.
  const p = await proofsAndReopen(storePath(dataDir), loadConfig(leveldbEnv()).leveldb)
  if (parts.has('proofs')) {
    console.log(`at ${fmt(p.size)} entries:`)
    printProofTimes(p)
  }
  if (parts.has('audit')) {
    const storage = await openLevelStorage(storePath(dataDir))
    const started = performance.now()
    const report = await auditLog(storage, { vkeys: [signer().vkey], origin: ORIGIN })
    const seconds = (performance.now() - started) / 1000
    await storage.close()
    if (!report.ok) throw new Error(`huge log does not audit: ${report.error}`)
    console.log(`  audit: ${fmt(report.entries)} entries, ${fmt(report.blocks)} blocks in ${seconds.toFixed(0)} s: ${fmt(report.entries / seconds)} entries/s (target ≥ 200,000: ${report.entries / seconds >= 200_000 ? 'met' : 'NOT met'})`)
  }
  if (parts.has('serve')) await servedLoad(dataDir, p.size)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  useNodeCrypto()
  await runHugeBench()
}
