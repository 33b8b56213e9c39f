// Issue 13, item 1: business ids are unique per submitter. (submitter, kind, id) is the
// identity: another platform's use of the same kind+id is a different entry, and nothing a
// platform is answered tells it whether another platform uses an id. Auditors, courts and
// admins address a record with ?submitter= and are told when an id is ambiguous without it.
import t, { type Test } from 'tap'
import type { Receipt } from '../../chain/verify.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { addressedOwner } from '../../src/routes/roles.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const FIRM = uscc(1313)
const A = 'platform-a'
const B = 'platform-b'

interface Reply { statusCode: number; json(): unknown; body: string }

async function setup(t: Test) {
  const h = await makeApp(t)
  const a = await h.auth('submitter', A)
  const b = await h.auth('submitter', B)
  const auditor = await h.auth('auditor', 'audit-team')
  const court = await h.auth('court', 'court-1')
  const admin = await h.auth('admin', 'dpo')
  const post = (payload: object, headers: Record<string, string>) => h.app.inject({ method: 'POST', url: '/v1/records', headers, payload })
  const get = (url: string, headers: Record<string, string>) => h.app.inject({ url, headers })
  return { ...h, a, b, auditor, court, admin, post, get }
}

/** A problem body without its `instance` (the request's path differs, nothing else may). */
function problemOf(r: Reply): unknown {
  const body = r.json() as Record<string, unknown>
  delete body.instance
  return body
}

t.test('two submitters: the same kind+id is two entries, and neither can learn or block the other\'s ids', async (t) => {
  const { app, a, b, post } = await setup(t)
  const records = sampleRecords(13, FIRM)
  const auth = { ...records['data-authorization'], authorizationId: 'AUTH-FUTURE' }

  // B squats A's future id with a hash-only commitment before A records it.
  const squat = await post({ kind: 'data-authorization', id: 'AUTH-FUTURE', subject: FIRM, commitment: 'sha256:' + '5'.repeat(64) }, b)
  t.equal(squat.statusCode, 201)
  const real = await post({ kind: 'data-authorization', record: auth }, a)
  t.equal(real.statusCode, 201, 'B\'s hash-only squat does not block A')
  const squatIndex = (squat.json() as Receipt).entry.index
  const realIndex = (real.json() as Receipt).entry.index
  t.not(realIndex, squatIndex, 'two entries, different indexes')
  t.equal((real.json() as Receipt).statement.submitter, A)

  // The same record content from both: both 201, two entries.
  const ev = records.evidence
  const evA = await post({ kind: 'evidence', record: ev }, a)
  const evB = await post({ kind: 'evidence', record: ev }, b)
  t.same([evA.statusCode, evB.statusCode], [201, 201], 'same id, both 201')
  t.not((evA.json() as Receipt).entry.index, (evB.json() as Receipt).entry.index)

  // A replay by the same submitter is the original receipt; other content is a 409 that
  // only ever names the caller's own entry.
  const replay = await post({ kind: 'evidence', record: ev }, a)
  t.equal(replay.statusCode, 200)
  t.equal((replay.json() as Receipt).entry.index, (evA.json() as Receipt).entry.index)
  const changed = await post({ kind: 'evidence', record: { ...ev, title: '另一份合同' } }, b)
  t.equal(changed.statusCode, 409)
  t.equal((changed.json() as { index: number }).index, (evB.json() as Receipt).entry.index, 'B is told its own index, never A\'s')

  // Revocations: A's works; B's of A's id is exactly an unknown id's 404.
  const size = app.ledger.log.size
  const revocation = { authorizationId: 'AUTH-FUTURE', revokedAt: '2026-06-01T00:00:00Z', reason: 'withdrawn' }
  const onlyA = await post({ kind: 'data-authorization', record: { ...auth, authorizationId: 'AUTH-ONLY-A' } }, a)
  t.equal(onlyA.statusCode, 201)
  const bRevokesA = await post({ kind: 'authorization-revocation', record: { ...revocation, authorizationId: 'AUTH-ONLY-A' } }, b)
  const bRevokesNothing = await post({ kind: 'authorization-revocation', record: { ...revocation, authorizationId: 'AUTH-NEVER' } }, b)
  t.equal(bRevokesA.statusCode, 404)
  t.same(problemOf(bRevokesA), JSON.parse(JSON.stringify(problemOf(bRevokesNothing)).replaceAll('AUTH-NEVER', 'AUTH-ONLY-A')), 'the same body as an id nobody used')
  t.equal(app.ledger.log.size, size + 1, 'only A\'s authorization was written')
  const aRevokes = await post({ kind: 'authorization-revocation', record: revocation }, a)
  t.equal(aRevokes.statusCode, 201, 'A\'s revocation works')
  t.same((aRevokes.json() as Receipt).statement.refs, [(real.json() as Receipt).entry.leafHash], 'and refs A\'s authorization')
})

