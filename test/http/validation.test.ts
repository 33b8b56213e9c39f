import t from 'tap'
import type { InjectOptions } from 'fastify'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

/** Every path to a value in a record (objects and arrays descended into). */
function paths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix]
  const kids = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v)
  return [prefix, ...kids.flatMap(([k, x]) => paths(x, [...prefix, k]))].filter((p) => p.length > 0)
}

function setAt(root: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(root)
  let cur = copy as Record<string | number, Json>
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>
  const last = path.at(-1)!
  if (value === undefined) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1)
    else delete cur[last]
  } else cur[last] = value
  return copy
}

function get(root: Json, path: (string | number)[]): Json {
  let cur = root
  for (const k of path) cur = (cur as Record<string | number, Json>)[k]
  return cur
}

t.test('an invalid value in any field of any kind is a 400 problem and writes nothing', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  // The revocation needs its authorization on the ledger first.
  const base = sampleRecords(1)
  await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'data-authorization', record: base['data-authorization'] } })
  const size = app.ledger.log.size
  let cases = 0
  for (const [kind, record] of Object.entries(base) as [string, Json][]) {
    for (const path of paths(record)) {
      const current = get(record, path)
      const mutations: [string, Json | undefined][] = [
        ['wrong type', typeof current === 'number' ? 'twelve' : typeof current === 'string' ? 12 : 'x'],
        ['null', null],
      ]
      if (typeof current === 'string') mutations.push(['empty', ''], ['10k chars', 'x'.repeat(10_000)], ['NUL', current + '\u0000'], ['lone surrogate', current + '\ud800'])
      if (typeof current === 'number') mutations.push(['negative', -1], ['fraction', 1.5], ['huge', 1e300])
      if (Array.isArray(current)) mutations.push(['too many', Array(200).fill(current[0] ?? 'x')])
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) mutations.push(['unknown field', { ...current, extra: 1 }])
      // Optional fields and array elements may be left out; anything else may not.
      if (path.join('.') !== 'grantor.representative' && typeof path.at(-1) !== 'number') {
        mutations.push(['missing', undefined])
      }
      for (const [what, value] of mutations) {
        const mutated = setAt(record, path, value)
        const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind, record: mutated } })
        cases++
        if (res.statusCode !== 400 || res.headers['content-type'] !== 'application/problem+json; charset=utf-8') {
          t.fail(`${kind} ${path.join('.')} ${what}: got ${res.statusCode} ${res.body.slice(0, 200)}`)
        }
      }
    }
  }
  const specific: [string, unknown][] = [
    ['USCC check character', { kind: 'evidence', record: { ...base.evidence, subject: uscc(1).slice(0, 17) + (uscc(1)[17] === '0' ? '1' : '0') } }],
    ['impossible date', { kind: 'financing-application', record: { ...base['financing-application'], submittedAt: '2026-02-30T10:00:00Z' } }],
    ['date without zone', { kind: 'financing-application', record: { ...base['financing-application'], submittedAt: '2026-02-03T10:00:00' } }],
    ['amount in exponent form', { kind: 'financing-application', record: { ...base['financing-application'], amount: { value: '5e5', currency: 'CNY' } } }],
    ['amount as number', { kind: 'financing-application', record: { ...base['financing-application'], amount: { value: 500000, currency: 'CNY' } } }],
    ['currency not CNY', { kind: 'financing-application', record: { ...base['financing-application'], amount: { value: '1.00', currency: 'USD' } } }],
    ['validUntil before validFrom', { kind: 'data-authorization', record: { ...base['data-authorization'], authorizationId: 'AUTH-X', validUntil: '2025-01-01T00:00:00Z' } }],
    ['unknown data category', { kind: 'data-authorization', record: { ...base['data-authorization'], authorizationId: 'AUTH-Y', dataCategories: ['tax', 'dna'] } }],
    ['duplicate data category', { kind: 'data-authorization', record: { ...base['data-authorization'], authorizationId: 'AUTH-Z', dataCategories: ['tax', 'tax'] } }],
    ['id with a slash', { kind: 'evidence', record: { ...base.evidence, evidenceId: '../etc/passwd' } }],
    ['unknown kind', { kind: 'redaction', record: base.evidence }],
    ['unknown top-level field', { kind: 'evidence', record: base.evidence, extra: true }],
    ['record and commitment both', { kind: 'evidence', record: base.evidence, commitment: 'sha256:' + 'aa'.repeat(32) }],
    ['hash-only with bad commitment', { kind: 'evidence', id: 'H1', subject: uscc(1), commitment: 'md5:abc' }],
    ['hash-only with bad subject', { kind: 'evidence', id: 'H1', subject: 'X', commitment: 'sha256:' + 'aa'.repeat(32) }],
    ['not an object', [1, 2, 3]],
  ]
  for (const [what, payload] of specific) {
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: payload as object })
    cases++
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().type, 'urn:evidence-ledger:problem:validation', `${what}: ${res.json().detail}`)
  }
  t.ok(cases > 150, `${cases} invalid bodies tried`)
  t.equal(app.ledger.log.size, size, 'tree size unchanged')
})

