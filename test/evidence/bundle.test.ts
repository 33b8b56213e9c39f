import t from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { generateSigner } from '../../chain/checkpoint.ts'
import { fromBase64, toBase64 } from '../../chain/encoding.ts'
import { allPassed, verifyBundle, type EvidenceBundleV1, type EvidenceBundleV2, type StepName } from '../../chain/verify.ts'
import { statementLeafHash, type Statement } from '../../chain/statement.ts'
import { bytesToHex } from '../../chain/encoding.ts'
import { buildBundleV1 } from '../../src/evidence-bundle.ts'
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
  return { app, auth, res, bundle: res.json() as EvidenceBundleV2, vkey }
}

const failedAt = (steps: ReturnType<typeof verifyBundle>): StepName[] => steps.filter((s) => s.ok === false).map((s) => s.step)

t.test('a court gets a bundle that verifies with only the ledger key', async (t) => {
  const { res, bundle, vkey, app, auth } = await bundleFixture(t)
  t.equal(res.statusCode, 200)
  t.equal(bundle.format, 'evidence-ledger/bundle/v2')
  t.equal(bundle.redacted, false)
  t.same((bundle.record as { authorizationId: string }).authorizationId, 'AUTH-7')
  t.same(bundle.related.map((r) => r.statement.kind), ['authorization-revocation'], 'the revocation is related')
  t.same((bundle.related[0].record as { authorizationId: string }).authorizationId, 'AUTH-7', 'with its record (court role)')
  t.equal(bundle.consent?.status, 'revoked', 'the consent status at issue time is stated')
  t.equal(bundle.consent?.revokedAt, bundle.related[0].statement.time)
  const steps = verifyBundle(bundle, vkey)
  t.same(steps.map((s) => s.step), ['commitment', 'leaf', 'inclusion', 'checkpoint', 'block', 'block-time', 'related', 'claims', 'redaction', 'consent'])
  t.ok(allPassed(steps), JSON.stringify(steps.filter((s) => !s.ok)))
  t.equal((await app.inject({ url: '/v1/evidence/data-authorization/AUTH-7', headers: await auth('auditor') })).statusCode, 403, 'auditors do not get payloads')
  t.equal((await app.inject({ url: '/v1/evidence/data-authorization/NOPE', headers: await auth('court') })).statusCode, 404)
})

