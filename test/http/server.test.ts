// End to end over real HTTP: the service started the way the README starts it
// (`node bin/evidence-ledger.js serve` with PORT and DATA_DIR), a token from the CLI, a
// receipt verified against the served keys, and SIGTERM draining in-flight appends.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CLI, startServer, waitExit } from '../../scripts/server-process.ts'
import { verifyReceipt, type Receipt } from '../../chain/verify.ts'
import { tempDir, uscc } from '../helpers/fixtures.ts'
import { sampleRecords } from '../helpers/app.ts'

const run = promisify(execFile)

async function cliToken(dataDir: string, role: string): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [CLI, 'token', '--role', role, '--sub', 'zhr-platform', '--ttl', '15m'], { env: { ...process.env, DATA_DIR: dataDir } })
  t.equal(stderr, '', 'token command writes nothing to stderr')
  t.match(stdout, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/, 'token command prints only the token')
  return stdout.trim()
}

t.test('the real server: CLI token, receipt verifies against /v1/keys, SIGTERM exits 0', async (t) => {
  const dataDir = tempDir(t, 'el-e2e-')
  const s = await startServer({ DATA_DIR: dataDir })
  t.teardown(() => { if (s.child.exitCode === null) s.child.kill('SIGKILL') })
  const token = await cliToken(dataDir, 'submitter')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

  const res = await fetch(`${s.url}/v1/records`, { method: 'POST', headers, body: JSON.stringify({ kind: 'data-authorization', record: sampleRecords(5)['data-authorization'] }) })
  t.equal(res.status, 201)
  t.match(res.headers.get('content-type'), /^application\/json/)
  t.equal(res.headers.get('x-content-type-options'), 'nosniff', 'helmet headers are set')
  const receipt = (await res.json()) as Receipt
  const keys = (await (await fetch(`${s.url}/v1/keys`)).json()) as { origin: string; keys: { vkey: string; current: boolean }[] }
  t.equal(keys.origin, 'localhost/evidence-ledger', 'default origin')
  const steps = verifyReceipt(receipt, keys.keys.find((k) => k.current)!.vkey)
  t.ok(steps.every((x) => x.ok), `receipt verifies over HTTP: ${JSON.stringify(steps)}`)

  const cp = await fetch(`${s.url}/v1/checkpoint`)
  t.match(cp.headers.get('content-type'), /^text\/plain/)
  t.equal(await cp.text(), receipt.checkpoint, 'the served checkpoint is the one in the receipt')

  const denied = await fetch(`${s.url}/v1/entries/0`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(denied.status, 403)
  t.equal(denied.headers.get('content-type'), 'application/problem+json; charset=utf-8')

  s.child.kill('SIGTERM')
  const exit = await waitExit(s.child)
  t.same(exit, { code: 0, signal: null }, 'SIGTERM stops the service with exit code 0')
  t.notMatch(s.output(), /\n\s+at /, 'no stack trace in the output')
})

t.test('SIGTERM during a burst: every acknowledged record is there after restart', async (t) => {
  const dataDir = tempDir(t, 'el-drain-')
  const s = await startServer({ DATA_DIR: dataDir })
  t.teardown(() => { if (s.child.exitCode === null) s.child.kill('SIGKILL') })
  const token = await cliToken(dataDir, 'submitter')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const N = 300
  let firstAnswer!: () => void
  const answered = new Promise<void>((r) => { firstAnswer = r })
  const attempts = Array.from({ length: N }, async (_, i) => {
    const body = JSON.stringify({ kind: 'evidence', id: `EV-D${i}`, subject: uscc(i % 20), commitment: 'sha256:' + i.toString(16).padStart(64, '0') })
    try {
      const res = await fetch(`${s.url}/v1/records`, { method: 'POST', headers, body })
      firstAnswer()
      return { i, status: res.status, receipt: res.status === 201 ? ((await res.json()) as Receipt) : undefined }
    } catch {
      firstAnswer()
      return { i, status: 0, receipt: undefined } // connection refused or reset: not acknowledged
    }
  })
  await answered
  s.child.kill('SIGTERM')
  const results = await Promise.all(attempts)
  t.same(await waitExit(s.child), { code: 0, signal: null }, 'exit code 0 while appends were in flight')
  const acked = results.filter((r) => r.status === 201)
  t.ok(acked.length > 0, `${acked.length} of ${N} acknowledged before shutdown`)
  t.same([...new Set(results.map((r) => r.status))].filter((x) => ![0, 201, 503].includes(x)), [], 'only 201, 503 or no connection')

  const again = await startServer({ DATA_DIR: dataDir })
  t.teardown(() => { if (again.child.exitCode === null) again.child.kill('SIGKILL') })
  const auditor = await cliToken(dataDir, 'auditor')
  let present = 0
  for (const r of acked) {
    const res = await fetch(`${again.url}/v1/records/evidence/EV-D${r.i}`, { headers: { authorization: `Bearer ${auditor}` } })
    const view = (await res.json()) as { receipt: Receipt }
    if (res.status === 200 && view.receipt.entry.index === r.receipt!.entry.index && view.receipt.entry.leafHash === r.receipt!.entry.leafHash) present++
  }
  t.equal(present, acked.length, 'every acknowledged receipt is found at its index after restart')
  again.child.kill('SIGTERM')
  t.equal((await waitExit(again.child)).code, 0)
})
