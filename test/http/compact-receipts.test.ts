// Compact batch receipts: opt-in, a fraction of the bytes, and expanding them gives the
// ordinary receipts byte for byte, each verified by the same code; tampering with the
// shared checkpoint or any item's proof is caught.
import t from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { tempDir, uscc } from '../helpers/fixtures.ts'
import { compactReceipts, expandCompactReceipts, verifyCompactBatch, type BatchResult, type CompactBatch } from '../../chain/compact-receipts.ts'
import { allPassed, verifyReceipt } from '../../chain/verify.ts'
import { CLI } from '../../scripts/server-process.ts'

const run = promisify(execFile)
const evidence = (i: number) => ({ kind: 'evidence', record: { evidenceId: `EV-${i}`, subject: uscc(i % 7), title: `借款合同 ${i}`, documents: [{ name: `${i}.pdf`, sha256: 'ab'.repeat(32), size: i }] } })

t.test('the ordinary answer of a batch compacts and expands back byte for byte', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  await app.inject({ method: 'POST', url: '/v1/records', headers, payload: evidence(0) })
  const records: unknown[] = [evidence(0), ...Array.from({ length: 1000 - 3 }, (_, i) => evidence(i + 1)), { kind: 'evidence', record: { nope: 1 } },
    { kind: 'data-authorization', record: sampleRecords(3)['data-authorization'] }]
  const res = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records } })
  const ordinary = res.json() as { results: BatchResult[] }
  t.same(ordinary.results.map((r) => r.status).filter((s) => s !== 201), [200, 400], 'a replay and a refusal among the new ones')
  const compact = compactReceipts(ordinary.results)
  t.equal(JSON.stringify({ results: expandCompactReceipts(compact) }), res.body, 'expanded = the ordinary answer, byte for byte')
  const ratio = JSON.stringify(compact).length / res.body.length
  t.comment(`1000-record batch: ordinary ${res.body.length} bytes, compact ${JSON.stringify(compact).length}`)
  t.ok(ratio < 0.4, `compact is ${(ratio * 100).toFixed(0)}% of the ordinary bytes`)
})

t.test('?receipts=compact and Prefer: receipts=compact answer compactly; every item verifies', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const keys = await app.inject({ url: '/v1/keys' })
  const vkey = (keys.json() as { keys: { vkey: string; current: boolean }[] }).keys.find((k) => k.current)!.vkey
  for (const [label, url, extra] of [['query', '/v1/records:batch?receipts=compact', {}], ['Prefer header', '/v1/records:batch', { prefer: 'return=minimal, receipts=compact' }]] as const) {
    const base = label === 'query' ? 1000 : 2000
    const res = await app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload: { records: Array.from({ length: 100 }, (_, i) => evidence(base + i)) } })
    t.equal(res.statusCode, 200, label)
    t.equal(res.headers['preference-applied'], 'receipts=compact', label)
    const compact = res.json() as CompactBatch
    t.equal(compact.format, 'evidence-ledger/compact-receipts/v1')
    const checks = verifyCompactBatch(compact, vkey)
    t.equal(checks.filter((c) => c.ok === true).length, 100, `${label}: all 100 receipts verify`)
    for (const r of expandCompactReceipts(compact)) t.ok(allPassed(verifyReceipt(r.receipt!, vkey)))
  }
  const plain = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: [evidence(3000)] } })
  t.ok('results' in plain.json(), 'without asking, the ordinary form')
  t.equal(plain.headers['preference-applied'], undefined)
})

t.test('tampering with the shared checkpoint or any item\'s proof fails, in the library and the CLI', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const vkey = ((await app.inject({ url: '/v1/keys' })).json() as { keys: { vkey: string }[] }).keys[0].vkey
  const res = await app.inject({ method: 'POST', url: '/v1/records:batch?receipts=compact', headers, payload: { records: Array.from({ length: 40 }, (_, i) => evidence(i)) } })
  const good = res.json() as CompactBatch
  const copy = () => structuredClone(good)

  const badCheckpoint = copy()
  badCheckpoint.shared!.checkpoint = badCheckpoint.shared!.checkpoint.replace(/\n40\n/, '\n41\n')
  t.equal(verifyCompactBatch(badCheckpoint, vkey).filter((c) => c.ok).length, 0, 'a changed shared checkpoint fails every item')

  const badNode = copy()
  const used = (badNode.results[7] as { path: number[] }).path[0]
  badNode.nodes[used] = badNode.nodes[used].replace(/^./, (c) => (c === '0' ? '1' : '0'))
  const nodeChecks = verifyCompactBatch(badNode, vkey)
  t.equal(nodeChecks[7].ok, false, 'an item whose proof uses a changed node fails')
  t.ok(nodeChecks.some((c) => c.ok === true), 'items that do not use it still verify')

  const badPath = copy()
  const p = (badPath.results[12] as { path: number[] }).path
  p[0] = (p[0] + 1) % badPath.nodes.length
  t.equal(verifyCompactBatch(badPath, vkey)[12].ok, false, 'a changed path position fails its item')

  const dir = tempDir(t)
  writeFileSync(join(dir, 'good.json'), JSON.stringify(good))
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(badNode))
  const ok = await run(process.execPath, [CLI, 'verify', join(dir, 'good.json'), '--key', vkey])
  t.match(ok.stdout, /VERIFIED: this batch of receipts is authentic/)
  const bad = await run(process.execPath, [CLI, 'verify', join(dir, 'bad.json'), '--key', vkey]).then(() => ({ code: 0, stdout: '' }), (e: { code: number; stdout: string }) => e)
  t.equal(bad.code, 1)
  t.match(bad.stdout, /FAIL  .*\n\s+item 7 \(status 201\)/)
})