t.test('a hash-only revocation by another submitter meets its own (absent) authorization: 404', async (t) => {
  const { post, a, b } = await setup(t)
  t.equal((await post({ kind: 'data-authorization', record: sampleRecords(14, FIRM)['data-authorization'] }, a)).statusCode, 201)
  const res = await post({ kind: 'authorization-revocation', id: 'AUTH-14', subject: FIRM, commitment: 'sha256:' + '1'.repeat(64) }, b)
  t.equal(res.statusCode, 404)
})

t.test('readers: ?submitter= picks the record; without it one owner is that one, several are a 409 listing them', async (t) => {
  const { post, get, a, b, auditor, court, admin, app } = await setup(t)
  const records = sampleRecords(15, FIRM)
  const authorization = { ...records['data-authorization'], validFrom: '2020-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z' }
  const mine = new Map<string, Receipt>()
  for (const [who, headers] of [[A, a], [B, b]] as const) {
    const r = await post({ kind: 'data-authorization', record: authorization }, headers)
    t.equal(r.statusCode, 201)
    mine.set(who, r.json() as Receipt)
  }
  t.equal((await post({ kind: 'evidence', record: records.evidence }, a)).statusCode, 201, 'an id only A uses')

  for (const [role, headers] of [['auditor', auditor], ['court', court], ['admin', admin]] as const) {
    const ambiguous = await get('/v1/records/data-authorization/AUTH-15', headers)
    t.equal(ambiguous.statusCode, 409, `${role}: ambiguous without ?submitter`)
    t.match(ambiguous.json(), { type: 'urn:evidence-ledger:problem:conflict', submitters: [A, B] }, `${role}: the problem lists both submitters`)
    for (const who of [A, B]) {
      const one = await get(`/v1/records/data-authorization/AUTH-15?submitter=${who}`, headers)
      t.equal(one.statusCode, 200)
      t.same((one.json() as { receipt: Receipt }).receipt.entry, mine.get(who)!.entry, `${role}: ?submitter=${who} is ${who}'s entry`)
    }
    t.equal((await get('/v1/records/data-authorization/AUTH-15?submitter=nobody', headers)).statusCode, 404, `${role}: a submitter without it: 404`)
    const single = await get('/v1/records/evidence/EV-15', headers)
    t.equal(single.statusCode, 200, `${role}: one owner needs no ?submitter`)
    t.equal((single.json() as { statement: { submitter: string } }).statement.submitter, A)
    t.equal((await get('/v1/records/evidence/EV-NONE', headers)).statusCode, 404)
  }

  // Evidence bundles (court, admin).
  t.equal((await get('/v1/evidence/data-authorization/AUTH-15', court)).statusCode, 409)
  for (const who of [A, B]) {
    const bundle = await get(`/v1/evidence/data-authorization/AUTH-15?submitter=${who}`, court)
    t.equal(bundle.statusCode, 200)
    t.same((bundle.json() as { entry: unknown }).entry, mine.get(who)!.entry, `bundle of ${who}'s record`)
  }

  // Consent status: the revocation is looked up under the authorization's owner.
  t.equal((await post({ kind: 'authorization-revocation', record: { authorizationId: 'AUTH-15', revokedAt: '2026-06-01T00:00:00Z', reason: 'x' } }, b)).statusCode, 201)
  const status = (who: string) => get(`/v1/authorizations/AUTH-15/status?submitter=${who}`, auditor)
  const ambiguousStatus = await get('/v1/authorizations/AUTH-15/status', auditor)
  t.equal(ambiguousStatus.statusCode, 409)
  t.match(ambiguousStatus.json(), { submitters: [A, B] })
  t.equal(((await status(A)).json() as { status: string }).status, 'active', 'B\'s revocation does not revoke A\'s authorization')
  t.equal(((await status(B)).json() as { status: string }).status, 'revoked')

  // Erasure: without ?submitter ambiguous; with it each, independently (no false "already erased").
  const erase = (q: string) => app.inject({ method: 'DELETE', url: `/v1/records/data-authorization/AUTH-15/payload${q}`, headers: admin, payload: { reason: 'PIPL art. 47' } })
  const size = app.ledger.log.size
  const ambiguousErase = await erase('')
  t.equal(ambiguousErase.statusCode, 409)
  t.match(ambiguousErase.json(), { submitters: [A, B] })
  t.equal(app.ledger.log.size, size, 'nothing written')
  const erasedA = await erase(`?submitter=${A}`)
  t.equal(erasedA.statusCode, 201)
  t.same((erasedA.json() as Receipt).statement.refs, [mine.get(A)!.entry.leafHash], 'the redaction refs A\'s record')
  t.equal(((await get(`/v1/records/data-authorization/AUTH-15?submitter=${B}`, admin)).json() as { redacted: boolean }).redacted, false, 'B\'s record keeps its payload')
  const erasedB = await erase(`?submitter=${B}`)
  t.equal(erasedB.statusCode, 201, 'B\'s record of the same kind+id is erased too: no false "already erased"')
  t.equal((await erase(`?submitter=${A}`)).statusCode, 409, 'a second erasure of A\'s is a conflict')
  // The redactions are addressed as their records are.
  const redactionA = await get(`/v1/records/redaction/data-authorization:AUTH-15?submitter=${A}`, auditor)
  t.equal(redactionA.statusCode, 200)
  t.same((redactionA.json() as { receipt: Receipt }).receipt.entry, (erasedA.json() as Receipt).entry)
  t.equal((await get('/v1/records/redaction/data-authorization:AUTH-15', auditor)).statusCode, 409)
  t.equal((await status(A)).statusCode, 410, 'A\'s terms are gone')
})

