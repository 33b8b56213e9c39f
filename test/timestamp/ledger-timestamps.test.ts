// Real processes over real HTTP: a ledger (`serve` with TSA_URL, TSA_CERT) and a TSA that is
// Debian's `openssl ts -reply` behind HTTP (test/helpers/tsa.ts). Checkpoints get tokens;
// bundles carry one for a tree that holds the entry and `verify --tsa-cert` checks it; a
// token for another checkpoint or from another TSA key fails; the TSA going down never stops
// appends and stamping catches up when it returns; kill -9 and a restart keep the tokens.
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { fromBase64 } from '../../chain/encoding.ts'
import { parseCheckpointNote, parseNote } from '../../chain/note.ts'
import { parsePemCertificates, verifyTimestampToken } from '../../chain/timestamp.ts'
import { timestampSteps, type TimestampMember } from '../../chain/timestamp-evidence.ts'
import { allPassed, verifyBundle, type EvidenceBundleV2, type Receipt } from '../../chain/verify.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { CLI, startServer, waitExit, type ServerProcess } from '../../scripts/server-process.ts'
import { sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { makeTsaKeys, OPENSSL, startTsa, writePem } from '../helpers/tsa.ts'
import { eventually } from '../helpers/eventually.ts'

if (!existsSync(OPENSSL)) throw new Error(`${OPENSSL} is missing: apt-get install openssl (.ci/run does)`)

const run = promisify(execFile)
const ORIGIN = 'ledger.tsa.test/log'

type Bundle = EvidenceBundleV2 & { timestamp?: TimestampMember }

interface Ready {
  treeSize: number
  timestamping?: { url: string; stamps: string; stampedSize: number | null; genTime: string | null; pendingSize: number | null; lastError: string | null; consecutiveFailures: number }
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })
    return { code: 0, stdout }
  } catch (e) {
    const err = e as { code: number; stdout: string }
    return { code: err.code, stdout: err.stdout }
  }
}

async function ledgerWithTsa(t: Test) {
  const tsa = await startTsa(t)
  const dir = tempDir(t, 'el-tsa-ledger-')
  const certPath = writePem(t, tsa.keys.tsaPem)
  const vkey = (await cli(['keygen'], { DATA_DIR: dir, LEDGER_ORIGIN: ORIGIN })).stdout.trim()
  const env = { DATA_DIR: dir, LEDGER_ORIGIN: ORIGIN, TSA_URL: tsa.url, TSA_CERT: certPath }
  let ledger: ServerProcess = await startServer(env)
  t.teardown(() => { if (ledger.child.exitCode === null) ledger.child.kill('SIGKILL') })
  const token = (await cli(['token', '--role', 'submitter', '--role', 'court', '--sub', 'zhr-platform', '--ttl', '15m'], { DATA_DIR: dir, LEDGER_ORIGIN: ORIGIN })).stdout.trim()
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  let n = 0
  const ctx = {
    tsa, dir, vkey, certPath,
    get url() { return ledger.url },
    async append(): Promise<Receipt> {
      n++
      const r = await fetch(`${ledger.url}/v1/records`, { method: 'POST', headers, body: JSON.stringify({ kind: 'evidence', record: sampleRecords(n).evidence }) })
      if (r.status !== 201) throw new Error(`append ${n}: HTTP ${r.status} ${await r.text()}`)
      return (await r.json()) as Receipt
    },
    async ready(): Promise<Ready> {
      return (await (await fetch(`${ledger.url}/readyz`)).json()) as Ready
    },
    stampedAt(size: number) {
      return eventually(`a token for size ≥ ${size}`, async () => {
        const r = await ctx.ready()
        return (r.timestamping?.stampedSize ?? 0) >= size ? r : undefined
      })
    },
    async bundle(id: string): Promise<Bundle> {
      const r = await fetch(`${ledger.url}/v1/evidence/evidence/${id}`, { headers })
      if (r.status !== 200) throw new Error(`bundle ${id}: HTTP ${r.status}`)
      return (await r.json()) as Bundle
    },
    async kill9AndRestart(): Promise<void> {
      ledger.child.kill('SIGKILL')
      await waitExit(ledger.child)
      ledger = await startServer(env)
    },
  }
  return ctx
}

const evidenceId = (n: number) => (sampleRecords(n).evidence as { evidenceId: string }).evidenceId