t.test('transport-level errors map to their problem types', async (t) => {
  const { app, auth } = await makeApp(t, { BODY_LIMIT: '2048' })
  const headers = await auth('submitter')
  const cases: [string, InjectOptions, number, string][] = [
    ['malformed JSON', { method: 'POST', url: '/v1/records', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"kind": ' }, 400, 'malformed-json'],
    ['empty JSON body', { method: 'POST', url: '/v1/records', headers: { ...headers, 'content-type': 'application/json' }, payload: '' }, 400, 'malformed-json'],
    ['wrong content type', { method: 'POST', url: '/v1/records', headers: { ...headers, 'content-type': 'text/xml' }, payload: '<a/>' }, 415, 'unsupported-media-type'],
    ['text/plain, even holding JSON', { method: 'POST', url: '/v1/records:batch', headers: { ...headers, 'content-type': 'text/plain' }, payload: '{"records":[]}' }, 415, 'unsupported-media-type'],
    ['too large', { method: 'POST', url: '/v1/records', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify({ kind: 'evidence', pad: 'x'.repeat(5000) }) }, 413, 'payload-too-large'],
    ['unknown route', { method: 'GET', url: '/v1/nothing' }, 404, 'not-found'],
    ['bad query', { method: 'GET', url: '/v1/proofs/consistency?from=abc' }, 400, 'validation'],
  ]
  for (const [what, req, status, slug] of cases) {
    const res = await app.inject(req)
    t.equal(res.statusCode, status, what)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${what} content type`)
    t.equal(res.json().type, `urn:evidence-ledger:problem:${slug}`, what)
    t.notMatch(res.body, /at .*\.ts:\d+/, `${what}: no stack trace`)
    if (status === 415) t.equal(res.json().detail, 'send the body as application/json', `${what}: says what to send`)
  }
  t.equal(app.ledger.log.size, 0)
})

t.test('OpenAPI documents every route, its problems as application/problem+json, and /docs serves the UI', async (t) => {
  const { app } = await makeApp(t)
  const spec = (await app.inject({ url: '/docs/json' })).json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { anyOf?: unknown[] } }> }; responses: Record<string, { content?: Record<string, unknown> }> }>> }
  t.match(spec.openapi, /^3\./)
  const routes: [string, string][] = [
    ['post', '/v1/records'], ['post', '/v1/records:batch'], ['get', '/v1/checkpoint'], ['get', '/v1/keys'], ['get', '/.well-known/jwks.json'],
    ['get', '/v1/proofs/inclusion'], ['get', '/v1/proofs/consistency'], ['get', '/v1/entries/{index}'], ['get', '/v1/blocks/{height}'],
    ['get', '/v1/records/{kind}/{id}'], ['get', '/v1/evidence/{kind}/{id}'], ['get', '/v1/authorizations/{id}/status'],
    ['get', '/v1/subjects/{uscc}/entries'], ['delete', '/v1/records/{kind}/{id}/payload'], ['get', '/v1/export'], ['get', '/verify'], ['get', '/v1/evidence/{kind}/{id}/certificate.pdf'], ['get', '/v/{leafHash}'],
    ['get', '/healthz'], ['get', '/readyz'], ['get', '/metrics'],
    ['get', '/v1/proofs/witnessed'], ['get', '/v1/timestamps'], ['get', '/tlog/checkpoint'], ['get', '/tlog/tile/{*}'],
    ['get', '/v1/blocks'], ['get', '/v1/entries'], ['get', '/v1/search'], ['get', '/v1/stats'],
    ['get', '/console'], ['get', '/v1/subjects/{uscc}/authorizations'],
  ]
  for (const [method, path] of routes) t.ok(spec.paths[path]?.[method], `documents ${method.toUpperCase()} ${path}`)
  t.same(Object.keys(spec.paths).sort(), [...new Set(routes.map(([, p]) => p))].sort(), 'and nothing else')
  const post = spec.paths['/v1/records'].post
  t.equal(post.requestBody?.content['application/json'].schema.anyOf?.length, 5, 'four record kinds and the hash-only body')
  for (const status of ['400', '401', '403', '409', '413', '415', '429']) {
    t.ok(post.responses[status]?.content?.['application/problem+json'], `POST /v1/records documents ${status} as problem+json`)
  }
  t.ok(post.responses['201'] && post.responses['200'], 'created and replayed receipts')
  const ui = await app.inject({ url: '/docs/' })
  t.equal(ui.statusCode, 200)
  t.match(ui.body, /swagger/i)
})

t.test('a conflict problem names the existing entry', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const body = { kind: 'evidence', id: 'EV-C', subject: uscc(2), commitment: 'sha256:' + 'aa'.repeat(32) }
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers, payload: body })).statusCode, 201)
  const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { ...body, commitment: 'sha256:' + 'bb'.repeat(32) } })
  t.equal(res.statusCode, 409)
  t.same(res.json(), {
    type: 'urn:evidence-ledger:problem:conflict', title: 'Conflict', status: 409,
    detail: 'evidence EV-C is already notarized with different content', instance: '/v1/records', index: 0,
  })
  t.equal(app.ledger.log.size, 1)
})

t.test('metrics expose appends, block sizes, commit latency and tree size', async (t) => {
  const { app, auth } = await makeApp(t)
  await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(1).evidence } })
  const m = (await app.inject({ url: '/metrics' })).body
  t.match(m, /ledger_appends_total\{outcome="201"\} 1/)
  t.match(m, /ledger_block_entries_count 1/)
  t.match(m, /ledger_commit_seconds_bucket/)
  t.match(m, /ledger_tree_size 1/)
})
