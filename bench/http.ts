// HTTP bench: POST /v1/records (valid token, unique records) against a bare Fastify route
// with the same body schema — the ceiling — and the batch endpoint in records/s.
// Loopback only, bounded durations. Run: node --import tsx bench/http.ts
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { buildApp } from '../src/app.ts'
import { AJV_OPTIONS } from '../plugins/validation-problems.ts'
import { loadConfig } from '../src/config.ts'
import { loadTokenKey } from '../src/keys.ts'
import { mintToken } from '../src/tokens.ts'
import { RecordBody } from '../src/schemas/records.ts'
import { ReceiptSchema } from '../src/schemas/responses.ts'
import { fmt, leveldbEnv, ratio, runLoad, tempDir, uscc, type LoadResult } from './fixture.ts'
import { printTable, rawLevel } from './core.ts'

const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10)
const CONNECTIONS = 50

/** bench/load.ts replaces [<id>] with a fresh id per request, so every record is new. */
function evidenceRecord(n: number, suffix = '') {
  return {
    kind: 'evidence',
    record: {
      evidenceId: `EV-[<id>]${suffix}`,
      subject: uscc(n % 1000),
      title: '贷款合同及放款凭证',
      documents: [{ name: 'contract.pdf', sha256: 'ab'.repeat(32), size: 204_800 }],
    },
  }
}

function load(url: string, headers: Record<string, string>, body: string, connections: number): Promise<LoadResult> {
  return runLoad({ url, connections, seconds: SECONDS, headers, body })
}

interface Measured extends LoadResult {
  cpuUsPerReq: number
  /** The main thread's share (Node ≥ 23.9 has process.threadCpuUsage); null where unknown. */
  mainUsPerReq: number | null
}

// The rest of the process's CPU is LevelDB's threads (WAL write, fsync, compaction), the
// GC's helper threads and libuv: work a faster request path does not remove.
const threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process)
const micros = (c: NodeJS.CpuUsage) => c.user + c.system

/** A load run plus the CPU this (server) process spent per request during it. */
async function measured(run: () => Promise<LoadResult>): Promise<Measured> {
  const before = process.cpuUsage()
  const mainBefore = threadCpu?.()
  const l = await run()
  const cpu = micros(process.cpuUsage(before))
  const main = mainBefore && threadCpu ? micros(threadCpu()) - micros(mainBefore) : null
  return { ...l, cpuUsPerReq: l.total > 0 ? cpu / l.total : 0, mainUsPerReq: l.total > 0 && main !== null ? main / l.total : null }
}

interface BlockStats {
  blocks: number
  entriesPerBlock: number
  commitMs: number
}

/** Blocks written and mean commit latency since the previous call, from /metrics. */
function blockStatsReader(app: FastifyInstance): () => Promise<BlockStats> {
  let last = { count: 0, sum: 0, entries: 0 }
  return async () => {
    const text = (await app.inject({ url: '/metrics' })).body
    const metric = (name: string) => Number(text.split('\n').find((l) => l.startsWith(name + ' '))?.split(' ')[1] ?? 0)
    const now = { count: metric('ledger_commit_seconds_count'), sum: metric('ledger_commit_seconds_sum'), entries: metric('ledger_block_entries_sum') }
    const blocks = now.count - last.count
    const stats = { blocks, entriesPerBlock: blocks ? (now.entries - last.entries) / blocks : 0, commitMs: blocks ? (1000 * (now.sum - last.sum)) / blocks : 0 }
    last = now
    return stats
  }
}