t.test('checkpoints get tokens; bundles carry one that verify --tsa-cert checks', async (t) => {
  const L = await ledgerWithTsa(t)
  const r0 = await L.ready()
  t.same(r0.timestamping, { url: L.tsa.url, stamps: 'every checkpoint', stampedSize: null, genTime: null, pendingSize: null, lastError: null, consecutiveFailures: 0 }, 'nothing to stamp in an empty log')
  const receipts = [await L.append(), await L.append(), await L.append()]
  const ready = await L.stampedAt(3)
  t.equal(ready.timestamping?.lastError, null)

  // GET /v1/timestamps: newest, by size, by entry.
  const latest = await (await fetch(`${L.url}/v1/timestamps`)).json() as { size: number; checkpoint: string; token: string; genTime: string }
  t.equal(latest.size, 3)
  t.equal(parseCheckpointNote(latest.checkpoint).checkpoint.size, 3)
  const v = await verifyTimestampToken(fromBase64(latest.token), utf8ToBytes(parseNote(latest.checkpoint).body), parsePemCertificates(L.tsa.keys.tsaPem))
  t.ok(v.ok, 'the served token verifies for its checkpoint')
  t.equal(v.ok && v.genTime.toISOString(), latest.genTime)
  // Standard tooling agrees: openssl ts -verify, over the checkpoint's signed body, trusting the CA.
  const od = tempDir(t, 'el-tsa-openssl-')
  writeFileSync(join(od, 'body.txt'), latest.checkpoint.slice(0, latest.checkpoint.indexOf('\n\n') + 1))
  writeFileSync(join(od, 'token.der'), fromBase64(latest.token))
  writeFileSync(join(od, 'ca.pem'), L.tsa.keys.caPem)
  const { stdout: osslOut } = await run(OPENSSL, ['ts', '-verify', '-data', 'body.txt', '-in', 'token.der', '-token_in', '-CAfile', 'ca.pem'], { cwd: od })
  t.match(osslOut, /Verification: OK/)
  const bySize = await fetch(`${L.url}/v1/timestamps?size=3`)
  t.equal(bySize.status, 200)
  t.match(bySize.headers.get('cache-control'), /immutable/)
  const byIndex = await (await fetch(`${L.url}/v1/timestamps?index=0`)).json() as { size: number }
  t.ok(byIndex.size >= 1 && byIndex.size <= 3, `the earliest token whose tree holds entry 0 (size ${byIndex.size})`)
  const missing = await fetch(`${L.url}/v1/timestamps?size=999`)
  t.equal(missing.status, 404)
  t.match(missing.headers.get('content-type'), /^application\/problem\+json/)
  t.equal((await fetch(`${L.url}/v1/timestamps?size=1&index=0`)).status, 400)

  // The bundle of entry 1 carries the earliest token for a tree that holds it.
  const b = await L.bundle(evidenceId(2))
  t.ok(b.timestamp, 'the bundle has a timestamp member')
  const stampedSize = parseCheckpointNote(b.timestamp!.checkpoint).checkpoint.size
  t.ok(stampedSize > receipts[1].entry.index, 'its checkpoint holds the entry')
  t.ok(allPassed(verifyBundle(b, L.vkey)), 'the bundle\'s own steps still pass (the member is outside the claims)')
  const steps = await timestampSteps(b, L.vkey, parsePemCertificates(L.tsa.keys.tsaPem))
  t.same(steps.map((s) => [s.step, s.ok]), [['timestamp-checkpoint', true], ['timestamp', true]], JSON.stringify(steps))
  t.match(steps[1].detail, /^timestamp token valid, time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z \(±1 s\) by evidence-ledger test TSA/)

  // The CLI, a real process: its own step, and the verdict.
  const file = join(tempDir(t, 'el-tsa-b-'), 'bundle.json')
  writeFileSync(file, JSON.stringify(b))
  const ok = await cli(['verify', file, '--key', L.vkey, '--tsa-cert', L.certPath])
  t.equal(ok.code, 0, ok.stdout)
  t.match(ok.stdout, /PASS {2}可信时间戳 \(RFC 3161\) timestamp token\n {6}timestamp token valid, time /)
  t.match(ok.stdout, /TIME-STAMPED: the given TSA dates a tree holding the entry at /)
  // Trusting the TSA's CA instead of its certificate works too (the token carries the certificate).
  t.equal((await cli(['verify', file, '--key', L.vkey, '--tsa-cert', writePem(t, L.tsa.keys.caPem, 'ca.pem')])).code, 0)
  const unchecked = await cli(['verify', file, '--key', L.vkey])
  t.equal(unchecked.code, 0)
  t.match(unchecked.stdout, /n\/a +可信时间戳 .*\n {6}the bundle carries an RFC 3161 time-stamp token, not checked/)
  t.match(unchecked.stdout, /PASS {2}时间戳：被盖时间戳的检查点包含该条目 timestamp: the time-stamped checkpoint contains the entry\n/, 'without --tsa-cert the stamped checkpoint is still checked')
  t.notMatch(unchecked.stdout, /TIME-STAMPED/, 'and no time is claimed')

  // A token from another TSA key fails.
  const otherCa = writePem(t, makeTsaKeys(t, { caName: 'another CA' }).tsaPem, 'other.pem')
  const other = await cli(['verify', file, '--key', L.vkey, '--tsa-cert', otherCa])
  t.equal(other.code, 1)
  t.match(other.stdout, /FAIL {2}可信时间戳 \(RFC 3161\) timestamp token\n {6}the token was signed by a TSA other than the configured one/)
  t.match(other.stdout, /NOT VERIFIED: failed at timestamp\./)

  // A token for another checkpoint fails: the newest token put on this bundle's stamped checkpoint.
  await L.append()
  await L.stampedAt(4)
  const four = await (await fetch(`${L.url}/v1/timestamps?size=4`)).json() as { token: string }
  const swapped: Bundle = structuredClone(b)
  swapped.timestamp!.token = four.token
  const s2 = await timestampSteps(swapped, L.vkey, parsePemCertificates(L.tsa.keys.tsaPem))
  t.same(s2.map((s) => [s.step, s.ok]), [['timestamp-checkpoint', true], ['timestamp', false]])
  t.match(s2[1].detail, /the token is for another document/)
  // …and so does the token's own checkpoint swapped in for the bundle's (the proofs no longer fit).
  const moved: Bundle = structuredClone(b)
  moved.timestamp!.checkpoint = (await (await fetch(`${L.url}/v1/timestamps?size=4`)).json() as { checkpoint: string }).checkpoint
  moved.timestamp!.token = four.token
  const s3 = await timestampSteps(moved, L.vkey, parsePemCertificates(L.tsa.keys.tsaPem))
  t.equal(s3[0].ok, false, s3[0].detail)
  // A receipt has no token: with --tsa-cert that is a failure, not a silent pass.
  const rfile = join(tempDir(t, 'el-tsa-r-'), 'receipt.json')
  writeFileSync(rfile, JSON.stringify(receipts[0]))
  const rc = await cli(['verify', rfile, '--key', L.vkey, '--tsa-cert', L.certPath])
  t.equal(rc.code, 1)
  t.match(rc.stdout, /no RFC 3161 time-stamp token in this document/)
})

