import t from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateSigner } from '../../chain/checkpoint.ts'
import { fromBase64, toBase64 } from '../../chain/encoding.ts'
import { allPassed, verifyBundle, type EvidenceBundle, type StepName } from '../../chain/verify.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'

const run = promisify(execFile)
const CLI = new URL('../../bin/evidence-ledger.js', import.meta.url).pathname

async function bundleFixture(t: Parameters<typeof makeApp>[0]) {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  const rec = sampleRecords(7)
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(200 + i).evidence } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: rec['data-authorization'] } })
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(100 + i).evidence } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: rec['authorization-revocation'] } })
  const res = await app.inject({ url: '/v1/evidence/data-authorization/AUTH-7', headers: await auth('court') })
  const vkey = (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  return { app, auth, res, bundle: res.json() as EvidenceBundle, vkey }
}

const failedAt = (steps: ReturnType<typeof verifyBundle>): StepName[] => steps.filter((s) => s.ok === false).map((s) => s.step)

t.test('a court gets a bundle that verifies with only the ledger key', async (t) => {
  const { res, bundle, vkey, app, auth } = await bundleFixture(t)
  t.equal(res.statusCode, 200)
  t.equal(bundle.format, 'evidence-ledger/bundle/v1')
  t.equal(bundle.redacted, false)
  t.same((bundle.record as { authorizationId: string }).authorizationId, 'AUTH-7')
  t.same(bundle.related.map((s) => s.kind), ['authorization-revocation'], 'the revocation is related')
  const steps = verifyBundle(bundle, vkey)
  t.same(steps.map((s) => s.step), ['commitment', 'leaf', 'inclusion', 'checkpoint', 'block', 'related'])
  t.ok(allPassed(steps), JSON.stringify(steps.filter((s) => !s.ok)))
  t.equal((await app.inject({ url: '/v1/evidence/data-authorization/AUTH-7', headers: await auth('auditor') })).statusCode, 403, 'auditors do not get payloads')
  t.equal((await app.inject({ url: '/v1/evidence/data-authorization/NOPE', headers: await auth('court') })).statusCode, 404)
})

t.test('each kind of tampering fails at the right step', async (t) => {
  const { bundle, vkey } = await bundleFixture(t)
  const tamper = (fn: (b: EvidenceBundle) => void): EvidenceBundle => {
    const b = structuredClone(bundle)
    fn(b)
    return b
  }
  const salt = fromBase64(bundle.salt!)
  salt[0] ^= 1
  const cases: [string, EvidenceBundle | null, string, StepName[]][] = [
    ['record', tamper((b) => { (b.record as { purpose: string }).purpose = 'marketing' }), vkey, ['commitment']],
    ['salt', tamper((b) => { b.salt = toBase64(salt) }), vkey, ['commitment']],
    ['statement', tamper((b) => { b.statement.time = '2020-01-01T00:00:00.000Z' }), vkey, ['leaf', 'inclusion']],
    ['statement commitment (with matching record)', tamper((b) => { b.statement.commitment = 'sha256:' + '00'.repeat(32) }), vkey, ['commitment', 'leaf', 'inclusion']],
    ['a proof hash', tamper((b) => { b.inclusion.hashes[0] = b.inclusion.hashes[0].replace(/^./, (c) => (c === '0' ? '1' : '0')) }), vkey, ['inclusion']],
    ['the checkpoint root', tamper((b) => { b.checkpoint = b.checkpoint.replace(/\n([A-Za-z0-9+/]{4})/, (_m, g: string) => '\n' + (g === 'AAAA' ? 'BBBB' : 'AAAA')) }), vkey, ['inclusion', 'checkpoint', 'block']],
    ['the checkpoint signature', tamper((b) => { b.checkpoint = b.checkpoint.replace(/ ([A-Za-z0-9+/]{8})([A-Za-z0-9+/=]+\n)$/, (_m, a: string, rest: string) => ` ${a}${rest[0] === 'A' ? 'B' : 'A'}${rest.slice(1)}`) }), vkey, ['inclusion', 'checkpoint', 'block']],
    ['the key (another ledger\'s)', bundle, generateSigner('test.example/ledger').vkey, ['inclusion', 'checkpoint', 'block']],
    ['the block header', tamper((b) => { b.block.root = '00'.repeat(32) }), vkey, ['block']],
    ['a related statement', tamper((b) => { b.related[0].refs = ['11'.repeat(32)] }), vkey, ['related']],
  ]
  for (const [what, b, key, expected] of cases) {
    const steps = verifyBundle(b!, key)
    t.same(failedAt(steps), expected, `tampered ${what} fails at ${expected.join(', ')}`)
    t.notOk(allPassed(steps))
  }
})

t.test('evidence-ledger verify: plain words, exit 0 only if all pass, --json for machines', async (t) => {
  const { bundle, vkey } = await bundleFixture(t)
  const dir = tempDir(t)
  const good = join(dir, 'good.json')
  const bad = join(dir, 'bad.json')
  const keyFile = join(dir, 'ledger.vkey')
  writeFileSync(good, JSON.stringify(bundle))
  writeFileSync(bad, JSON.stringify({ ...bundle, record: { ...(bundle.record as object), purpose: 'changed' } }))
  writeFileSync(keyFile, vkey + '\n')
  const ok = await run(process.execPath, [CLI, 'verify', good, '--key', keyFile])
  t.match(ok.stdout, /PASS {2}record matches its commitment/)
  t.match(ok.stdout, /VERIFIED/)
  const failed = await run(process.execPath, [CLI, 'verify', bad, '--key', vkey, '--json']).catch((e: { code: number; stdout: string }) => e)
  t.equal((failed as { code: number }).code, 1, 'exit 1 on a failed step')
  const report = JSON.parse((failed as { stdout: string }).stdout) as { ok: boolean; steps: { step: string; ok: boolean | null }[] }
  t.equal(report.ok, false)
  t.same(report.steps.filter((s) => s.ok === false).map((s) => s.step), ['commitment'])
  const badKey = await run(process.execPath, [CLI, 'verify', good, '--key', 'not-a-key']).catch((e: { code: number; stderr: string }) => e)
  t.equal((badKey as { code: number }).code, 2)
  t.match((badKey as { stderr: string }).stderr, /verifier key/, 'a malformed key is explained, no stack trace')
  t.notMatch((badKey as { stderr: string }).stderr, /at .*\.ts:/)
})
