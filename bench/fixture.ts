import type { FastifyInstance } from 'fastify'
// Realistic statements and a shared large log for the benches.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes, createHash } from 'node:crypto'
import { signerFromSeed } from '../chain/checkpoint.ts'
import { Log, type AppendRequest } from '../chain/log.ts'
import { sealRecord } from '../chain/payload.ts'
import { usccCheckChar } from '../chain/statement.ts'

export const ORIGIN = 'bench.example/ledger'
export const SEED = createHash('sha256').update('evidence-ledger bench key').digest()
export const signer = () => signerFromSeed(ORIGIN, SEED)

export function uscc(n: number): string {
  const first17 = '91410100' + String(n % 1e9).padStart(9, '0')
  return first17 + usccCheckChar(first17)
}

/** A data-authorization append request with a ~500-byte payload (statement ≈ 300 bytes). */
export function benchRequest(i: number, withPayload = true): AppendRequest {
  const record = {
    authorizationId: `AUTH-2026-${String(i).padStart(9, '0')}`,
    grantor: { uscc: uscc(i % 100_000), name: '郑州示例科技有限公司第' + (i % 1000) + '分公司' },
    grantee: { institutionCode: 'C1234567890', name: '郑州银行股份有限公司' },
    dataCategories: ['tax', 'invoice'],
    purpose: 'pre-credit assessment for inclusive SME lending',
    validFrom: '2026-11-23T00:00:00Z',
    validUntil: '2027-11-23T00:00:00Z',
    consentMethod: 'e-signature',
    consentTextSha256: 'ab'.repeat(32),
  }
  const sealed = sealRecord(record, randomBytes(32))
  return {
    kind: 'data-authorization',
    id: record.authorizationId,
    subject: record.grantor.uscc,
    commitment: sealed.commitment,
    submitter: 'zhr-platform',
    owner: 'zhr-platform',
    refs: [],
    fingerprint: createHash('sha256').update(record.authorizationId).digest(),
    payload: withPayload ? sealed.payload : undefined,
  }
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

export async function openBenchLog(dir: string): Promise<Log> {
  return Log.openAt(dir, { origin: ORIGIN, signer: signer() })
}

let big: Promise<{ dir: string; size: number; buildSeconds: number }> | null = null

/** One large log (BENCH_BIG entries, default 1,000,000) shared by the core and audit benches. */
export function bigLog(): Promise<{ dir: string; size: number; buildSeconds: number }> {
  big ??= (async () => {
    const size = Number(process.env.BENCH_BIG ?? 1_000_000)
    const { dir, remove } = tempDir('el-bench-big-')
    process.on('exit', remove)
    const log = await openBenchLog(dir)
    const started = performance.now()
    const group = 20_000
    for (let i = 0; i < size; i += group) {
      await log.append(Array.from({ length: Math.min(group, size - i) }, (_, k) => benchRequest(i + k, false)))
      if ((i / group) % 10 === 0) process.stderr.write(`\r  building ${size.toLocaleString()}-entry log: ${Math.round((i / size) * 100)}%`)
    }
    process.stderr.write('\r' + ' '.repeat(60) + '\r')
    await log.close()
    return { dir, size, buildSeconds: (performance.now() - started) / 1000 }
  })()
  return big
}

export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

/**
 * Awaited notarizations from `callers` concurrent callers for `seconds`, through the app's
 * ledger service (the witness and timestamp benches: what their background loops cost the
 * append path). Ids carry `label`, so runs on one log never replay each other.
 */
export async function awaitedAppends(app: FastifyInstance, label: string, seconds: number, callers: number): Promise<{ rate: number; cpuUs: number }> {
  let n = 0
  let done = 0
  const end = performance.now() + seconds * 1000
  const caller = async () => {
    while (performance.now() < end) {
      const i = n++
      await app.ledger.notarize({ kind: 'evidence', record: { evidenceId: `EV-${label}-${i}`, subject: uscc(i % 1000), title: '贷款合同及放款凭证', documents: [{ name: 'contract.pdf', sha256: 'ab'.repeat(32), size: 204_800 }] } }, 'bench')
      done++
    }
  }
  const started = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: callers }, caller))
  const rate = done / ((performance.now() - started) / 1000)
  const used = process.cpuUsage(cpu)
  return { rate, cpuUs: (used.user + used.system) / done }
}

/** The bench's LEVELDB_* variables (docs/operations.md), to compare LevelDB settings run by run. */
export function leveldbEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('LEVELDB_') && e[1] !== undefined))
}

/** What a bench's child process runs its .ts file with: bin/ts.js, as the service is run. */
export const TS_RUNNER = new URL('../bin/ts.js', import.meta.url).pathname

/** What bench/load.ts is told to do (its header says how a spec reads). */
export interface LoadSpec {
  url: string | string[]
  connections: number
  seconds: number
  headers: Record<string, string>
  body?: string
  requests?: { method: 'GET' | 'POST'; path: string; body?: string }[]
  below?: number
}

/** What bench/load.ts answers. */
export interface LoadResult {
  rps: number
  p50: number
  p99: number
  /** Responses completed in the run. */
  total: number
  errors: number
  non2xx: number
}

const LOAD = new URL('./load.ts', import.meta.url).pathname

/** Runs the load generator in its own process, so the server under test keeps its thread. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'el-load-'))
  const file = join(dir, 'spec.json')
  writeFileSync(file, JSON.stringify(spec))
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [TS_RUNNER, LOAD, file], { maxBuffer: 1 << 24 })
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
