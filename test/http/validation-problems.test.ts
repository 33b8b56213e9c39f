// A refused request says, for every bad field, which field, what is wrong with it and
// what would be right, in `detail` and one by one in `errors` (docs/api.md, Errors).
import t from 'tap'
import { exampleBody } from '../../src/schemas/records.ts'
import { MAX_ISSUES } from '../../plugins/validation-problems.ts'
import { makeApp } from '../helpers/app.ts'

interface Issue { in: string; field: string; pointer: string; detail: string }
const CATEGORIES = 'tax, invoice, social-security, housing-fund, utilities, customs, real-estate, judicial, credit, other'
const KINDS = 'financing-application, data-authorization, authorization-revocation, evidence'
const RFC3339 = 'an RFC 3339 time with a zone, like 2026-12-01T08:00:00+08:00'

function problem(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) {
  const body = res.json() as { type: string; status: number; detail: string; errors: Issue[] }
  return { status: res.statusCode, type: body.type, contentType: res.headers['content-type'], detail: body.detail, errors: body.errors }
}

const record = <K extends Parameters<typeof exampleBody>[0]>(kind: K, patch: Record<string, unknown>) => {
  const body = exampleBody(kind)
  return { kind, record: { ...(body.record as object), ...patch } }
}

t.test('a query with several bad parameters lists them all, by name, with the allowed values', async (t) => {
  const { app, auth } = await makeApp(t)
  const res = problem(await app.inject({ url: '/v1/authorizations/AUTH-1/status?at=yesterday&category=dna&foo=1', headers: await auth('auditor') }))
  t.equal(res.status, 400)
  t.equal(res.type, 'urn:evidence-ledger:problem:validation')
  t.equal(res.contentType, 'application/problem+json; charset=utf-8')
  t.same(res.errors, [
    { in: 'query', field: 'foo', pointer: '/foo', detail: 'unknown query parameter foo (this route takes at, category, purpose, submitter)' },
    { in: 'query', field: 'at', pointer: '/at', detail: `at must be ${RFC3339}` },
    { in: 'query', field: 'category', pointer: '/category', detail: `category must be one of ${CATEGORIES}` },
  ])
  t.equal(res.detail, res.errors.map((e) => e.detail).join('; '), 'detail says them all in one line')
})

t.test('every route with a query schema refuses an unknown query parameter by name', async (t) => {
  const { app, auth } = await makeApp(t)
  const admin = await auth(['admin', 'submitter'])
  const doc = (await app.inject({ url: '/docs/json' })).json() as { paths: Record<string, Record<string, { parameters?: { in: string; name: string; example?: unknown }[] }>> }
  let routes = 0
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? []
      if (!params.some((p) => p.in === 'query')) continue
      let url = path
      for (const p of params) if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(p.example)))
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url: `${url}?bogus=1`, headers: admin, ...(method === 'get' ? {} : { payload: method === 'delete' ? { reason: 'test' } : { records: [] } }) })
      t.equal(res.statusCode, 400, `${method.toUpperCase()} ${path}`)
      // Routes with a required parameter also say that it is missing: every problem is listed.
      t.match(problem(res).detail, /(^|; )unknown query parameter bogus \(this route takes [a-z, ]+\)$/, `${method.toUpperCase()} ${path}: ${problem(res).detail}`)
      routes++
    }
  }
  t.ok(routes >= 12, `${routes} routes with a query schema`)
})

t.test('path parameters: the field and the expected form', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('auditor')
  const cases: [string, string][] = [
    ['/v1/subjects/123/entries', 'uscc must be a Unified Social Credit Code: 18 characters of 0-9 and A-Z without I, O, S, V, Z, like 91410100MA46N3K8X1'],
    ['/v1/subjects/91410100MA46N3K8X2/entries', 'uscc has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015)'],
    ['/v1/entries/abc', 'index must be a whole number written in decimal digits, like 42 (no sign, no leading zero)'],
    ['/v1/records/nope/X', `kind must be one of ${KINDS}, redaction`],
    ['/v1/subjects/91410100MA46N3K8X1/entries?limit=0&from=2026-02-30T00:00:00%2B08:00&kind=x', `kind must be one of ${KINDS}, redaction`],
    ['/v1/subjects/91410100MA46N3K8X1/entries?limit=0&from=2026-02-30T00:00:00%2B08:00', 'limit must be 1 to 500; from must be a real moment: 2026-02-30T00:00:00+08:00 does not exist on the calendar or clock'],
    ['/v1/authorizations/AUTH-1/status?at=2026-11-31T08:00:00%2B08:00', 'at must be a real moment: 2026-11-31T08:00:00+08:00 does not exist on the calendar or clock'],
    ['/v1/proofs/inclusion?leaf=ABC', 'leaf must be a SHA-256 in 64 lowercase hex digits'],
  ]
  for (const [url, detail] of cases) {
    const res = problem(await app.inject({ url, headers }))
    t.equal(res.status, 400, url)
    t.equal(res.detail, detail, url)
  }
})

