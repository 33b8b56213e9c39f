// Revocations through POST /v1/records: bound to their authorization by leaf hash, only by
// the platform that recorded it, once. Every refusal leaves the log as it was.
import t, { type Test } from 'tap'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const FIRM = uscc(606)

async function withAuthorization(t: Test) {
  const h = await makeApp(t)
  const bank = await h.auth('submitter', 'bank-a')
  const authorization = { ...sampleRecords(6, FIRM)['data-authorization'], authorizationId: 'AUTH-REV-1', validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' }
  const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: authorization } })
  t.equal(res.statusCode, 201)
  const post = (payload: Record<string, unknown>, headers: Record<string, string> = bank) => h.app.inject({ method: 'POST', url: '/v1/records', headers, payload })
  return { ...h, bank, post, authLeaf: res.json().entry.leafHash as string }
}

const revocation = { authorizationId: 'AUTH-REV-1', revokedAt: '2026-06-01T00:00:00Z', reason: 'enterprise withdrew consent' }

t.test('a revocation refs its authorization by leaf hash and takes its subject', async (t) => {
  const { post, authLeaf } = await withAuthorization(t)
  const res = await post({ kind: 'authorization-revocation', record: revocation })
  t.equal(res.statusCode, 201)
  const s = res.json().statement
  t.same([s.kind, s.id, s.subject, s.submitter, s.refs], ['authorization-revocation', 'AUTH-REV-1', FIRM, 'bank-a', [authLeaf]])
})

t.test('the same revocation again is an idempotent 200 with the original receipt', async (t) => {
  const { app, post } = await withAuthorization(t)
  const first = await post({ kind: 'authorization-revocation', record: revocation })
  const size = app.ledger.log.size
  const again = await post({ kind: 'authorization-revocation', record: revocation })
  t.equal(again.statusCode, 200)
  t.same(again.json().entry, first.json().entry)
  t.equal(app.ledger.log.size, size, 'nothing was appended')
})

t.test('a second, different revocation is a 409 problem and writes nothing', async (t) => {
  const { app, post } = await withAuthorization(t)
  t.equal((await post({ kind: 'authorization-revocation', record: revocation })).statusCode, 201)
  const size = app.ledger.log.size
  const res = await post({ kind: 'authorization-revocation', record: { ...revocation, reason: 'changed my mind twice' } })
  t.equal(res.statusCode, 409)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.equal(res.json().type, 'urn:evidence-ledger:problem:conflict')
  t.equal(app.ledger.log.size, size)
})

t.test('revoking an unknown authorization is a 404 and writes nothing', async (t) => {
  const { app, post } = await withAuthorization(t)
  const size = app.ledger.log.size
  const res = await post({ kind: 'authorization-revocation', record: { ...revocation, authorizationId: 'AUTH-NEVER' } })
  t.equal(res.statusCode, 404)
  t.equal(res.json().type, 'urn:evidence-ledger:problem:not-found')
  t.equal(app.ledger.log.size, size)
})

// Ids are unique per submitter: another submitter's revocation addresses its own (absent)
// authorization of that id, a 404 that does not even reveal the id is in use.
t.test('a revocation by a submitter other than the one that recorded the authorization is a 404 and writes nothing', async (t) => {
  const { app, post, auth } = await withAuthorization(t)
  const size = app.ledger.log.size
  const other = await auth('submitter', 'bank-b')
  t.equal((await post({ kind: 'authorization-revocation', record: revocation }, other)).statusCode, 404)
  t.equal((await post({ kind: 'authorization-revocation', id: 'AUTH-REV-1', subject: FIRM, commitment: 'sha256:' + '1'.repeat(64) }, other)).statusCode, 404, 'in hash-only mode too')
  t.equal(app.ledger.log.size, size)
  t.equal((await post({ kind: 'authorization-revocation', record: revocation })).statusCode, 201, 'the recording platform still can')
})

t.test('hash-only revocation: the subject must be the grantor of the authorization', async (t) => {
  const { app, post, authLeaf } = await withAuthorization(t)
  const size = app.ledger.log.size
  const wrong = await post({ kind: 'authorization-revocation', id: 'AUTH-REV-1', subject: uscc(607), commitment: 'sha256:' + '2'.repeat(64) })
  t.equal(wrong.statusCode, 400)
  t.match(wrong.json().detail, new RegExp(FIRM))
  t.equal(app.ledger.log.size, size)
  const right = await post({ kind: 'authorization-revocation', id: 'AUTH-REV-1', subject: FIRM, commitment: 'sha256:' + '2'.repeat(64) })
  t.equal(right.statusCode, 201)
  t.same(right.json().statement.refs, [authLeaf])
})

t.test('a batch cannot smuggle a second revocation: one is created, the other conflicts', async (t) => {
  const { app, bank, auth } = await withAuthorization(t)
  const res = await app.inject({
    method: 'POST', url: '/v1/records:batch', headers: bank,
    payload: { records: [{ kind: 'authorization-revocation', record: revocation }, { kind: 'authorization-revocation', record: { ...revocation, reason: 'other' } }] },
  })
  t.equal(res.statusCode, 200)
  t.same(res.json().results.map((r: { status: number }) => r.status), [201, 409])
  const status = await app.inject({ url: '/v1/authorizations/AUTH-REV-1/status', headers: await auth('auditor') })
  t.equal(status.json().status, 'revoked')
  t.equal(status.json().revocation.entry.index, res.json().results[0].receipt.entry.index, 'decided by the one that was created')
})
