// CPU per request of the validation paths: a valid POST /v1/records (the hot path), an
// invalid one (several bad fields: the 400 path that lists every problem) and a GET whose
// query is refused. process.cpuUsage per request over sequential app.inject calls, so
// neither the load generator nor waiting for the disk is counted as our time; repeated,
// the median printed. Run: node --import tsx bench/validation.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadTokenKey } from '../src/keys.ts'
import { mintToken } from '../src/tokens.ts'
import { validateRecordBody } from '../src/record-validation.ts'
import { uscc } from './fixture.ts'

useNodeCrypto()
const N = Number(process.env.BENCH_VALIDATION_N ?? 2000)
const ROUNDS = Number(process.env.BENCH_VALIDATION_ROUNDS ?? 5)

const dataDir = mkdtempSync(join(tmpdir(), 'el-bench-validation-'))
const config = loadConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '100000000', RATE_LIMIT_REFUSED_MAX: '100000000' })
const app = await buildApp(config)
const key = await loadTokenKey(dataDir, true)
const sign = (roles: ('submitter' | 'auditor')[]) => mintToken(key, { roles, sub: 'bench', ttlSeconds: 3600, issuer: config.auth.issuer, audience: config.auth.audience })
const submitter = { authorization: `Bearer ${await sign(['submitter'])}` }
const auditor = { authorization: `Bearer ${await sign(['auditor'])}` }

const record = (i: number) => ({
  kind: 'data-authorization',
  record: {
    authorizationId: `AUTH-B-${i}`,
    grantor: { uscc: uscc(i), name: '郑州中原智造科技有限公司', representative: '王建国' },
    grantee: { institutionCode: 'B0000H241010001', name: '中原示范银行股份有限公司' },
    dataCategories: ['tax', 'invoice'],
    purpose: '贷前审查及授信审批',
    validFrom: '2026-11-01T00:00:00+08:00',
    validUntil: '2027-10-31T23:59:59+08:00',
    consentMethod: 'e-signature',
    consentTextSha256: 'ab'.repeat(32),
  },
})
// Four bad fields: a category, a date, a USCC shape and an unknown field.
const invalid = (i: number) => {
  const r = record(i)
  return { ...r, record: { ...r.record, dataCategories: ['tax', 'dna'], validFrom: 'yesterday', grantor: { ...r.record.grantor, uscc: '12345' }, extra: 1 } }
}

async function cpuPerRequest(run: (i: number) => Promise<number>, offset: number): Promise<number> {
  const before = process.cpuUsage()
  for (let i = 0; i < N; i++) {
    const status = await run(offset + i)
    if (status !== 201 && status !== 400) throw new Error(`unexpected status ${status}`)
  }
  const used = process.cpuUsage(before)
  return (used.user + used.system) / N
}

const scenarios: [string, (i: number) => Promise<number>][] = [
  ['POST /v1/records valid (201)', async (i) => (await app.inject({ method: 'POST', url: '/v1/records', headers: submitter, payload: record(i) })).statusCode],
  ['POST /v1/records 4 bad fields (400)', async (i) => (await app.inject({ method: 'POST', url: '/v1/records', headers: submitter, payload: invalid(i) })).statusCode],
  ['GET status, bad query (400)', async () => (await app.inject({ url: '/v1/authorizations/AUTH-1/status?at=yesterday&category=dna&foo=1', headers: auditor })).statusCode],
]
// The validation step alone, without the HTTP stack and the block write around it: the
// part of the hot path this code owns.
let sink = 0
const direct = (body: (i: number) => unknown) => async (i: number) => {
  for (let k = 0; k < 100; k++) sink += validateRecordBody(body(i * 100 + k)).ok ? 1 : 0
  return 201
}
scenarios.push(
  ['validateRecordBody valid ×100', direct(record)],
  ['validateRecordBody 4 bad fields ×100', direct(invalid)],
)
// One warm-up round, not counted.
for (const [, run] of scenarios) await cpuPerRequest(run, 10_000_000)
for (const [name, run] of scenarios) {
  const samples: number[] = []
  for (let r = 0; r < ROUNDS; r++) samples.push(await cpuPerRequest(run, r * N))
  samples.sort((a, b) => a - b)
  console.log(`${name.padEnd(40)} CPU µs/request: median ${samples[Math.floor(ROUNDS / 2)].toFixed(0)} (min ${samples[0].toFixed(0)}, max ${samples.at(-1)!.toFixed(0)}), ${N} requests × ${ROUNDS}`)
}
if (sink < 0) console.log(sink)
await app.close()
rmSync(dataDir, { recursive: true, force: true })
