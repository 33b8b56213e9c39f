// Two ledgers with the same key and the same first entries, for fork and split-view tests:
// B starts as a verified copy of A (export → import), then each can grow its own way.
import type { Test } from 'tap'
import { cpSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { exportLines } from '../../chain/export.ts'
import { restoreLines } from '../../chain/restore.ts'
import { makeApp, openTestStorage, sampleRecords, testStoreEnv, type TestApp } from './app.ts'
import { tempDir } from './fixtures.ts'

/** n evidence records numbered from `from`, in one batch. */
export async function appendEvidence(a: TestApp, from: number, n: number): Promise<void> {
  const headers = await a.auth('submitter')
  await a.app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: Array.from({ length: n }, (_, i) => ({ kind: 'evidence', record: sampleRecords(from + i).evidence })) } })
}

export async function listen(a: TestApp): Promise<string> {
  await a.app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`
}

/** A second ledger, same keys and same log as `a` right now. */
export async function forkOf(t: Test, a: TestApp): Promise<TestApp> {
  const dirB = tempDir(t)
  mkdirSync(dirB, { recursive: true })
  cpSync(join(a.dataDir, 'keys'), join(dirB, 'keys'), { recursive: true })
  // B lives on the same kind of store as A (a fresh database when the tests run on PostgreSQL).
  const env = { ...(await testStoreEnv()), DATA_DIR: dirB }
  const storeB = await openTestStorage(env, dirB)
  await restoreLines(exportLines(a.app.ledger.log.storage, a.app.ledger.log.origin), storeB, { vkeys: [a.app.ledger.log.signer.vkey] })
  await storeB.close()
  return makeApp(t, env)
}