t.test('a caller without a reader role only ever addresses its own records; naming another is an unknown id\'s 404', async (t) => {
  const notFound = () => new ProblemError('not-found', 'evidence EV-16 is not on the ledger')
  const submitter = { sub: B, roles: ['submitter' as const] }
  t.equal(addressedOwner(submitter, undefined, notFound), B, 'without ?submitter: its own')
  t.equal(addressedOwner(submitter, B, notFound), B)
  t.throws(() => addressedOwner(submitter, A, notFound), { message: 'evidence EV-16 is not on the ledger', slug: 'not-found' }, 'naming another: the 404 of an unknown id')
  for (const role of ['auditor', 'court', 'admin'] as const) {
    t.equal(addressedOwner({ sub: 'x', roles: [role] }, A, notFound), A, `${role} addresses any submitter`)
    t.equal(addressedOwner({ sub: 'x', roles: [role] }, undefined, notFound), undefined, `${role} without ?submitter: the resolve rules`)
  }
  const { get, b } = await setup(t)
  t.equal((await get(`/v1/records/evidence/EV-16?submitter=${A}`, b)).statusCode, 403, 'submitters still do not read records')
})

t.test('concurrent posts of one kind+id: two submitters get two entries, one submitter one', async (t) => {
  const { app, post, a, b } = await setup(t)
  const ev = sampleRecords(18, FIRM).evidence
  const size = app.ledger.log.size
  const both = await Promise.all([post({ kind: 'evidence', record: ev }, a), post({ kind: 'evidence', record: ev }, b)])
  t.same(both.map((r) => r.statusCode), [201, 201])
  t.equal(app.ledger.log.size, size + 2)
  const ev2 = sampleRecords(19, FIRM).evidence
  const same = await Promise.all(Array.from({ length: 6 }, () => post({ kind: 'evidence', record: ev2 }, a)))
  t.same(same.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 201], 'one created, the rest replays')
  t.equal(new Set(same.map((r) => (r.json() as Receipt).entry.index)).size, 1, 'all the same entry')
  t.equal(app.ledger.log.size, size + 3)
  // And in one batch (one block): per-submitter dedup inside the block.
  const ev3 = sampleRecords(20, FIRM).evidence
  const batch = await Promise.all([
    app.inject({ method: 'POST', url: '/v1/records:batch', headers: a, payload: { records: [{ kind: 'evidence', record: ev3 }, { kind: 'evidence', record: ev3 }] } }),
    app.inject({ method: 'POST', url: '/v1/records:batch', headers: b, payload: { records: [{ kind: 'evidence', record: ev3 }] } }),
  ])
  t.same((batch[0].json() as { results: { status: number }[] }).results.map((r) => r.status), [201, 200])
  t.same((batch[1].json() as { results: { status: number }[] }).results.map((r) => r.status), [201])
  t.equal(app.ledger.log.size, size + 5)
})
