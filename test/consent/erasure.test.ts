// DELETE /v1/records/:kind/:id/payload: PIPL erasure. The record and salt leave the
// database; the statement, the tree and every proof stay; a redaction entry says who erased
// what and why. Refusals are problems and write nothing.
import t, { type Test } from 'tap'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, fromBase64, hexToBytes, utf8ToBytes } from '../../chain/encoding.ts'
import { canonicalBytes, recordCommitment } from '../../chain/statement.ts'
import { storeOf } from '../../chain/storage.ts'
import { verifyCheckpoint, verifyInclusion } from '../../chain/verify.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'
import { rowsHold, storedRows } from '../helpers/stored-rows.ts'

const FIRM = uscc(707)

async function setup(t: Test) {
  const h = await makeApp(t)
  const bank = await h.auth('submitter', 'bank-a')
  const admin = await h.auth('admin', 'dpo@bank-a')
  const records = sampleRecords(7, FIRM)
  const authorization = { ...records['data-authorization'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' }
  const created = await h.app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: authorization } })
  t.equal(created.statusCode, 201)
  const erase = (kind: string, id: string, payload: Record<string, unknown> | undefined, headers: Record<string, string> = admin) =>
    h.app.inject({ method: 'DELETE', url: `/v1/records/${kind}/${id}/payload`, headers, ...(payload === undefined ? {} : { payload }) })
  return { ...h, bank, admin, authorization, receipt: created.json(), erase }
}

t.test('refused erasures are problems and write nothing', async (t) => {
  const { app, erase, auth } = await setup(t)
  const size = app.ledger.log.size
  const cases: [string, Promise<{ statusCode: number; headers: Record<string, unknown> }>, number][] = [
    ['no body', erase('data-authorization', 'AUTH-7', undefined), 400],
    ['empty reason', erase('data-authorization', 'AUTH-7', { reason: '' }), 400],
    ['unknown field', erase('data-authorization', 'AUTH-7', { reason: 'x', also: 1 }), 400],
    ['reason too long', erase('data-authorization', 'AUTH-7', { reason: 'x'.repeat(501) }), 400],
    ['redactions are not erasable', erase('redaction', 'data-authorization:AUTH-7', { reason: 'x' }), 400],
    ['unknown kind', erase('contract', 'AUTH-7', { reason: 'x' }), 400],
    ['unknown record', erase('data-authorization', 'AUTH-NONE', { reason: 'x' }), 404],
    ['submitter', erase('data-authorization', 'AUTH-7', { reason: 'x' }, await auth('submitter', 'bank-a')), 403],
    ['auditor', erase('data-authorization', 'AUTH-7', { reason: 'x' }, await auth('auditor')), 403],
    ['court', erase('data-authorization', 'AUTH-7', { reason: 'x' }, await auth('court')), 403],
    ['no token', erase('data-authorization', 'AUTH-7', { reason: 'x' }, {}), 401],
  ]
  for (const [name, res, status] of cases) {
    const r = await res
    t.equal(r.statusCode, status, name)
    t.match(r.headers['content-type'], /application\/problem\+json/, `${name}: problem+json`)
  }
  t.equal(app.ledger.log.size, size, 'the log did not grow')
  t.ok(await app.ledger.payload(0), 'the payload is still there')
})

t.test('the redaction entry: who, what, why — its commitment opens with its own payload', async (t) => {
  const { app, erase, auth, receipt } = await setup(t)
  const res = await erase('data-authorization', 'AUTH-7', { reason: 'PIPL art. 47 request #88' })
  t.equal(res.statusCode, 201)
  const s = res.json().statement
  t.same([s.kind, s.id, s.subject, s.submitter, s.refs], ['redaction', 'data-authorization:AUTH-7', FIRM, 'dpo@bank-a', [receipt.entry.leafHash]])
  const view = (await app.inject({ url: '/v1/records/redaction/data-authorization:AUTH-7', headers: await auth('court') })).json()
  t.same(view.payload.record, { erasedKind: 'data-authorization', erasedId: 'AUTH-7', erased: receipt.entry.leafHash, reason: 'PIPL art. 47 request #88' })
  t.equal(recordCommitment(fromBase64(view.payload.salt), view.payload.record), s.commitment, 'sha256(salt ‖ canonical(record)) is the redaction commitment')
  t.not(recordCommitment(fromBase64(view.payload.salt), { ...view.payload.record, reason: 'something else' }), s.commitment, 'and binds the reason')
  const auditorView = (await app.inject({ url: '/v1/records/redaction/data-authorization:AUTH-7', headers: await auth('auditor') })).json()
  t.notOk('payload' in auditorView, 'auditors see that a redaction happened, not its reason')
})

