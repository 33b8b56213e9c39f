// The consent rules checked against a reference model on a ledger whose clock the test
// drives, so ledger times land exactly where the model says and queries can hit every
// boundary to the millisecond (validFrom, validUntil, the authorization's and the
// revocation's ledger times, each −1 / 0 / +1 ms).
import t from 'tap'
import fc from 'fast-check'
import { Log } from '../../chain/log.ts'
import { LedgerService } from '../../src/ledger-service.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { ORIGIN, tempDir, testSigner, uscc } from '../helpers/fixtures.ts'
import { sampleRecords } from '../helpers/app.ts'

const MIN = 60_000
const DAY = 86_400_000
const CATEGORIES = ['tax', 'invoice', 'social-security', 'customs'] as const
const PURPOSES = ['pre-credit assessment', 'évaluation de crédit'] as const
// What an auditor may ask: the exact text, the same text padded or in another Unicode
// normal form (both the same purpose), and a different purpose.
const ASKED_PURPOSES = [...PURPOSES, '  pre-credit assessment ', 'évaluation de crédit'.normalize('NFD'), 'marketing'] as const

type Op =
  | { op: 'authorize'; slot: number; fromMin: number; lengthMin: number; categories: string[]; purpose: number; hashOnly: boolean }
  | { op: 'tick'; ms: number }
  | { op: 'revoke'; slot: number; byOther: boolean }
  | { op: 'erase'; slot: number }
  | { op: 'query'; slot: number; anchor: number; delta: number; category: string | null; purpose: number | null }

const authorizeArb = (slot: fc.Arbitrary<number>) => fc.record({
  op: fc.constant('authorize' as const), slot,
  fromMin: fc.integer({ min: -30, max: 30 }), lengthMin: fc.integer({ min: 1, max: 600 }),
  categories: fc.uniqueArray(fc.constantFrom(...CATEGORIES), { minLength: 1, maxLength: 3 }),
  purpose: fc.integer({ min: 0, max: PURPOSES.length - 1 }), hashOnly: fc.integer({ min: 0, max: 9 }).map((n) => n < 1),
})

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: authorizeArb(fc.integer({ min: 0, max: 3 })) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 1, max: 5 * MIN })) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('revoke' as const), slot: fc.integer({ min: 0, max: 3 }), byOther: fc.integer({ min: 0, max: 9 }).map((n) => n < 2) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('erase' as const), slot: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 8, arbitrary: fc.record({
    op: fc.constant('query' as const), slot: fc.integer({ min: 0, max: 3 }),
    anchor: fc.integer({ min: 0, max: 5 }), delta: fc.oneof(fc.constantFrom(-1, 0, 1), fc.integer({ min: -90 * MIN, max: 90 * MIN })),
    category: fc.option(fc.constantFrom(...CATEGORIES), { nil: null, freq: 2 }),
    purpose: fc.option(fc.integer({ min: 0, max: ASKED_PURPOSES.length - 1 }), { nil: null, freq: 2 }),
  }) },
)
// Slots 0-2 are authorized first (slot 3 only maybe later), so most queries meet a grant.
const runArb = fc.tuple(fc.tuple(authorizeArb(fc.constant(0)), authorizeArb(fc.constant(1)), authorizeArb(fc.constant(2))), fc.array(opArb, { minLength: 4, maxLength: 30 }))
  .map(([first, rest]): Op[] => [...first, ...rest])

/** Written from docs/consent.md, not from chain/consent.ts. */
interface Grant { from: number; until: number; categories: string[]; purpose: string; ledgerTime: number; revokedAt: number | null; hashOnly: boolean; erased: boolean; leaf: string }
function expectedStatus(g: Grant, at: number, category: string | null, purpose: string | null): string {
  if (category !== null && !g.categories.includes(category)) return 'not-covered'
  if (purpose !== null && purpose.normalize('NFC').trim() !== g.purpose) return 'not-covered'
  if (at >= g.until) return 'expired'
  if (g.revokedAt !== null && at >= g.revokedAt) return 'revoked'
  if (at < g.from || at < g.ledgerTime) return 'not-yet-valid'
  return 'active'
}

/** Throws so that fast-check sees the failure and shrinks the sequence. */
function expect(ok: boolean, claim: string): void {
  if (!ok) throw new Error(claim)
}

async function outcome(run: () => Promise<{ status: number }>): Promise<number> {
  try {
    return (await run()).status
  } catch (e) {
    if (e instanceof ProblemError) return e.status
    throw e
  }
}

