import t from 'tap'
import fc from 'fast-check'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const DAY = 86_400_000
const CATEGORIES = ['tax', 'invoice', 'social-security', 'utilities'] as const

type Op =
  | { op: 'authorize'; id: number; fromDays: number; lengthDays: number; categories: string[] }
  | { op: 'revoke'; id: number }
  | { op: 'query'; id: number; offsetDays: number; category: string }

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant('authorize' as const), id: fc.integer({ min: 0, max: 3 }),
    fromDays: fc.integer({ min: -20, max: 20 }), lengthDays: fc.integer({ min: 1, max: 40 }),
    categories: fc.uniqueArray(fc.constantFrom(...CATEGORIES), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ op: fc.constant('revoke' as const), id: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ op: fc.constant('query' as const), id: fc.integer({ min: 0, max: 3 }), offsetDays: fc.integer({ min: -30, max: 70 }), category: fc.constantFrom(...CATEGORIES) }),
)

/** The reference model: written from the rules in docs/consent.md, independent of chain/consent.ts. */
interface Grant { from: number; until: number; categories: string[]; ledgerTime: number; revokedAt: number | null }
function model(g: Grant, at: number, category: string): string {
  if (!g.categories.includes(category)) return 'not-covered'
  if (at >= g.until) return 'expired'
  if (g.revokedAt !== null && at >= g.revokedAt) return 'revoked'
  if (at < Math.max(g.from, g.ledgerTime)) return 'not-yet-valid'
  return 'active'
}

// End to end over HTTP with the real clock; status-model.test.ts drives the ledger clock
// and hits every boundary to the millisecond, so this one needs few runs.
t.test('for random authorize / revoke / query sequences the service agrees with the reference model', async (t) => {
  let queries = 0
  await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
    const { app, auth } = await makeApp(t)
    try {
      const bank = await auth('submitter', 'bank')
      const auditor = await auth('auditor')
      const base = Date.now()
      const grants = new Map<number, Grant>()
      for (const o of ops) {
        const id = `AUTH-P-${o.id}`
        if (o.op === 'authorize') {
          const record = {
            ...sampleRecords(o.id, uscc(o.id))['data-authorization'], authorizationId: id, dataCategories: o.categories,
            validFrom: new Date(base + o.fromDays * DAY).toISOString(), validUntil: new Date(base + (o.fromDays + o.lengthDays) * DAY).toISOString(),
          }
          const res = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record } })
          if (grants.has(o.id)) {
            if (res.statusCode !== 200 && res.statusCode !== 409) throw new Error(`re-authorize gave ${res.statusCode}`)
            continue
          }
          if (res.statusCode !== 201) throw new Error(`authorize gave ${res.statusCode} ${res.body}`)
          grants.set(o.id, { from: Date.parse(record.validFrom), until: Date.parse(record.validUntil), categories: o.categories, ledgerTime: Date.parse(res.json().statement.time), revokedAt: null })
        } else if (o.op === 'revoke') {
          const res = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: { authorizationId: id, revokedAt: new Date().toISOString(), reason: 'r' } } })
          const g = grants.get(o.id)
          // A second revocation differs (its revokedAt), so it is a conflict; a same-millisecond replay is idempotent.
          const expected = !g ? [404] : g.revokedAt === null ? [201] : [409, 200]
          if (!expected.includes(res.statusCode)) throw new Error(`revoke gave ${res.statusCode}, expected ${expected}`)
          if (g && g.revokedAt === null) g.revokedAt = Date.parse(res.json().statement.time)
        } else {
          const at = new Date(base + o.offsetDays * DAY).toISOString()
          const res = await app.inject({ url: `/v1/authorizations/${id}/status?at=${encodeURIComponent(at)}&category=${o.category}`, headers: auditor })
          const g = grants.get(o.id)
          if (!g) {
            if (res.statusCode !== 404) throw new Error(`unknown authorization gave ${res.statusCode}`)
            continue
          }
          const want = model(g, Date.parse(at), o.category)
          if (res.json().status !== want) throw new Error(`${id} at ${at} ${o.category}: service says ${res.json().status}, model says ${want}`)
          queries++
        }
      }
      // Every authorization the run made is also asked about at fixed moments (before,
      // inside and after its window; a granted and another category), so each run compares
      // the model with the service whatever queries the random ops happened to contain.
      for (const [n, g] of grants) {
        for (const offsetDays of [-31, 0, 15, 45, 90]) {
          for (const category of [g.categories[0], CATEGORIES.find((c) => !g.categories.includes(c)) ?? g.categories[0]]) {
            const at = new Date(base + offsetDays * DAY).toISOString()
            const res = await app.inject({ url: `/v1/authorizations/AUTH-P-${n}/status?at=${encodeURIComponent(at)}&category=${category}`, headers: auditor })
            const want = model(g, Date.parse(at), category)
            if (res.json().status !== want) throw new Error(`AUTH-P-${n} at ${at} ${category}: service says ${res.json().status}, model says ${want}`)
            queries++
          }
        }
      }
    } finally {
      await app.close()
    }
  }), { numRuns: 15 })
  t.ok(queries > 10, `${queries} status answers compared with the model`)
})
