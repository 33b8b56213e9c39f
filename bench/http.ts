// HTTP bench: POST /v1/records (valid token, unique records) against a bare Fastify route
// with the same body schema — the ceiling — and the batch endpoint in records/s.
// Loopback only, bounded durations. Run: node --import tsx bench/http.ts
import Fastify, { type FastifyInstance } from 'fastify'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadTokenKey } from '../src/keys.ts'
import { mintToken } from '../src/tokens.ts'
import { RecordBody } from '../src/schemas/records.ts'
import { fmt, ratio, tempDir, uscc } from './fixture.ts'
import { printTable } from './core.ts'

const run = promisify(execFile)
const LOAD = new URL('./load.ts', import.meta.url).pathname
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

interface Load {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

async function load(url: string, headers: Record<string, string>, body: string, connections: number): Promise<Load> {
  // The load generator is its own process so the server under test keeps its thread.
  const spec = join(mkdtempSync(join(tmpdir(), 'el-load-')), 'spec.json')
  writeFileSync(spec, JSON.stringify({ url, connections, seconds: SECONDS, headers, body }))
  const { stdout } = await run(process.execPath, ['--import', 'tsx', LOAD, spec], { maxBuffer: 1 << 24 })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Load
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
  const bare = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } })
  bare.post('/v1/records', { schema: { body: RecordBody } }, async (_req, reply) => reply.code(201).send({ ok: true }))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/v1/records`

  const data = tempDir('el-bench-http-')
  const config = loadConfig({ DATA_DIR: data.dir, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), LEDGER_ORIGIN: 'bench.example/ledger' })
  const app = await buildApp(config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const token = await mintToken(await loadTokenKey(data.dir, true), { roles: ['submitter'], sub: 'bench', ttlSeconds: 3600, issuer: config.auth.issuer, audience: config.auth.audience })
  const auth = { authorization: `Bearer ${token}` }

  const blockStats = blockStatsReader(app)
  const single = JSON.stringify(evidenceRecord(7))
  const ceiling = await load(bareUrl, {}, single, CONNECTIONS)
  await blockStats()
  const ours = await load(`${base}/v1/records`, auth, single, CONNECTIONS)
  const oursBlocks = await blockStats()
  const batchBody = JSON.stringify({ records: Array.from({ length: 1000 }, (_, k) => evidenceRecord(k, `-${k}`)) })
  const batch = await load(`${base}/v1/records:batch`, auth, batchBody, 4)
  const batchBlocks = await blockStats()
  printTable([
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'vs bare Fastify', 'target'],
    ['bare Fastify, same body schema (ceiling)', fmt(ceiling.rps), String(ceiling.p50), String(ceiling.p99), String(ceiling.errors), String(ceiling.non2xx), '1.00×', ''],
    ['POST /v1/records (token, durable receipt)', fmt(ours.rps), String(ours.p50), String(ours.p99), String(ours.errors), String(ours.non2xx), ratio(ours.rps, ceiling.rps), '≥ 0.55×, p99 ≤ 25 ms'],
    ['POST /v1/records:batch ×1000 (4 conns)', fmt(batch.rps), String(batch.p50), String(batch.p99), String(batch.errors), String(batch.non2xx), `${fmt(batch.rps * 1000)} records/s`, '≥ 100,000 records/s'],
  ])
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

if (import.meta.url === `file://${process.argv[1]}`) await runHttpBench()
