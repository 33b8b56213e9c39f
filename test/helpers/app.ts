// Builds a real app on a temp DATA_DIR and mints dev tokens for it.
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { openLevelStorage, type LedgerStorage } from '../../chain/storage.ts'
import { loadConfig, storePath } from '../../src/config.ts'
import { loadTokenKey } from '../../src/keys.ts'
import type { Role } from '../../plugins/auth.ts'
import { mintToken } from '../../src/tokens.ts'
import { tempDir, uscc } from './fixtures.ts'
import { startPostgres, type TestPostgres } from './postgres.ts'
import tap from 'tap'

export interface TestApp {
  app: FastifyInstance
  dataDir: string
  /** The environment the app was built from (DATABASE_URL set when it runs on PostgreSQL): reopen with it. */
  env: NodeJS.ProcessEnv
  token(roles: Role | Role[], sub?: string): Promise<string>
  auth(roles: Role | Role[], sub?: string): Promise<{ authorization: string }>
}

/**
 * LEDGER_TEST_STORE=postgres runs every app of a test file on PostgreSQL instead of LevelDB
 * (one server per file, a fresh database per app): the HTTP suites become conformance
 * runs of the PostgreSQL store, e.g. `LEDGER_TEST_STORE=postgres npx tap test/http`.
 */
let postgres: Promise<TestPostgres> | null = null
async function testDatabase(): Promise<string> {
  postgres ??= startPostgres(tap).then((pg) => {
    if ('skip' in pg) throw new Error(pg.skip)
    return pg
  })
  return (await postgres).newDatabase()
}

/** The store a new test app gets: a fresh PostgreSQL database under LEDGER_TEST_STORE=postgres, else DATA_DIR's LevelDB. */
export async function testStoreEnv(): Promise<{ DATABASE_URL?: string }> {
  return process.env.LEDGER_TEST_STORE === 'postgres' ? { DATABASE_URL: await testDatabase() } : {}
}

/** Opens the storage an app built from `env` uses, whichever driver that is. */
export async function openTestStorage(env: NodeJS.ProcessEnv, dataDir: string): Promise<LedgerStorage> {
  return env.DATABASE_URL ? openPgStorage(env.DATABASE_URL) : openLevelStorage(storePath(dataDir))
}

export async function makeApp(t: Test, env: NodeJS.ProcessEnv = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? tempDir(t, 'el-app-')
  if (env.DATABASE_URL === undefined) env = { ...env, ...(await testStoreEnv()) }
  const config = loadConfig({ LEDGER_ORIGIN: 'test.example/ledger', RATE_LIMIT_MAX: '1000000', RATE_LIMIT_REFUSED_MAX: '1000000', ...env, DATA_DIR: dataDir })
  const app = await buildApp(config)
  t.teardown(() => app.close())
  const key = await loadTokenKey(dataDir, true)
  const token = (roles: Role | Role[], sub = 'zhr-platform') => mintToken(key, {
    roles: Array.isArray(roles) ? roles : [roles], sub, ttlSeconds: 3600,
    issuer: config.auth.issuer, audience: config.auth.audience,
  })
  return { app, dataDir, env: { ...env, DATA_DIR: dataDir }, token, auth: async (roles, sub) => ({ authorization: `Bearer ${await token(roles, sub)}` }) }
}

const HEX64 = 'ab'.repeat(32)

/** Valid records of every client kind, for one enterprise. */
export function sampleRecords(n = 1, subject = uscc(n)) {
  return {
    'financing-application': {
      applicationId: `APP-${n}`,
      applicant: { uscc: subject, name: '郑州示例科技有限公司' },
      product: '郑好融·税易贷',
      amount: { value: '500000.00', currency: 'CNY' },
      termMonths: 12,
      purpose: '流动资金周转',
      submittedAt: '2026-11-23T10:00:00.000+08:00',
      channel: 'zhenghaorong-web',
      attachments: [{ name: 'license.pdf', sha256: HEX64, size: 123456 }],
    },
    'data-authorization': {
      authorizationId: `AUTH-${n}`,
      grantor: { uscc: subject, name: '郑州示例科技有限公司', representative: '张三' },
      grantee: { institutionCode: 'C1234567890', name: '郑州银行' },
      dataCategories: ['tax', 'invoice'],
      purpose: 'pre-credit assessment',
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2027-01-01T00:00:00Z',
      consentMethod: 'e-signature',
      consentTextSha256: HEX64,
    },
    'authorization-revocation': {
      authorizationId: `AUTH-${n}`,
      revokedAt: '2026-06-01T00:00:00Z',
      reason: 'enterprise withdrew consent',
    },
    evidence: {
      evidenceId: `EV-${n}`,
      subject,
      title: '贷款合同',
      documents: [{ name: 'contract.pdf', sha256: HEX64, size: 2048 }],
    },
  }
}
