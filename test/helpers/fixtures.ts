// Shared test fixtures: temp dirs, signers, realistic append requests, valid USCCs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { bytesToHex, utf8ToBytes } from '../../chain/encoding.ts'
import { Log, type AppendRequest } from '../../chain/log.ts'
import { usccCheckChar, type Kind } from '../../chain/statement.ts'

export const ORIGIN = 'test.example/ledger'
export const TEST_SEED = sha256(utf8ToBytes('evidence-ledger unit test key'))
export const testSigner = () => signerFromSeed(ORIGIN, TEST_SEED)

export function tempDir(t: { teardown(fn: () => void): void }, prefix = 'el-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A valid USCC built from a number (check character computed). */
export function uscc(n: number): string {
  const body = '913501' + '00' + String(n).padStart(9, '0').replace(/[^0-9]/g, '0')
  const first17 = body.slice(0, 17)
  return first17 + usccCheckChar(first17)
}

export function request(i: number, kind: Kind = 'evidence', fingerprint = 1): AppendRequest {
  return {
    kind,
    id: `E-${i}`,
    subject: uscc(i % 50),
    commitment: 'sha256:' + bytesToHex(sha256(utf8ToBytes(`content ${i}`))),
    submitter: 'test-platform',
    owner: 'test-platform',
    refs: [],
    fingerprint: new Uint8Array([fingerprint]),
  }
}

export async function openLog(dir: string, opts: { retiredKeys?: string[] } = {}): Promise<Log> {
  return Log.openAt(dir, { origin: ORIGIN, signer: testSigner(), retiredKeys: opts.retiredKeys })
}
