// Erasure that leaves no trace: after DELETE …/payload returns, no file under DATA_DIR (nor
// an export taken afterwards) holds the erased record's words or its salt — not when the
// DELETE returns, not after SIGTERM, not after a restart — while the records that shared
// its block stay readable.
import t from 'tap'
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, startServer, waitExit, type ServerProcess } from '../../scripts/server-process.ts'
import { tempDir, uscc } from '../helpers/fixtures.ts'

const run = promisify(execFile)

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

function holders(dir: string, needles: Buffer[]): string[] {
  return filesUnder(dir).filter((f) => {
    const bytes = readFileSync(f)
    return needles.some((n) => bytes.includes(n))
  })
}

t.test('an erased record and its salt are in no file of DATA_DIR after the DELETE, after SIGTERM and after a restart', async (t) => {
  const dir = tempDir(t, 'el-shred-')
  const env = { ...process.env, DATA_DIR: dir }
  let server: ServerProcess = await startServer({ DATA_DIR: dir })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const submitter = (await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env })).stdout.trim()
  const admin = (await run(process.execPath, [CLI, 'token', '--role', 'admin', '--sub', 'ops'], { env })).stdout.trim()
  const call = (method: string, path: string, token: string, body?: unknown) => fetch(`${server.url}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  })

  const secret = `唯一申请人-${process.pid}-${Date.now()}科技有限公司`
  const application = (n: number, name: string) => ({
    kind: 'financing-application',
    record: {
      applicationId: `APP-${n}`, applicant: { uscc: uscc(n), name }, product: '税易贷', amount: { value: '500000.00', currency: 'CNY' },
      termMonths: 12, purpose: `流动资金 ${n}`, submittedAt: '2026-11-23T10:00:00+08:00', channel: 'web', attachments: [],
    },
  })
  // One batch = one block: the erased record shares its block (and its block key) with others.
  const batch = await call('POST', '/v1/records:batch', submitter, { records: [application(1, '邻居甲公司'), application(2, secret), application(3, '邻居乙公司')] })
  t.equal(batch.status, 200)
  t.same(((await batch.json()) as { results: { status: number }[] }).results.map((r) => r.status), [201, 201, 201])
  t.equal((await call('POST', '/v1/records', submitter, application(4, '后来的公司'))).status, 201)

  const view = await (await call('GET', '/v1/records/financing-application/APP-2', admin)).json() as { payload: { salt: string } }
  const salt = view.payload.salt
  const needles = [Buffer.from(secret), Buffer.from(salt), Buffer.from(salt, 'base64')]
  t.same(holders(dir, needles), [], 'the record was never on disk in plain text')

  const erased = await call('DELETE', '/v1/records/financing-application/APP-2/payload', admin, { reason: 'PIPL 删除请求' })
  t.equal(erased.status, 201)
  t.same(holders(dir, needles), [], 'nothing after the DELETE returned')
  for (const n of [1, 3, 4]) {
    const v = await (await call('GET', `/v1/records/financing-application/APP-${n}`, admin)).json() as { payload: { record: { applicant: { name: string } } } | null }
    t.ok(v.payload, `APP-${n} still has its record`)
  }
  const gone = await (await call('GET', '/v1/records/financing-application/APP-2', admin)).json() as { payload: unknown; redacted: boolean }
  t.equal(gone.payload, null)
  t.equal(gone.redacted, true)

  const backup = join(tempDir(t), 'after.ndjson')
  await run(process.execPath, [CLI, 'export', '--url', server.url, '--token', admin, '--out', backup], { env })
  // Payloads travel base64-encoded in a backup: look at the file and at every decoded payload.
  const exported = readFileSync(backup)
  const payloads = exported.toString('utf8').split('\n').filter(Boolean)
    .flatMap((l) => (JSON.parse(l) as { entries?: { payload?: string }[] }).entries ?? [])
    .filter((e) => e.payload).map((e) => Buffer.from(e.payload!, 'base64'))
  t.notOk([exported, ...payloads].some((b) => needles.some((n) => b.includes(n))), 'an export taken after the erasure holds neither')
  t.ok(payloads.some((p) => p.includes(Buffer.from('邻居甲公司'))), 'but it holds the neighbours')

  server.child.kill('SIGTERM')
  t.equal((await waitExit(server.child)).code, 0)
  t.same(holders(dir, needles), [], 'nothing after SIGTERM')
  server = await startServer({ DATA_DIR: dir })
  t.same(holders(dir, needles), [], 'nothing after a restart')
  const again = await (await call('GET', '/v1/records/financing-application/APP-1', admin)).json() as { payload: { record: { applicant: { name: string } } } }
  t.equal(again.payload.record.applicant.name, '邻居甲公司', 'a neighbour re-sealed under a new key reads back after the restart')
  server.child.kill('SIGTERM')
  await waitExit(server.child)
})
