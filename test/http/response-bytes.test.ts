// Pins what clients parse byte by byte: the key order of every kind of success body (the
// schema serializer writes keys in schema order, so a reordered schema reorders the wire)
// and the exact bytes of problem bodies. Values that differ per run (times, salts, keys,
// hashes) are masked; everything else must match the snapshot in tap-snapshots/.
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

// Fields whose values are the same on every run; every other string is masked.
const STABLE = new Set(['kind', 'id', 'subject', 'status', 'origin', 'name', 'kty', 'crv', 'alg', 'use', 'type', 'title', 'detail', 'instance', 'erasedKind', 'erasedId', 'currency', 'value', 'nextCursor', 'in', 'field', 'pointer'])

/** The body with per-run values masked, keys kept in wire order. */
function shape(v: Json, key = ''): Json {
  if (Array.isArray(v)) return v.map((x) => shape(x, key))
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x, k)]))
  if (typeof v === 'string' && !STABLE.has(key)) return `<${v.length}>`
  return v
}

function describe(res: LightMyRequestResponse): string {
  const head = `${res.statusCode} ${res.headers['content-type']}` +
    (res.headers['content-disposition'] ? ` | ${res.headers['content-disposition']}` : '') +
    (res.headers['cache-control'] ? ` | cache-control: ${res.headers['cache-control']}` : '')
  if (!String(res.headers['content-type']).includes('json')) return `${head}\n<${res.body.length} bytes>`
  const parsed = JSON.parse(res.body) as Json
  // Compact JSON, nothing else: the masked shape then pins every byte but the masked values.
  if (JSON.stringify(parsed) !== res.body) return `${head}\nNOT COMPACT JSON: ${res.body}`
  return `${head}\n${JSON.stringify(shape(parsed))}`
}

