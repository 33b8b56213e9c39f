import t from 'tap'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { verifyBundle, verifyReceipt, allPassed, relatedStatements, type EvidenceBundle, type Receipt } from '../../chain/verify.ts'
import { auditLog } from '../../chain/audit.ts'
import { storeOf } from '../../chain/storage.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString()

t.test('seed flow: authorize, check before pre-credit, revoke, query over time, history, erase', async (t) => {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter', 'zhengzhou-bank')
  const auditor = await auth('auditor')
  const vkey = (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  const firm = uscc(2026)
  const now = Date.now()
  const authorization = {
    ...sampleRecords(1, firm)['data-authorization'],
    authorizationId: 'AUTH-ZHR-0001',
    dataCategories: ['tax', 'invoice'],
    purpose: 'pre-credit assessment',
    validFrom: iso(now - DAY),
    validUntil: iso(now + 365 * DAY),
  }
  const created = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: authorization } })
  t.equal(created.statusCode, 201)
  const authReceipt = created.json() as Receipt
  const authorizedAt = Date.parse(authReceipt.statement.time)
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'financing-application', record: sampleRecords(1, firm)['financing-application'] } })
  // The revocation must land in a later millisecond than the authorization for "just
  // before the revocation" to be a moment when consent existed: wait for the clock, not a delay.
  while (Date.now() <= authorizedAt) await nextTurn()

  const status = async (q: string) => (await app.inject({ url: `/v1/authorizations/AUTH-ZHR-0001/status?${q}`, headers: auditor })).json()
  const before = await status(`at=${encodeURIComponent(iso(Date.now()))}&category=tax&purpose=${encodeURIComponent('pre-credit assessment')}`)
  t.equal(before.status, 'active', 'tax data may be read before pre-credit')
  t.ok(allPassed(verifyReceipt(before.authorization, vkey)), 'the answer carries a verifiable authorization receipt')
  t.equal(before.revocation, null)
  t.equal((await status('category=social-security')).status, 'not-covered', 'social-security was never authorized')
  t.equal((await status('category=tax&purpose=marketing')).status, 'not-covered', 'another purpose is not covered')

  const otherBank = await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter', 'other-bank'), payload: { kind: 'authorization-revocation', record: { authorizationId: 'AUTH-ZHR-0001', revokedAt: iso(Date.now()), reason: 'x' } } })
  // Ids are unique per submitter: to another bank, AUTH-ZHR-0001 is an authorization it never recorded.
  t.equal(otherBank.statusCode, 404, 'only the submitter of the authorization may record its revocation')
  const unknown = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: { authorizationId: 'AUTH-NOPE', revokedAt: iso(Date.now()), reason: 'x' } } })
  t.equal(unknown.statusCode, 404)

  const revocationRecord = { authorizationId: 'AUTH-ZHR-0001', revokedAt: iso(Date.now()), reason: 'enterprise withdrew consent in the app' }
  const revoked = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: revocationRecord } })
  t.equal(revoked.statusCode, 201)
  const revReceipt = revoked.json() as Receipt
  t.same(revReceipt.statement.refs, [authReceipt.entry.leafHash], 'the revocation is bound to the authorization by leaf hash')
  t.equal(revReceipt.statement.subject, firm, 'the revocation takes the subject of its authorization')
  const again = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: { ...revocationRecord, reason: 'again' } } })
  t.equal(again.statusCode, 409, 'a second revocation is a conflict')
  const revokedAt = Date.parse(revReceipt.statement.time)

  t.equal((await status(`at=${encodeURIComponent(iso(authorizedAt))}&category=tax`)).status, 'active', 'at the authorization ledger time (inclusive)')
  t.equal((await status(`at=${encodeURIComponent(iso(revokedAt - 1))}&category=tax`)).status, 'active', 'just before the revocation')
  const after = await status(`at=${encodeURIComponent(iso(revokedAt))}&category=tax`)
  t.equal(after.status, 'revoked', 'from the revocation ledger time on')
  t.ok(allPassed(verifyReceipt(after.revocation, vkey)), 'with a verifiable revocation receipt')
  t.equal((await status(`at=${encodeURIComponent(authorization.validUntil)}&category=tax`)).status, 'expired', 'validUntil is exclusive')
  t.equal((await status(`at=${encodeURIComponent(iso(authorizedAt - 1))}`)).status, 'not-yet-valid', 'nothing before the ledger saw it')

  const history = await app.inject({ url: `/v1/subjects/${firm}/entries`, headers: auditor })
  t.same(history.json().entries.map((e: { statement: { kind: string } }) => e.statement.kind), ['data-authorization', 'financing-application', 'authorization-revocation'])
  const onlyAuth = await app.inject({ url: `/v1/subjects/${firm}/entries?kind=data-authorization`, headers: auditor })
  t.equal(onlyAuth.json().entries.length, 1)
  const page1 = await app.inject({ url: `/v1/subjects/${firm}/entries?limit=2`, headers: auditor })
  t.equal(page1.json().entries.length, 2)
  const page2 = await app.inject({ url: `/v1/subjects/${firm}/entries?limit=2&cursor=${page1.json().nextCursor}`, headers: auditor })
  t.same(page2.json().entries.map((e: { index: number }) => e.index), [revReceipt.entry.index], 'the cursor continues after the first page')

  const admin = await auth('admin', 'dpo@bank')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/records/data-authorization/AUTH-ZHR-0001/payload', headers: bank, payload: { reason: 'x' } })).statusCode, 403, 'erasure is for admins')
  const erased = await app.inject({ method: 'DELETE', url: '/v1/records/data-authorization/AUTH-ZHR-0001/payload', headers: admin, payload: { reason: 'PIPL art. 47 request #88' } })
  t.equal(erased.statusCode, 201)
  t.equal(erased.json().statement.kind, 'redaction')
  t.same(erased.json().statement.refs, [authReceipt.entry.leafHash])
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/records/data-authorization/AUTH-ZHR-0001/payload', headers: admin, payload: { reason: 'again' } })).statusCode, 409, 'erasing twice')
  const hashOnly = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', id: 'EV-HASH', subject: firm, commitment: 'sha256:' + 'ef'.repeat(32) } })
  t.equal(hashOnly.statusCode, 201)
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/records/evidence/EV-HASH/payload', headers: admin, payload: { reason: 'x' } })).statusCode, 409, 'erasing a hash-only entry')

  t.ok(allPassed(verifyReceipt(authReceipt, vkey)), 'the original receipt still verifies')
  const fresh = await app.inject({ url: `/v1/proofs/inclusion?leaf=${authReceipt.entry.leafHash}` })
  t.equal(fresh.statusCode, 200, 'and the entry is still provable at the latest size')
  const bundle = (await app.inject({ url: '/v1/evidence/data-authorization/AUTH-ZHR-0001', headers: await auth('court') })).json() as EvidenceBundle
  t.equal(bundle.redacted, true)
  t.equal(bundle.record, null)
  t.equal(bundle.salt, null)
  t.same(relatedStatements(bundle).map((s) => s.kind), ['authorization-revocation', 'redaction'])
  const steps = verifyBundle(bundle, vkey)
  t.ok(allPassed(steps), 'the redacted bundle verifies')
  t.equal(steps.find((s) => s.step === 'commitment')!.ok, null, 'commitment step is not applicable after erasure')
  t.equal((await app.inject({ url: '/v1/authorizations/AUTH-ZHR-0001/status', headers: auditor })).statusCode, 410, 'status after erasure is 410 Gone, not a guess')

  const afterErasure = (await app.inject({ url: `/v1/subjects/${firm}/entries`, headers: auditor })).json()
  t.same(afterErasure.entries.map((e: { statement: { kind: string } }) => e.statement.kind),
    ['data-authorization', 'financing-application', 'authorization-revocation', 'redaction', 'evidence'], 'the history now shows the redaction too')

  const report = await auditLog(app.ledger.log.storage, { vkeys: [vkey], origin: app.ledger.log.origin })
  t.ok(report.ok, `audit is clean after erasure: ${report.error ?? ''}`)
  t.equal(report.entries, app.ledger.log.size)
})

t.test('after erasure the record cannot be confirmed by replaying it: the content fingerprint is gone too', async (t) => {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  const body = { kind: 'evidence', record: sampleRecords(5).evidence }
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: body })).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: body })).statusCode, 200, 'before erasure a replay is recognized')
  const erased = await app.inject({ method: 'DELETE', url: '/v1/records/evidence/EV-5/payload', headers: await auth('admin'), payload: { reason: 'PIPL' } })
  t.equal(erased.statusCode, 201)
  const row = await storeOf(app.ledger.log.storage).byKindId('evidence', 'EV-5', 'zhr-platform')
  t.same([...row!.fingerprint], Array(32).fill(0), 'the fingerprint row is zeroed')
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: body })).statusCode, 409, 'the same record no longer matches')
})