t.test('each kind of tampering fails at the right step', async (t) => {
  const { bundle, vkey } = await bundleFixture(t)
  const tamper = (fn: (b: EvidenceBundleV2) => void): EvidenceBundleV2 => {
    const b = structuredClone(bundle)
    fn(b)
    return b
  }
  const salt = fromBase64(bundle.salt!)
  salt[0] ^= 1
  const main = bundle.entry.leafHash
  /** A revocation or redaction that names the leaf, as a forger would write it, with a "proof" borrowed from the real one. */
  const invented = (kind: Statement['kind']): EvidenceBundleV2 => tamper((b) => {
    const statement: Statement = { ...b.related[0].statement, kind, id: `forged-${kind}`, refs: [main] }
    b.related.push({ statement, entry: { index: b.related[0].entry.index + 1, leafHash: bytesToHex(statementLeafHash(statement)) }, inclusion: b.related[0].inclusion, record: null, salt: null })
  })
  const cases: [string, EvidenceBundleV2, string, StepName[]][] = [
    // The revocation alone decides "revoked", so an unproven record does not change the status.
    ['record', tamper((b) => { (b.record as { purpose: string }).purpose = 'marketing' }), vkey, ['commitment']],
    ['salt', tamper((b) => { b.salt = toBase64(salt) }), vkey, ['commitment']],
    ['statement', tamper((b) => { b.statement.time = '2020-01-01T00:00:00.000Z' }), vkey, ['leaf', 'inclusion', 'block-time']],
    ['a proof hash', tamper((b) => { b.inclusion.hashes[0] = b.inclusion.hashes[0].replace(/^./, (c) => (c === '0' ? '1' : '0')) }), vkey, ['inclusion']],
    ['the checkpoint signature', tamper((b) => { b.checkpoint = b.checkpoint.replace(/ ([A-Za-z0-9+/]{8})([A-Za-z0-9+/=]+\n)$/, (_m, a: string, rest: string) => ` ${a}${rest[0] === 'A' ? 'B' : 'A'}${rest.slice(1)}`) }), vkey, ['inclusion', 'checkpoint', 'block', 'related', 'consent']],
    ['the key (another ledger\'s)', bundle, generateSigner('test.example/ledger').vkey, ['inclusion', 'checkpoint', 'block', 'related', 'claims', 'consent']],
    ['the block header root', tamper((b) => { b.block.root = '00'.repeat(32) }), vkey, ['block', 'claims']],
    ['the block header time', tamper((b) => { b.block.time = '2027-01-01T00:00:00.000Z' }), vkey, ['block-time', 'claims']],
    ['(a) related deleted', tamper((b) => { b.related = [] }), vkey, ['claims', 'consent']],
    ['(a) related deleted and the consent claim rewritten to match', tamper((b) => { b.related = []; b.consent = { ...b.consent!, status: 'active', revokedAt: null } }), vkey, ['claims']],
    ['(b) the revocation moved to next year', tamper((b) => { b.related[0].statement.time = '2027-11-23T10:00:00.000Z' }), vkey, ['related', 'consent']],
    ['(b) … with its leaf hash recomputed', tamper((b) => { b.related[0].statement.time = '2027-11-23T10:00:00.000Z'; b.related[0].entry.leafHash = bytesToHex(statementLeafHash(b.related[0].statement)) }), vkey, ['related', 'claims', 'consent']],
    ['(c) an invented revocation', invented('authorization-revocation'), vkey, ['related', 'claims']],
    ['(c) an invented redaction', invented('redaction'), vkey, ['related', 'claims']],
    ['(d) redacted flipped', tamper((b) => { b.redacted = true; b.record = null; b.salt = null }), vkey, ['claims', 'redaction']],
    ['(d) redacted flipped, record kept', tamper((b) => { b.redacted = true }), vkey, ['commitment', 'claims', 'redaction']],
    ['the consent status', tamper((b) => { b.consent!.status = 'active' }), vkey, ['claims', 'consent']],
    ['the issue time', tamper((b) => { b.issuedAt = '2026-01-01T00:00:00.000Z' }), vkey, ['claims', 'consent']],
    ['a related record', tamper((b) => { (b.related[0].record as { reason: string }).reason = 'changed' }), vkey, ['related', 'consent']],
    ['the claims signature', tamper((b) => { b.claimsSignature.signature = toBase64(new Uint8Array(64)) }), vkey, ['claims']],
  ]
  for (const [what, b, key, expected] of cases) {
    const steps = verifyBundle(b, key)
    t.same(failedAt(steps), expected, `tampered ${what} fails at ${expected.join(', ')}`)
    t.notOk(allPassed(steps))
  }
})

t.test('dropping any single related entry fails; a checkpoint note is no claims signature', async (t) => {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  const rec = sampleRecords(8)
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: rec['data-authorization'] } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(300).evidence } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: rec['authorization-revocation'] } })
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/records/data-authorization/AUTH-8/payload', headers: await auth('admin'), payload: { reason: 'erasure request' } })).statusCode, 201)
  const bundle = (await app.inject({ url: '/v1/evidence/data-authorization/AUTH-8', headers: await auth('court') })).json() as EvidenceBundleV2
  const vkey = (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  t.same(bundle.related.map((r) => r.statement.kind), ['authorization-revocation', 'redaction'])
  t.equal(bundle.redacted, true)
  t.ok(allPassed(verifyBundle(bundle, vkey)), 'the erased, revoked authorization verifies')
  for (let i = 0; i < bundle.related.length; i++) {
    const b = structuredClone(bundle)
    b.related.splice(i, 1)
    const failed = failedAt(verifyBundle(b, vkey))
    t.ok(failed.includes('claims'), `dropping related entry ${i} (${bundle.related[i].statement.kind}) fails the signed claims: ${failed.join(', ')}`)
  }
  // The checkpoint's own signature, put where the claims signature goes, does not verify.
  const sig = bundle.checkpoint.trim().split('\n').at(-1)!.split(' ').at(-1)!
  const b = structuredClone(bundle)
  b.claimsSignature.signature = toBase64(fromBase64(sig).subarray(4))
  t.same(failedAt(verifyBundle(b, vkey)), ['claims'])
})

