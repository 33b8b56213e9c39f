// `npm run chaos [-- --cycles N]`: kill -9 the real server at random moments under
// concurrent load, restart it, and prove that every acknowledged receipt survived with
// the same index and leaf hash, that each new checkpoint is consistent with every earlier
// one, and that the log audits clean. Loopback only; every loop is bounded.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { auditLog } from '../chain/audit.ts'
import { hexToBytes } from '../chain/encoding.ts'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { openLevelStorage } from '../chain/storage.ts'
import { verifyCheckpoint, verifyConsistency, type Receipt } from '../chain/verify.ts'
import { loadCheckpointKeys, loadTokenKey } from '../src/keys.ts'
import { mintToken } from '../src/tokens.ts'
import { DEFAULT_AUDIENCE, DEV_ISSUER, storePath } from '../src/config.ts'
import { usccCheckChar } from '../chain/statement.ts'
import { startServer, waitExit } from './server-process.ts'

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const CYCLES = arg('cycles', 20)
const WRITERS = arg('writers', 16)
const MAX_PER_CYCLE = 5000 // bounded: no cycle sends more than this many requests

const subject = (n: number) => {
  const first17 = '91410100' + String(n).padStart(9, '0')
  return first17 + usccCheckChar(first17)
}

interface Seen { size: number; root: Uint8Array }

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'el-chaos-'))
  const env = { DATA_DIR: dataDir, LEDGER_ORIGIN: 'chaos.example/ledger', RATE_LIMIT_MAX: '100000000' }
  const acked = new Map<number, string>()
  const checkpoints: Seen[] = []
  let sent = 0
  let vkey = ''
  let token = ''
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const server = await startServer(env)
      if (!token) {
        vkey = loadCheckpointKeys(dataDir, env.LEDGER_ORIGIN, false).signer.vkey
        token = await mintToken(await loadTokenKey(dataDir, false), { roles: ['submitter'], sub: 'chaos', ttlSeconds: 3600, issuer: DEV_ISSUER, audience: DEFAULT_AUDIENCE })
      }
      // After a restart the served checkpoint must extend every one seen before.
      await checkConsistency(server.url, vkey, checkpoints)
      let stop = false
      let cycleSent = 0
      const writers = Array.from({ length: WRITERS }, async (_, w) => {
        while (!stop && cycleSent < MAX_PER_CYCLE) {
          const n = sent++
          cycleSent++
          const body = { kind: 'evidence', record: { evidenceId: `CHAOS-${n}`, subject: subject(n % 997), title: `chaos ${cycle}/${w}`, documents: [{ name: 'a.pdf', sha256: 'cd'.repeat(32), size: n }] } }
          try {
            const res = await fetch(`${server.url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
            if (res.status === 201 || res.status === 200) {
              const r = (await res.json()) as Receipt
              acked.set(r.entry.index, r.entry.leafHash)
            }
          } catch {
            return // the server is gone: this writer's cycle is over
          }
        }
      })
      await sleep(200 + Math.random() * 1300)
      server.child.kill('SIGKILL')
      stop = true
      await waitExit(server.child)
      await Promise.all(writers)
      process.stdout.write(`cycle ${cycle + 1}/${CYCLES}: killed after ${cycleSent} requests, ${acked.size} acknowledged so far\n`)
    }
    const server = await startServer(env)
    await checkConsistency(server.url, vkey, checkpoints)
    let present = 0
    const lostList: number[] = []
    for (const [index, leaf] of acked) {
      const res = await fetch(`${server.url}/v1/proofs/inclusion?index=${index}`)
      const p = res.ok ? ((await res.json()) as { leafHash: string }) : null
      if (p?.leafHash === leaf) present++
      else lostList.push(index)
    }
    server.child.kill('SIGTERM')
    const exit = await waitExit(server.child)
    const storage = await openLevelStorage(storePath(dataDir))
    const audit = await auditLog(storage, { vkeys: [vkey], origin: env.LEDGER_ORIGIN })
    await storage.close()
    const lost = acked.size - present
    console.log(`requests sent ${sent}`)
    console.log(`acknowledged ${acked.size}`)
    console.log(`present ${present}`)
    console.log(`lost ${lost}${lost ? ` (first: ${lostList.slice(0, 10).join(', ')})` : ''}`)
    console.log(`checkpoints checked for consistency ${checkpoints.length}`)
    console.log(`audit ${audit.ok ? `clean: ${audit.entries} entries, ${audit.blocks} blocks` : `FAILED: ${audit.error}`}`)
    console.log(`clean shutdown after SIGTERM: exit ${exit.code}`)
    return lost === 0 && audit.ok && exit.code === 0 ? 0 : 1
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function checkConsistency(url: string, vkey: string, seen: Seen[]): Promise<void> {
  const note = await (await fetch(`${url}/v1/checkpoint`)).text()
  const cp = verifyCheckpoint(note, vkey)
  if (!cp.ok) throw new Error(`served checkpoint does not verify: ${cp.reason}`)
  for (const old of seen) {
    const res = await fetch(`${url}/v1/proofs/consistency?from=${old.size}&to=${cp.checkpoint.size}`)
    if (!res.ok) throw new Error(`no consistency proof ${old.size} → ${cp.checkpoint.size}: HTTP ${res.status}`)
    const { hashes } = (await res.json()) as { hashes: string[] }
    if (!verifyConsistency(old.size, cp.checkpoint.size, hashes.map(hexToBytes), old.root, cp.checkpoint.root)) {
      throw new Error(`checkpoint of size ${cp.checkpoint.size} is NOT consistent with the earlier one of size ${old.size}`)
    }
  }
  seen.push({ size: cp.checkpoint.size, root: cp.checkpoint.root })
}

useNodeCrypto()
process.exitCode = await main()