t.test('after erasure the record and salt are nowhere in the database, the statement is unchanged', async (t) => {
  const h = await setup(t)
  const { app, erase, auth, receipt, authorization } = h
  const before = await app.ledger.payload(0)
  const salt = before!.salt
  const store = storeOf(app.ledger.log.storage)
  const statementBefore = await store.entry(0)
  t.equal((await erase('data-authorization', 'AUTH-7', { reason: 'PIPL' })).statusCode, 201)
  t.equal(await app.ledger.payload(0), null)
  const needles: [string, Uint8Array][] = [
    ['the salt as text', utf8ToBytes(salt)], ['the salt\'s bytes', fromBase64(salt)],
    ['the grantor\'s name', utf8ToBytes(authorization.grantor.name)], ['the record\'s canonical bytes', canonicalBytes(authorization)],
  ]
  const rows = await storedRows(h)
  // Named, not printed: raw salt bytes in a test name put binary in the TAP log.
  for (const [what, n] of needles) t.notOk(rowsHold(rows, n), `no stored row holds ${what}`)
  t.ok(rows.length > 10, `${rows.length} rows searched`)
  // The search can find what is there: the statement's own bytes are.
  t.ok(rowsHold(rows, statementBefore!.statement), 'the search finds the statement')
  t.same((await store.entry(0))!.statement, statementBefore!.statement, 'the statement bytes are untouched')
  const view = (await app.inject({ url: '/v1/records/data-authorization/AUTH-7', headers: await auth('admin') })).json()
  t.equal(view.payload, null)
  t.equal(view.redacted, true)
  t.same(view.statement, receipt.statement)
})

t.test('the erased entry is still provable against the newest checkpoint', async (t) => {
  const { app, erase, receipt } = await setup(t)
  t.equal((await erase('data-authorization', 'AUTH-7', { reason: 'PIPL' })).statusCode, 201)
  const vkey = (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  const signed = verifyCheckpoint((await app.inject({ url: '/v1/checkpoint' })).body, vkey)
  if (!signed.ok) throw new Error('the newest checkpoint does not verify')
  const checkpoint = signed.checkpoint
  const proof = (await app.inject({ url: `/v1/proofs/inclusion?leaf=${receipt.entry.leafHash}&size=${checkpoint.size}` })).json()
  t.equal(checkpoint.size, 2)
  t.ok(verifyInclusion(hexToBytes(receipt.entry.leafHash), proof.index, checkpoint.size, proof.hashes.map(hexToBytes), checkpoint.root))
  const tampered = bytesToHex(sha256(hexToBytes(receipt.entry.leafHash)))
  t.notOk(verifyInclusion(hexToBytes(tampered), proof.index, checkpoint.size, proof.hashes.map(hexToBytes), checkpoint.root), 'another leaf does not verify')
})

t.test('erasing twice is a 409 and writes nothing; two concurrent erasures make one redaction', async (t) => {
  const { app, erase, bank } = await setup(t)
  const [a, b] = await Promise.all([erase('data-authorization', 'AUTH-7', { reason: 'first' }), erase('data-authorization', 'AUTH-7', { reason: 'second' })])
  t.same([a.statusCode, b.statusCode].sort(), [201, 409])
  const size = app.ledger.log.size
  t.equal(size, 2)
  const again = await erase('data-authorization', 'AUTH-7', { reason: 'third' })
  t.equal(again.statusCode, 409)
  t.match(again.json().detail, /already erased/)
  t.equal(app.ledger.log.size, size)
  const hashOnly = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', id: 'EV-HASH-7', subject: FIRM, commitment: 'sha256:' + '7'.repeat(64) } })
  t.equal(hashOnly.statusCode, 201)
  const refused = await erase('evidence', 'EV-HASH-7', { reason: 'x' })
  t.equal(refused.statusCode, 409)
  t.match(refused.json().detail, /hash-only/)
  t.equal(app.ledger.log.size, size + 1, 'only the hash-only entry itself was written')
})

t.test('erasing a revocation keeps the authorization revoked: the status needs only its ledger time', async (t) => {
  const { app, erase, bank, auth } = await setup(t)
  const rev = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: { authorizationId: 'AUTH-7', revokedAt: '2026-06-01T00:00:00Z', reason: 'withdrawn' } } })
  t.equal(rev.statusCode, 201)
  t.equal((await erase('authorization-revocation', 'AUTH-7', { reason: 'PIPL' })).statusCode, 201)
  const at = encodeURIComponent(rev.json().statement.time)
  const status = (await app.inject({ url: `/v1/authorizations/AUTH-7/status?at=${at}&category=tax`, headers: await auth('auditor') })).json()
  t.equal(status.status, 'revoked')
  t.equal(status.revocation.entry.leafHash, rev.json().entry.leafHash)
})