t.test('representative responses keep their status, headers, key order and problem bytes', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const auditor = await auth('auditor')
  const court = await auth('court')
  const admin = await auth('admin')
  const rec = sampleRecords(1)
  const ask = async (what: string, req: InjectOptions) => {
    t.matchSnapshot(describe(await app.inject(req)), what)
  }
  const post = (payload: unknown, headers = submit): InjectOptions => ({ method: 'POST', url: '/v1/records', headers, payload: payload as object })

  await ask('record created', post({ kind: 'data-authorization', record: rec['data-authorization'] }))
  await ask('record replayed', post({ kind: 'data-authorization', record: rec['data-authorization'] }))
  await ask('hash-only created', post({ kind: 'evidence', id: 'EV-H', subject: uscc(1), commitment: 'sha256:' + 'aa'.repeat(32) }))
  await ask('conflict', post({ kind: 'evidence', id: 'EV-H', subject: uscc(1), commitment: 'sha256:' + 'bb'.repeat(32) }))
  await ask('batch', { method: 'POST', url: '/v1/records:batch', headers: submit, payload: { records: [
    { kind: 'financing-application', record: rec['financing-application'] },
    { kind: 'evidence', record: { ...rec.evidence, subject: 'X' } },
    { kind: 'authorization-revocation', record: rec['authorization-revocation'] },
  ] } })
  await ask('batch not an object', { method: 'POST', url: '/v1/records:batch', headers: submit, payload: [1] })
  await ask('batch empty', { method: 'POST', url: '/v1/records:batch', headers: submit, payload: { records: [] } })

  const invalid: [string, unknown][] = [
    ['not an object', [1, 2]],
    ['unknown kind', { kind: 'redaction', record: rec.evidence }],
    ['control character', { kind: 'evidence', record: { ...rec.evidence, title: 'a\u0001' } }],
    ['extra field next to record', { kind: 'evidence', record: rec.evidence, extra: 1 }],
    ['missing field', { kind: 'evidence', record: { ...rec.evidence, title: undefined } }],
    ['bad pattern', { kind: 'evidence', record: { ...rec.evidence, evidenceId: '../x' } }],
    ['USCC check character', { kind: 'evidence', record: { ...rec.evidence, subject: uscc(1).slice(0, 17) + (uscc(1)[17] === '0' ? '1' : '0') } }],
    ['applicant USCC check character', { kind: 'financing-application', record: { ...rec['financing-application'], applicant: { uscc: uscc(1).slice(0, 17) + (uscc(1)[17] === '0' ? '1' : '0'), name: 'x' } } }],
    ['impossible date', { kind: 'financing-application', record: { ...rec['financing-application'], submittedAt: '2026-02-30T10:00:00Z' } }],
    ['validUntil before validFrom', { kind: 'data-authorization', record: { ...rec['data-authorization'], validUntil: '2025-01-01T00:00:00Z' } }],
    ['neither record nor commitment', { kind: 'evidence', id: 'H1', subject: uscc(1) }],
    ['hash-only bad commitment', { kind: 'evidence', id: 'H1', subject: uscc(1), commitment: 'md5:abc' }],
    ['hash-only USCC check character', { kind: 'evidence', id: 'H1', subject: uscc(1).slice(0, 17) + (uscc(1)[17] === '0' ? '1' : '0'), commitment: 'sha256:' + 'aa'.repeat(32) }],
    ['revocation of an unknown authorization', { kind: 'authorization-revocation', record: { ...rec['authorization-revocation'], authorizationId: 'AUTH-NONE' } }],
  ]
  for (const [what, payload] of invalid) await ask(`invalid: ${what}`, post(payload))

  await ask('record as auditor', { url: '/v1/records/data-authorization/AUTH-1', headers: auditor })
  await ask('record as court', { url: '/v1/records/data-authorization/AUTH-1', headers: court })
  await ask('record missing', { url: '/v1/records/evidence/NOPE', headers: auditor })
  await ask('record bad kind', { url: '/v1/records/nope/X', headers: auditor })
  await ask('entry', { url: '/v1/entries/0', headers: auditor })
  await ask('entry missing', { url: '/v1/entries/99', headers: auditor })
  await ask('entry not a number', { url: '/v1/entries/x', headers: auditor })
  await ask('entry negative', { url: '/v1/entries/-1', headers: auditor })
  await ask('block', { url: '/v1/blocks/0', headers: auditor })
  await ask('block exponent', { url: '/v1/blocks/1e3', headers: auditor })
  await ask('keys', { url: '/v1/keys' })
  await ask('jwks', { url: '/.well-known/jwks.json' })
  await ask('checkpoint', { url: '/v1/checkpoint' })
  await ask('inclusion by index', { url: '/v1/proofs/inclusion?index=0' })
  await ask('inclusion beyond size', { url: '/v1/proofs/inclusion?index=0&size=99' })
  await ask('inclusion both', { url: '/v1/proofs/inclusion?index=0&leaf=' + 'aa'.repeat(32) })
  await ask('consistency', { url: '/v1/proofs/consistency?from=1&to=3' })
  await ask('consistency bad from', { url: '/v1/proofs/consistency?from=abc' })
  await ask('consistency leading zero', { url: '/v1/proofs/consistency?from=01' })
  await ask('consistency from > to', { url: '/v1/proofs/consistency?from=3&to=2' })
  await ask('subject history', { url: `/v1/subjects/${uscc(1)}/entries?limit=2`, headers: auditor })
  await ask('subject history limit 0', { url: `/v1/subjects/${uscc(1)}/entries?limit=0`, headers: auditor })
  await ask('subject history bad cursor', { url: `/v1/subjects/${uscc(1)}/entries?cursor=x`, headers: auditor })
  await ask('subject history bad check', { url: `/v1/subjects/${uscc(1).slice(0, 17)}${uscc(1)[17] === '0' ? '1' : '0'}/entries`, headers: auditor })
  await ask('authorization status', { url: '/v1/authorizations/AUTH-1/status?at=2026-03-01T00:00:00Z&category=tax', headers: auditor })
  await ask('authorization status bad at', { url: '/v1/authorizations/AUTH-1/status?at=2026-02-30T00:00:00Z', headers: auditor })
  await ask('evidence bundle', { url: '/v1/evidence/data-authorization/AUTH-1', headers: court })
  await ask('erase', { method: 'DELETE', url: '/v1/records/financing-application/APP-1/payload', headers: admin, payload: { reason: 'PIPL request' } })
  await ask('erase again', { method: 'DELETE', url: '/v1/records/financing-application/APP-1/payload', headers: admin, payload: { reason: 'PIPL request' } })
  await ask('erase without reason', { method: 'DELETE', url: '/v1/records/evidence/EV-H/payload', headers: admin, payload: {} })
  await ask('redaction entry', { url: '/v1/records/redaction/financing-application:APP-1', headers: court })
  await ask('healthz', { url: '/healthz' })
  await ask('readyz', { url: '/readyz' })
  await ask('no token', { url: '/v1/entries/0' })
  await ask('wrong role', { url: '/v1/entries/0', headers: submit })
  await ask('unknown route', { url: '/v1/nothing?x=1' })
})