t.test('v1 bundles (issued before v2) still verify; their block time is now checked too', async (t) => {
  const { app, vkey } = await bundleFixture(t)
  const v1 = (await buildBundleV1(app.ledger, 'data-authorization', 'AUTH-7'))!
  t.equal(v1.format, 'evidence-ledger/bundle/v1')
  const steps = verifyBundle(v1, vkey)
  t.same(steps.map((s) => s.step), ['commitment', 'leaf', 'inclusion', 'checkpoint', 'block', 'block-time', 'related'])
  t.ok(allPassed(steps), JSON.stringify(steps.filter((s) => !s.ok)))
  const edited: EvidenceBundleV1 = { ...v1, block: { ...v1.block, time: '2027-01-01T00:00:00.000Z' } }
  t.same(failedAt(verifyBundle(edited, vkey)), ['block-time'])
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
  t.match(ok.stdout, /PASS {2}记录与承诺值一致 record matches its commitment \[commitment\]/)
  t.match(ok.stdout, /VERIFIED/)
  const failed = await run(process.execPath, [CLI, 'verify', bad, '--key', vkey, '--json']).catch((e: { code: number; stdout: string }) => e)
  t.equal((failed as { code: number }).code, 1, 'exit 1 on a failed step')
  const report = JSON.parse((failed as { stdout: string }).stdout) as { ok: boolean; steps: { step: string; ok: boolean | null }[] }
  t.equal(report.ok, false)
  t.same(report.steps.filter((s) => s.ok === false).map((s) => s.step), ['commitment'])
  const edits: [string, (b: EvidenceBundleV2) => void, StepName][] = [
    ['(a) related deleted', (b) => { b.related = [] }, 'claims'],
    ['(b) revocation time moved', (b) => { b.related[0].statement.time = '2027-11-23T10:00:00.000Z' }, 'related'],
    ['(c) invented redaction', (b) => { b.related.push({ ...b.related[0], statement: { ...b.related[0].statement, kind: 'redaction' } }) }, 'related'],
    ['(d) redacted flipped', (b) => { b.redacted = true; b.record = null; b.salt = null }, 'redaction'],
    ['block time', (b) => { b.block.time = '2027-01-01T00:00:00.000Z' }, 'block-time'],
  ]
  for (const [what, edit, step] of edits) {
    const b = structuredClone(bundle)
    edit(b)
    const file = join(dir, 'edited.json')
    writeFileSync(file, JSON.stringify(b))
    const r = await run(process.execPath, [CLI, 'verify', file, '--key', keyFile]).catch((e: { code: number; stdout: string }) => e)
    t.equal((r as { code?: number }).code, 1, `${what}: exit 1`)
    t.match(r.stdout, new RegExp(`FAIL .*\\[${step}\\]`), `${what}: names the ${step} step`)
    t.match(r.stdout, /NOT VERIFIED/)
  }
  const badKey = await run(process.execPath, [CLI, 'verify', good, '--key', 'not-a-key']).catch((e: { code: number; stderr: string }) => e)
  t.equal((badKey as { code: number }).code, 2)
  t.match((badKey as { stderr: string }).stderr, /verifier key/, 'a malformed key is explained, no stack trace')
  t.notMatch((badKey as { stderr: string }).stderr, /at .*\.ts:/)
})