t.test('erasing the authorization: status is 410 Gone, and a revocation can still be recorded', async (t) => {
  const { app, erase, bank, auth, receipt } = await setup(t)
  t.equal((await erase('data-authorization', 'AUTH-7', { reason: 'PIPL' })).statusCode, 201)
  const status = await app.inject({ url: '/v1/authorizations/AUTH-7/status', headers: await auth('auditor') })
  t.equal(status.statusCode, 410)
  t.equal(status.json().type, 'urn:evidence-ledger:problem:gone')
  const rev = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: { authorizationId: 'AUTH-7', revokedAt: '2026-06-01T00:00:00Z', reason: 'withdrawn' } } })
  t.equal(rev.statusCode, 201, 'withdrawing consent never depends on the terms being kept')
  t.same(rev.json().statement.refs, [receipt.entry.leafHash])
})

t.test('a 128-character business id can be erased and its status asked (the router allows long params)', async (t) => {
  const { app, erase, bank, auth } = await setup(t)
  const id = 'A' + 'x'.repeat(127)
  const record = { ...sampleRecords(8, FIRM)['data-authorization'], authorizationId: id, validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' }
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record } })).statusCode, 201)
  t.equal((await app.inject({ url: `/v1/authorizations/${id}/status?category=tax`, headers: await auth('auditor') })).json().status, 'active')
  const res = await erase('data-authorization', id, { reason: 'PIPL' })
  t.equal(res.statusCode, 201)
  t.equal(res.json().statement.id, `data-authorization:${id}`)
  t.equal(res.json().statement.id.length, 147)
  const bundle = await app.inject({ url: `/v1/evidence/data-authorization/${id}`, headers: await auth('court') })
  t.equal(bundle.json().redacted, true)
})

t.test('a redaction of a record with a 128-character id is readable by its longer id; longer ids are still refused', async (t) => {
  const { app, bank, admin, auth } = await setup(t)
  const id = 'AUTH-' + 'x'.repeat(123)
  t.equal(id.length, 128)
  const records = sampleRecords(8, FIRM)
  const long = { ...records['data-authorization'], authorizationId: id }
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: long } })).statusCode, 201)
  const erased = await app.inject({ method: 'DELETE', url: `/v1/records/data-authorization/${id}/payload`, headers: admin, payload: { reason: 'PIPL' } })
  t.equal(erased.statusCode, 201)
  const redactionId = erased.json().statement.id
  t.equal(redactionId, `data-authorization:${id}`)
  t.equal(redactionId.length, 147)
  const court = await auth('court')
  const view = await app.inject({ url: `/v1/records/redaction/${redactionId}`, headers: court })
  t.equal(view.statusCode, 200, 'GET /v1/records/redaction/<147 characters>')
  t.equal(view.json().statement.id, redactionId)
  const bundle = await app.inject({ url: `/v1/evidence/redaction/${redactionId}`, headers: court })
  t.equal(bundle.statusCode, 200, 'and its evidence bundle')
  for (const url of [`/v1/records/redaction/${'r'.repeat(154)}`, `/v1/evidence/redaction/${'r'.repeat(154)}`]) {
    const res = await app.inject({ url, headers: court })
    t.equal(res.statusCode, 400, `${url.slice(0, 24)}…: an id past the longest possible one is a 400`)
    t.match(res.headers['content-type'], /application\/problem\+json/)
  }
})

// Issue 13, item 3: the reason is record text. A lone surrogate reached the canonicalizer
// (500), and Ajv's type coercion wrote 1, true and ["x"] as "1", "true" and "x".
t.test('the erasure reason follows the text rules of record fields: 400 naming the field, nothing written', async (t) => {
  const { app, erase } = await setup(t)
  const size = app.ledger.log.size
  const bad: [string, unknown][] = [
    ['a lone surrogate', '\ud800'],
    ['a lone surrogate inside text', 'PIPL \udc00 request'],
    ['a number', 1],
    ['a boolean', true],
    ['an array of one string', ['x']],
    ['null', null],
    ['a bidi override', 'PIPL \u202e47'],
    ['a control character', 'PIPL\u0007'],
    ['a byte order mark', '\ufeffPIPL'],
    ['a line separator', 'PIPL\u2028art. 47'],
    ['a noncharacter', 'PIPL \uffff'],
  ]
  for (const [what, reason] of bad) {
    const res = await erase('data-authorization', 'AUTH-7', { reason })
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().type, 'urn:evidence-ledger:problem:validation', what)
    t.match(res.json().detail, /reason/, `${what}: the problem names the field`)
  }
  t.equal(app.ledger.log.size, size, 'nothing was written')
  const ok = await erase('data-authorization', 'AUTH-7', { reason: '《个人信息保护法》第四十七条\t申请' })
  t.equal(ok.statusCode, 201, 'well-formed text with a tab is a reason')
})