t.test('status equals the reference model for random authorize / revoke / erase / query sequences, at every boundary', async (t) => {
  let clock = Date.parse('2026-01-01T00:00:00.000Z')
  const log = await Log.openAt(tempDir(t, 'el-consent-model-'), { origin: ORIGIN, signer: testSigner(), now: () => clock })
  t.teardown(() => log.close())
  const service = new LedgerService(log)
  const seen = new Map<string, number>()
  let run = 0

  await fc.assert(fc.asyncProperty(runArb, async (ops) => {
    // One log for all runs: each run has its own ids and starts long after the last one.
    run++
    clock += 1000 * DAY
    const grants = new Map<number, Grant>()
    const idOf = (slot: number) => `AUTH-R${run}-${slot}`
    for (const o of ops) {
      if (o.op === 'tick') {
        clock += o.ms
      } else if (o.op === 'authorize') {
        const firm = uscc(run * 10 + o.slot)
        const record = {
          ...sampleRecords(o.slot, firm)['data-authorization'], authorizationId: idOf(o.slot),
          dataCategories: o.categories, purpose: PURPOSES[o.purpose],
          validFrom: new Date(clock + o.fromMin * MIN).toISOString(), validUntil: new Date(clock + (o.fromMin + o.lengthMin) * MIN).toISOString(),
        }
        const body = o.hashOnly
          ? { kind: 'data-authorization', id: idOf(o.slot), subject: firm, commitment: 'sha256:' + String(o.slot).repeat(64) }
          : { kind: 'data-authorization', record }
        const res = await service.notarize(body, 'bank')
        if (grants.has(o.slot)) {
          expect([200, 409].includes(res.status), `re-authorizing ${idOf(o.slot)} created something (${res.status})`)
          continue
        }
        expect(res.status === 201, `authorize ${idOf(o.slot)}: ${res.status}`)
        expect(res.receipt!.statement.time === new Date(clock).toISOString(), 'the ledger time is the clock')
        grants.set(o.slot, {
          from: Date.parse(record.validFrom), until: Date.parse(record.validUntil), categories: o.categories,
          purpose: PURPOSES[o.purpose], ledgerTime: clock, revokedAt: null, hashOnly: o.hashOnly, erased: false, leaf: res.receipt!.entry.leafHash,
        })
      } else if (o.op === 'revoke') {
        const g = grants.get(o.slot)
        const body = { kind: 'authorization-revocation', record: { authorizationId: idOf(o.slot), revokedAt: new Date(clock).toISOString(), reason: `run ${run}` } }
        const status = await outcome(() => service.notarize(body, o.byOther ? 'other-bank' : 'bank'))
        // A repeat in the same millisecond is the same record: an idempotent 200.
        // Ids are unique per submitter: to another bank the authorization does not exist.
        const want = !g || o.byOther ? [404] : g.revokedAt === null ? [201] : [409, 200]
        expect(want.includes(status), `revoke ${idOf(o.slot)}: ${status}, expected ${want.join('|')}`)
        if (g && status === 201) g.revokedAt = clock
      } else if (o.op === 'erase') {
        const g = grants.get(o.slot)
        const status = await outcome(async () => ({ status: (await service.erasePayload('data-authorization', idOf(o.slot), 'PIPL request', 'dpo'), 201) }))
        const want = !g ? 404 : g.hashOnly || g.erased ? 409 : 201
        expect(status === want, `erase ${idOf(o.slot)}: ${status}, expected ${want}`)
        if (g && status === 201) g.erased = true
      } else {
        const g = grants.get(o.slot)
        const anchors = g ? [g.from, g.until, g.ledgerTime, g.revokedAt ?? clock, clock, g.until + DAY] : [clock]
        const at = anchors[o.anchor % anchors.length] + o.delta
        const purpose = o.purpose === null ? null : ASKED_PURPOSES[o.purpose]
        const query = { at: new Date(at).toISOString(), ...(o.category === null ? {} : { category: o.category }), ...(purpose === null ? {} : { purpose }) }
        let answer: Awaited<ReturnType<LedgerService['authorizationStatus']>> | ProblemError
        try {
          answer = await service.authorizationStatus(idOf(o.slot), query)
        } catch (e) {
          if (!(e instanceof ProblemError)) throw e
          answer = e
        }
        const want = !g ? 404 : g.erased ? 410 : g.hashOnly ? 409 : expectedStatus(g, at, o.category, purpose)
        const got = answer instanceof ProblemError ? answer.status : answer.status
        expect(got === want, `${idOf(o.slot)} at ${query.at} ${JSON.stringify(query)}: service ${got}, model ${want}`)
        seen.set(String(want), (seen.get(String(want)) ?? 0) + 1)
        if (!(answer instanceof ProblemError)) {
          const revokedAt = g!.revokedAt === null ? null : new Date(g!.revokedAt).toISOString()
          expect((answer.revocation?.statement.time ?? null) === revokedAt, 'the revocation receipt is the one that decided')
          expect(answer.authorization.entry.leafHash === g!.leaf, 'the authorization receipt is the one asked about')
          expect(answer.revocation === null || answer.revocation.statement.refs[0] === g!.leaf, 'the revocation refs that authorization')
        }
      }
    }
  }), { numRuns: 200 })

  // The property is only as good as the cases it met: every outcome must have occurred.
  for (const s of ['active', 'expired', 'revoked', 'not-yet-valid', 'not-covered', '404', '409', '410']) {
    t.ok((seen.get(s) ?? 0) > 0, `${s}: ${seen.get(s) ?? 0} answers compared`)
  }
})