t.test('TSA down: appends go on, stamping catches up when it returns; kill -9 keeps the tokens', async (t) => {
  const L = await ledgerWithTsa(t)
  await L.append()
  await L.stampedAt(1)
  const answeredBefore = L.tsa.answered

  await L.tsa.stop()
  for (let i = 0; i < 20; i++) await L.append() // each throws unless 201
  const down = await eventually('the failure in /readyz', async () => {
    const r = await L.ready()
    return (r.timestamping?.consecutiveFailures ?? 0) > 0 ? r : undefined
  })
  t.equal(down.treeSize, 21, 'all 20 appends were written while the TSA was down')
  t.equal(down.timestamping?.stampedSize, 1, 'nothing new stamped')
  t.equal(down.timestamping?.pendingSize, 21)
  t.match(down.timestamping?.lastError, /fetch failed|ECONNREFUSED/)
  const metrics = await (await fetch(`${L.url}/metrics`)).text()
  t.match(metrics, /ledger_tsa_requests\{result="failed"\} [1-9]/)
  t.match(metrics, /ledger_timestamped_tree_size 1\n/)
  t.equal(L.tsa.answered, answeredBefore)

  await L.tsa.start()
  const back = await L.stampedAt(21)
  t.equal(back.timestamping?.lastError, null)
  t.equal(back.timestamping?.consecutiveFailures, 0)
  // Coalesced: the 20 checkpoints written meanwhile did not each get a request.
  t.ok(L.tsa.answered - answeredBefore < 20, `${L.tsa.answered - answeredBefore} requests for 20 checkpoints`)

  const before = await (await fetch(`${L.url}/v1/timestamps?size=21`)).json() as { token: string; genTime: string }
  const answered = L.tsa.answered
  await L.kill9AndRestart()
  const after = await fetch(`${L.url}/v1/timestamps?size=21`)
  t.equal(after.status, 200, 'the token survived kill -9')
  t.same(await after.json(), { size: 21, ...before, checkpoint: (before as { checkpoint?: string }).checkpoint }, 'byte for byte')
  const r = await L.ready()
  t.equal(r.timestamping?.stampedSize, 21, 'the restarted ledger knows what is stamped')
  t.equal(r.timestamping?.pendingSize, null, 'and does not ask again for it')
  t.equal(L.tsa.answered, answered)
  // Bundles issued after the restart carry the stored token.
  const b = await L.bundle(evidenceId(1))
  const steps = await timestampSteps(b, L.vkey, parsePemCertificates(L.tsa.keys.tsaPem))
  t.ok(steps.every((s) => s.ok === true), JSON.stringify(steps))
  t.equal(parseCheckpointNote(b.timestamp!.checkpoint).checkpoint.size, 1, 'entry 0: the earliest token for a tree that holds it')
})