t.test('record bodies of every kind: all bad fields, each with what is wrong and what is right', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const post = async (payload: unknown) => problem(await app.inject({ method: 'POST', url: '/v1/records', headers, payload: payload as object }))

  const fa = await post(record('financing-application', { amount: { value: '5e5', currency: 'USD' }, termMonths: 0, product: undefined, extra: true }))
  t.equal(fa.status, 400)
  t.same(fa.errors.map((e) => [e.field, e.detail]), [
    ['record.product', 'record.product is required'],
    ['record.extra', 'record.extra is not a known field (allowed here: applicationId, applicant, product, amount, termMonths, purpose, submittedAt, channel, attachments)'],
    ['record.amount.value', 'record.amount.value must be a decimal string like "500000.00" (no exponent, no sign, at most 4 decimals)'],
    ['record.amount.currency', 'record.amount.currency must be CNY'],
    ['record.termMonths', 'record.termMonths must be 1 to 600'],
  ], 'financing-application: five problems, in schema order after the missing and unknown fields')
  t.same(fa.errors.map((e) => e.pointer), ['/record/product', '/record/extra', '/record/amount/value', '/record/amount/currency', '/record/termMonths'])

  const da = await post(record('data-authorization', {
    dataCategories: ['tax', 'dna', 'tax'], validFrom: '2026-12-01 08:00', consentMethod: 'fax', grantor: { uscc: '91410100MA46N3K8X2', name: '' },
  }))
  t.same(da.errors.map((e) => e.detail), [
    'record.grantor.name must be a string of 1 to 200 characters',
    `record.dataCategories[1] must be one of ${CATEGORIES}`,
    'record.dataCategories must not list the same item twice',
    `record.validFrom must be ${RFC3339}`,
    'record.consentMethod must be one of e-signature, click-wrap, in-person, rpa-login',
    'record.grantor.uscc has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error',
  ], 'data-authorization: the schema problems, then the check character the schema cannot see')

  const rule = await post(record('data-authorization', { validUntil: '2026-11-01T00:00:00+08:00' }))
  t.same(rule.errors, [{ in: 'body', field: 'record.validUntil', pointer: '/record/validUntil', detail: 'record.validUntil must be after validFrom (2026-11-28T00:00:00+08:00)' }])

  const rv = await post(record('authorization-revocation', { revokedAt: '2026-02-29T09:30:00+08:00', reason: 'x'.repeat(501) }))
  t.same(rv.errors.map((e) => e.detail), ['record.reason must be a string of 1 to 500 characters', 'record.revokedAt must be a real moment: 2026-02-29T09:30:00+08:00 does not exist on the calendar or clock'])

  const ev = await post(record('evidence', { documents: [{ name: '合同.pdf', sha256: 'AB', size: -1 }], subject: 'not-a-uscc' }))
  t.same(ev.errors.map((e) => e.field), ['record.subject', 'record.documents[0].sha256', 'record.documents[0].size'])
  t.match(ev.detail, /; record\.documents\[0\]\.size must be 0 to 1099511627776$/)

  const hashOnly = await post({ kind: 'evidence', id: 'EV 1', subject: '91410100MA46N3K8X2', commitment: 'md5:abc' })
  t.same(hashOnly.errors.map((e) => e.field), ['id', 'commitment', 'subject'])
  t.match(hashOnly.detail, /^id must be a business id: 1 to 128 of .*; commitment must be "sha256:" and 64 lowercase hex digits; subject has a wrong check character/)

  const kind = await post({ kind: 'loan', record: {} })
  t.equal(kind.detail, `kind must be one of ${KINDS}`)
  t.equal(app.ledger.log.size, 0, 'nothing written')
})

t.test('a body with thousands of bad fields lists the first ones and counts the rest', async (t) => {
  const { app, auth } = await makeApp(t)
  const extra = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`x${i}`, i]))
  const res = problem(await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter'), payload: record('evidence', extra) }))
  t.equal(res.status, 400)
  t.equal(res.errors.length, MAX_ISSUES)
  t.same(res.errors[0], { in: 'body', field: 'record.x0', pointer: '/record/x0', detail: 'record.x0 is not a known field (allowed here: evidenceId, subject, title, documents)' })
  t.match(res.detail, /; and \d+ more$/)
})

t.test('batch items and the erasure body speak the same way', async (t) => {
  const { app, auth } = await makeApp(t)
  const batch = await app.inject({
    method: 'POST', url: '/v1/records:batch', headers: await auth('submitter'),
    payload: { records: [exampleBody('evidence'), record('financing-application', { submittedAt: 'now', termMonths: 1.5 })] },
  })
  t.equal(batch.statusCode, 200)
  const [ok, bad] = batch.json().results
  t.equal(ok.status, 201)
  t.equal(bad.status, 400)
  t.same(bad.problem.errors.map((e: Issue) => e.detail), ['record.termMonths must be a whole number from 1 to 600', `record.submittedAt must be ${RFC3339}`])

  const admin = await auth('admin')
  const erase = problem(await app.inject({ method: 'DELETE', url: '/v1/records/evidence/EV-2026-000042/payload', headers: admin, payload: { reason: 1, note: 'x' } }))
  t.equal(erase.status, 400)
  t.same(erase.errors.map((e) => e.detail), ['note is not a known field (allowed here: reason)', 'reason must be a string of 1 to 500 characters'])
  const spoof = problem(await app.inject({ method: 'DELETE', url: '/v1/records/evidence/EV-2026-000042/payload', headers: admin, payload: { reason: 'a\u202Eb' } }))
  t.match(spoof.detail, /^reason is refused: U\+202E \(bidi override or isolate\) at character 1; text must be/)
})
