import t from 'tap'
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { UnsecuredJWT } from 'jose'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const RUNS = 10_500

t.test(`fuzz: ${RUNS} hostile requests — never a 5xx, always problem+json, nothing written by a rejected request`, async (t) => {
  const { app, auth } = await makeApp(t)
  const tokens = {
    submitter: (await auth('submitter')).authorization,
    auditor: (await auth('auditor')).authorization,
    court: (await auth('court')).authorization,
    admin: (await auth('admin')).authorization,
  }
  // Something to read, revoke and erase.
  const rec = sampleRecords(1)
  for (const kind of ['data-authorization', 'evidence', 'financing-application'] as const) {
    await app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: tokens.submitter }, payload: { kind, record: rec[kind] } })
  }
  const valid = tokens.submitter.slice(7)
  const [h, p, s] = valid.split('.')
  const forged = [
    'Bearer ' + new UnsecuredJWT({ roles: ['admin'], sub: 'x' }).setIssuer('evidence-ledger-dev').setAudience('evidence-ledger').setExpirationTime('1h').encode(),
    `Bearer ${h}.${Buffer.from(JSON.stringify({ roles: ['admin'], sub: 'x' })).toString('base64url')}.${s}`,
    `Bearer ${h}.${p}.${s.slice(0, -2)}`,
    `Bearer ${valid}x`,
    'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer \u0000', `Bearer ${'a'.repeat(9000)}`, 'bearer ' + valid,
  ]

  const weird = fc.oneof(
    fc.constantFrom('\ud800', '\udfff', 'a\u0000b', '\u202eevil\u202c', '\u200b', '𝒳', '\u2066x\u2069', '\u0085', '\u009b', '\ufeff', '\u2028', '\u2029', '\ufdd0', '\uffff', '\u{10fffe}', '../../etc/passwd', '%2e%2e%2f', '..\\..\\', ' ', '', '\n', 'NaN', '1e309', '-0', '0x10'),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ maxLength: 5000 }).map((x) => x.repeat(3)),
  )
  const jsonish: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    weird,
    fc.integer({ min: 1, max: 3000 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown),
    fc.constant({ ['__proto__']: { polluted: true }, kind: 'evidence' }),
    fc.constant({ constructor: { prototype: { x: 1 } } }),
  )
  const mutatedRecord = fc.tuple(
    fc.constantFrom('financing-application', 'data-authorization', 'authorization-revocation', 'evidence', 'redaction', 'nope'),
    fc.constantFrom(...Object.keys(rec.evidence), ...Object.keys(rec['data-authorization']), ...Object.keys(rec['financing-application'])),
    jsonish,
  ).map(([kind, field, value]) => {
    const base = structuredClone((rec as Record<string, Record<string, unknown>>)[kind] ?? rec.evidence)
    base[field] = value
    return { kind, record: base }
  })
  // Ill-formed UTF-8 spliced into an otherwise valid body: overlong, encoded surrogate,
  // stray continuation, truncated, beyond U+10FFFF, invalid lead bytes.
  const badUtf8 = fc.constantFrom([0xc0, 0xaf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xe4, 0xb8], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xc1, 0xbf])
  const badBytes = fc.tuple(mutatedRecord, badUtf8, fc.nat()).map(([v, bad, at]) => {
    const text = Buffer.from(JSON.stringify(v))
    const quote = [...text.keys()].filter((i) => text[i] === 0x22)
    const i = quote.length > 0 ? quote[at % quote.length] + 1 : 0
    return Buffer.concat([text.subarray(0, i), Buffer.from(bad), text.subarray(i)])
  })
  const body = fc.oneof(
    jsonish.map((v) => { try { return JSON.stringify(v) } catch { return '{}' } }),
    badBytes,
    mutatedRecord.map((v) => JSON.stringify(v)),
    mutatedRecord.map((v) => JSON.stringify({ records: [v, v] })),
    fc.constantFrom('{', '{"kind":', '[1,2', '{"a":1}}', 'null', '"str"', '\u0000', '{"kind":"evidence","record":{"evidenceId":"\\ud800"}}', '{"kind":"evidence","id":"x","subject":"' + uscc(1) + '","commitment":"sha256:' + 'a'.repeat(64) + '","extra":1}'),
    fc.string({ unit: 'binary', maxLength: 300 }),
  )
  const encode = (w: string) => { try { return encodeURIComponent(w) } catch { return '%ED%A0%80' } }
  const segment = fc.oneof(weird.map(encode), weird, fc.constantFrom('evidence', 'data-authorization', 'EV-1', 'AUTH-1', '0', '-1', '99999999999999999999', '%', '%ZZ', '..', '%2e%2e', 'a/../../b'))
  const url = fc.oneof(
    fc.constantFrom('/v1/records', '/v1/records:batch', '/v1/checkpoint', '/v1/keys', '/.well-known/jwks.json', '/healthz', '/readyz', '/metrics', '/docs/json', '/v1/export', '/verify', '/console'),
    segment.map((x) => `/v1/records/evidence/${x}`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/records/${a}/${b}/payload`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/evidence/${a}/${b}`),
    segment.map((x) => `/v1/entries/${x}`),
    segment.map((x) => `/v1/blocks/${x}`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/blocks?before=${a}&limit=${b}`),
    fc.tuple(segment, segment, segment).map(([a, b, c]) => `/v1/entries?after=${a}&limit=${b}&kind=${c}`),
    segment.map((x) => `/v1/search?q=${x}`),
    fc.constant('/v1/stats'),
    segment.map((x) => `/v1/stats?window=${x}`),
    fc.tuple(segment, segment, segment).map(([a, b, c]) => `/v1/subjects/${a}/authorizations?at=${b}&limit=${c}&cursor=${a}`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/subjects/${uscc(1)}/authorizations?at=${a}&limit=${b}`),
    segment.map((x) => `/v1/subjects/${x}/entries`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/authorizations/${a}/status?at=${b}&category=${a}`),
    fc.tuple(segment, segment, segment).map(([a, b, c]) => `/v1/proofs/inclusion?leaf=${a}&index=${b}&size=${c}`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/proofs/consistency?from=${a}&to=${b}`),
    fc.tuple(segment, segment).map(([a, b]) => `/v1/subjects/${uscc(1)}/entries?cursor=${a}&limit=${b}&kind=${a}&from=${b}`),
    segment.map((x) => `/${x}`),
  )
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
    url,
    authorization: fc.oneof(fc.constant(undefined), fc.constantFrom(...Object.values(tokens), ...forged)),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/problem+json', undefined, 'application/json; charset=latin1'),
    body: fc.option(body, { nil: undefined }),
  })

  let count = 0
  let served = 0
  const statuses = new Map<number, number>()
  await fc.assert(fc.asyncProperty(request, async (r) => {
    const before = app.ledger.log.size
    const headers: Record<string, string> = {}
    if (r.authorization !== undefined) headers.authorization = r.authorization
    if (r.contentType !== undefined) headers['content-type'] = r.contentType
    const opts: InjectOptions = { method: r.method as InjectOptions['method'], url: r.url, headers, ...(r.body !== undefined && r.method !== 'GET' ? { payload: r.body } : {}) }
    let res
    try {
      res = await app.inject(opts)
    } catch (e) {
      // light-my-request cannot even build some URLs ("/\\\\"): the client failed, not the server.
      if ((e as { code?: string }).code === 'ERR_INVALID_URL') { count++; return }
      throw e
    }
    count++
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    if (res.statusCode >= 500) throw new Error(`${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 300)}`)
    if (res.statusCode >= 400) {
      if (!String(res.headers['content-type']).startsWith('application/problem+json')) throw new Error(`${r.method} ${r.url} → ${res.statusCode} as ${res.headers['content-type']}`)
      const p = res.json() as { type: string; status: number }
      if (!p.type.startsWith('urn:evidence-ledger:problem:') || p.status !== res.statusCode) throw new Error(`bad problem body ${res.body.slice(0, 200)}`)
      if (/\bat .*\.(ts|js):\d+/.test(res.body)) throw new Error('stack trace in a response')
      if (app.ledger.log.size !== before) throw new Error(`${r.method} ${r.url} was rejected with ${res.statusCode} but the tree grew`)
    } else {
      served++
      if (Buffer.isBuffer(r.body) && app.ledger.log.size !== before) throw new Error(`${r.method} ${r.url}: a body of ill-formed UTF-8 was notarized`)
    }
  }), { numRuns: RUNS })
  t.equal(count, RUNS, `${count} requests sent`)
  t.comment(`status counts: ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ')}`)
  t.ok(served > 0, 'some requests were served')
  for (const s of [400, 401, 404]) t.ok(statuses.has(s), `the fuzzer reached ${s} paths`)
})
