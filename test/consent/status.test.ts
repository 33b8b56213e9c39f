// GET /v1/authorizations/:id/status over HTTP: who may ask, what a bad question gets, and
// that the answer carries receipts an auditor can verify offline with the ledger key.
import t, { type Test } from 'tap'
import { allPassed, verifyCheckpoint, verifyReceipt, type Receipt } from '../../chain/verify.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const FIRM = uscc(909)
// validUntil written in Beijing time: the boundary is the same instant as 2099-01-01T16:00:00Z.
// Far from today, so that the authorization's own ledger time (now) is never the boundary.
const TERMS = { validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-02T00:00:00+08:00' }

async function setup(t: Test) {
  const h = await makeApp(t)
  const bank = await h.auth('submitter', 'bank-a')
  const record = { ...sampleRecords(9, FIRM)['data-authorization'], authorizationId: 'AUTH-ST-1', ...TERMS }
  const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record } })
  t.equal(res.statusCode, 201)
  const vkey = (await h.app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  const ask = async (query: string, headers?: Record<string, string>) => h.app.inject({ url: `/v1/authorizations/AUTH-ST-1/status${query}`, headers: headers ?? await h.auth('auditor') })
  return { ...h, bank, vkey, ask, receipt: res.json() as Receipt }
}

t.test('auditor, court and admin may ask; submitters and strangers may not', async (t) => {
  const { ask, auth } = await setup(t)
  for (const role of ['auditor', 'court', 'admin'] as const) t.equal((await ask('', await auth(role))).statusCode, 200, role)
  t.equal((await ask('', await auth('submitter', 'bank-a'))).statusCode, 403, 'submitter')
  t.equal((await ask('', {})).statusCode, 401, 'no token')
})

t.test('UTC offsets are honored: validUntil 2099-01-02T00:00+08:00 is exclusive at 2099-01-01T16:00Z', async (t) => {
  const { ask } = await setup(t)
  t.equal((await ask('?at=2099-01-01T15:59:59.999Z')).json().status, 'active')
  t.equal((await ask('?at=2099-01-01T16:00:00Z')).json().status, 'expired')
  t.equal((await ask(`?at=${encodeURIComponent('2099-01-02T00:00:00+08:00')}`)).json().status, 'expired')
})

t.test('the answer carries receipts and a checkpoint that verify offline, and a reason', async (t) => {
  const { ask, vkey, receipt, app, bank } = await setup(t)
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: { authorizationId: 'AUTH-ST-1', revokedAt: '2026-12-01T00:00:00Z', reason: 'withdrawn' } } })
  const answer = (await ask('?at=2098-12-31T00:00:00Z&category=tax')).json()
  t.equal(answer.at, '2098-12-31T00:00:00Z')
  t.equal(answer.status, 'revoked')
  t.same(answer.authorization.entry, receipt.entry)
  t.ok(allPassed(verifyReceipt(answer.authorization, vkey)), 'authorization receipt verifies')
  t.ok(allPassed(verifyReceipt(answer.revocation, vkey)), 'revocation receipt verifies')
  t.same(answer.revocation.statement.refs, [receipt.entry.leafHash], 'and is bound to that authorization')
  const cp = verifyCheckpoint(answer.checkpoint, vkey)
  t.ok(cp.ok && cp.checkpoint.size === app.ledger.log.size, 'the checkpoint is the newest signed tree head')
  t.type(answer.reason, 'string')
  const forged = structuredClone(answer.revocation) as Receipt
  forged.statement.time = '2098-06-01T00:00:00.000Z'
  t.notOk(allPassed(verifyReceipt(forged, vkey)), 'moving the revocation time breaks its receipt')
})

t.test('the reason never echoes the authorized purpose', async (t) => {
  const { ask } = await setup(t)
  const answer = (await ask('?purpose=marketing')).json()
  t.equal(answer.status, 'not-covered')
  t.notMatch(answer.reason, /pre-credit/)
})

t.test('bad questions are 400 problems', async (t) => {
  const { ask, app, auth } = await setup(t)
  for (const q of ['?at=2026-02-30T00:00:00Z', '?at=yesterday', '?at=2026-01-01', '?category=lottery', '?purpose=', `?purpose=${'x'.repeat(501)}`, '?colour=red']) {
    const res = await ask(q)
    t.equal(res.statusCode, 400, q)
    t.match(res.headers['content-type'], /application\/problem\+json/)
  }
  t.equal((await app.inject({ url: '/v1/authorizations/%20x/status', headers: await auth('auditor') })).statusCode, 400, 'id pattern')
})

t.test('unknown → 404; hash-only → 409: the ledger does not guess terms it never saw', async (t) => {
  const { ask, app, bank, auth } = await setup(t)
  const auditor = await auth('auditor')
  t.equal((await app.inject({ url: '/v1/authorizations/AUTH-NONE/status', headers: auditor })).statusCode, 404)
  const hashOnly = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', id: 'AUTH-ST-H', subject: FIRM, commitment: 'sha256:' + 'c'.repeat(64) } })
  t.equal(hashOnly.statusCode, 201)
  const res = await app.inject({ url: '/v1/authorizations/AUTH-ST-H/status?category=tax', headers: auditor })
  t.equal(res.statusCode, 409)
  t.equal(res.json().type, 'urn:evidence-ledger:problem:conflict')
  t.match(res.json().detail, /hash-only/)
  t.equal((await ask('')).statusCode, 200, 'the full-record authorization still answers')
})