export async function runHttpBench(): Promise<void> {
  console.log(`\n== http: ${CONNECTIONS} connections, ${SECONDS} s per scenario ==`)
  // The app's annotation keywords, so Ajv compiles the schema; otherwise Fastify's defaults.
  const bare = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false, keywords: AJV_OPTIONS.keywords } } })
  bare.post('/v1/records', { schema: { body: RecordBody } }, async (_req, reply) => reply.code(201).send({ ok: true }))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/v1/records`

  const data = tempDir('el-bench-http-')
  const config = loadConfig({ ...leveldbEnv(), DATA_DIR: data.dir, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), LEDGER_ORIGIN: 'bench.example/ledger' })
  const app = await buildApp(config)
  // Diagnostic, not a target: the same app and plugins (auth, rate limit, helmet, metrics,
  // problem errors, receipt serializer) answering a ready-made receipt with no ledger work.
  // The gap between it and bare Fastify is the cost of the plugin stack alone.
  let readyReceipt: unknown = null
  app.post('/bench/plugins-only', {
    config: { roles: ['submitter'] },
    validatorCompiler: () => (value: unknown) => ({ value }),
    schema: { body: RecordBody, response: { 201: ReceiptSchema } },
  }, async (request, reply) => reply.code(201).send(readyReceipt ??= (await app.ledger.notarize(request.body, 'bench')).receipt))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const token = await mintToken(await loadTokenKey(data.dir, true), { roles: ['submitter'], sub: 'bench', ttlSeconds: 3600, issuer: config.auth.issuer, audience: config.auth.audience })
  const auth = { authorization: `Bearer ${token}` }

  const blockStats = blockStatsReader(app)
  const single = JSON.stringify(evidenceRecord(7))
  const ceiling = await measured(() => load(bareUrl, {}, single, CONNECTIONS))
  const plugins = await measured(() => load(`${base}/bench/plugins-only`, auth, single, CONNECTIONS))
  await blockStats()
  const ours = await measured(() => load(`${base}/v1/records`, auth, single, CONNECTIONS))
  const oursBlocks = await blockStats()
  const batchBody = JSON.stringify({ records: Array.from({ length: 1000 }, (_, k) => evidenceRecord(k, `-${k}`)) })
  const batch = await measured(() => load(`${base}/v1/records:batch`, auth, batchBody, 4))
  const batchBlocks = await blockStats()
  const compact = await measured(() => load(`${base}/v1/records:batch?receipts=compact`, auth, batchBody, 4))
  // The batch's ceiling: raw LevelDB writing what a block of ours writes per entry, in
  // synced batches of 1000, with no HTTP, JSON, hashing or signing (bench/core.ts).
  const raw = await rawLevel('batch')
  const row = (name: string, l: Measured, per: number, vs: string, target: string) =>
    [name, fmt(l.rps), String(l.p50), String(l.p99), String(l.errors), String(l.non2xx), (l.cpuUsPerReq / per).toFixed(1), l.mainUsPerReq === null ? '—' : (l.mainUsPerReq / per).toFixed(1), vs, target]
  const batchRow = (name: string, l: Measured) => row(name, l, 1000, `${fmt(l.rps * 1000)} records/s = ${ratio(l.rps * 1000, raw)} raw`, '≥ 0.60× raw LevelDB')
  printTable([
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'CPU µs/record', 'main thread', 'vs ceiling', 'target (issue 18)'],
    row('bare Fastify, same body schema (ceiling)', ceiling, 1, '1.00×', ''),
    row('our plugins, ready-made receipt (diagnostic)', plugins, 1, ratio(plugins.rps, ceiling.rps), ''),
    row('POST /v1/records (token, durable receipt)', ours, 1, ratio(ours.rps, ceiling.rps), '≥ 0.40×, p99 ≤ 25 ms'),
    batchRow('POST /v1/records:batch ×1000 (4 conns)', batch),
    batchRow('the same, ?receipts=compact', compact),
    ['raw LevelDB, same rows, batches of 1000 (ceiling)', '', '', '', '', '', '', '', `${fmt(raw)} records/s`, ''],
  ])
  // Server CPU per record (this process: its main thread, LevelDB's threads, the GC's
  // helpers) is far steadier than req/s on a shared machine, and shows where the gap is.
  console.log(`  CPU per record: bare ${ceiling.cpuUsPerReq.toFixed(0)} µs, plugins only ${plugins.cpuUsPerReq.toFixed(0)} µs, /v1/records ${ours.cpuUsPerReq.toFixed(0)} µs, batch ${(batch.cpuUsPerReq / 1000).toFixed(1)} µs, compact ${(compact.cpuUsPerReq / 1000).toFixed(1)} µs`)
  if (threadCpu) console.log('  main thread: the request path itself; the rest of the CPU column is LevelDB\'s threads (WAL, fsync, compaction) and the GC\'s helpers')
  // Where a request's time goes: with one block in flight at a time, 50 connections can
  // finish at most ~50 requests per commit, so commit latency bounds req/s from below.
  for (const [what, b] of [['single', oursBlocks], ['batch', batchBlocks]] as const) {
    console.log(`  ${what}: ${fmt(b.blocks)} blocks, ${b.entriesPerBlock.toFixed(1)} entries/block, mean commit (sequence + sync write) ${b.commitMs.toFixed(2)} ms`)
  }
  console.log(`  ledger after the run: ${fmt(app.ledger.log.size)} entries in ${fmt(app.ledger.log.height + 1)} blocks`)
  await app.close()
  await bare.close()
  data.remove()
}

if (import.meta.url === `file://${process.argv[1]}`) {
  useNodeCrypto()
  await runHttpBench()
}
