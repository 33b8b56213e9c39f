// The examples /docs shows are the ones a newcomer sends with "Try it out": each must be
// valid against its own schema (checked with Ajv as Fastify configures it, on the served
// /docs/json), pass the ledger's own record checks, and, sent to a real app in the order
// the docs suggest, be answered with a 2xx.
import t from 'tap'
import { Ajv, type ValidateFunction } from 'ajv'
import { Validator } from '@seriousme/openapi-schema-validator'
import { isValidUscc } from '../../chain/uscc.ts'
import { AJV_OPTIONS } from '../../plugins/validation-problems.ts'
import { EXAMPLE_SUBMITTER, EXAMPLE_USCC } from '../../src/kinds/example-enterprise.ts'
import { isRealTime, validateRecordBody } from '../../src/record-validation.ts'
import { Rfc3339, Uscc } from '../../src/schemas/fields.ts'
import { makeApp } from '../helpers/app.ts'

type Json = Record<string, unknown>
interface Parameter { in: string; name: string; required?: boolean; schema: Json; example?: unknown }
interface Operation {
  tags?: string[]
  summary?: string
  description?: string
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema: Json; example?: unknown; examples?: Record<string, { value: unknown }> }> }
}
type Doc = { tags: { name: string }[]; paths: Record<string, Record<string, Operation>> }

const errorsOf = (check: ValidateFunction) => JSON.stringify(check.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? [])

// Fastify's Ajv, plus the OpenAPI `example` keyword the document adds. Params and query
// are coerced from text as Fastify does; bodies are taken as sent.
const ajvOptions = { ...AJV_OPTIONS, keywords: [...(AJV_OPTIONS.keywords as string[]), 'example'] }
const bodyAjv = new Ajv(ajvOptions)
const paramAjv = new Ajv({ ...ajvOptions, coerceTypes: 'array' })

function checkParameter(p: Parameter): ValidateFunction {
  return paramAjv.compile({ type: 'object', properties: { [p.name]: p.schema }, required: [p.name] })
}

/** Every schema node in the document carrying an `example`, with where it is. */
function schemaExamples(node: unknown, where: string, out: [string, Json][] = []): [string, Json][] {
  if (Array.isArray(node)) node.forEach((x, i) => schemaExamples(x, `${where}/${i}`, out))
  else if (typeof node === 'object' && node !== null) {
    const n = node as Json
    const isSchema = 'type' in n || 'anyOf' in n || 'allOf' in n || 'pattern' in n
    if (isSchema && 'example' in n && !('in' in n)) out.push([where, n])
    for (const [k, v] of Object.entries(n)) if (k !== 'example' && k !== 'examples') schemaExamples(v, `${where}/${k}`, out)
  }
  return out
}

async function served(t: Parameters<typeof makeApp>[0]) {
  const made = await makeApp(t)
  const doc = (await made.app.inject({ url: '/docs/json' })).json() as Doc
  return { ...made, doc }
}

t.test('every example in /docs/json is valid against its own schema', async (t) => {
  const { doc } = await served(t)
  let checked = 0
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const at = `${method.toUpperCase()} ${path}`
      for (const p of op.parameters ?? []) {
        if (path === '/tlog/tile/{*}') continue // the tile path is parsed by the handler, not a schema
        t.not(p.example, undefined, `${at}: parameter ${p.name} has an example`)
        const check = checkParameter(p)
        t.ok(check({ [p.name]: p.example }), `${at}: ${p.in} ${p.name}=${String(p.example)} ${errorsOf(check)}`)
        checked++
      }
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        const examples = media.examples ? Object.values(media.examples).map((e) => e.value) : [media.example]
        t.ok(examples.length > 0 && examples[0] !== undefined, `${at}: ${type} body has an example`)
        const check = bodyAjv.compile(media.schema)
        for (const ex of examples) {
          t.ok(check(ex), `${at}: body example ${errorsOf(check)}`)
          checked++
        }
      }
    }
  }
  for (const [where, schema] of schemaExamples(doc, '#')) {
    const { example, ...rest } = schema
    const check = bodyAjv.compile(rest)
    t.ok(check(example), `${where}: ${errorsOf(check)}`)
    checked++
  }
  t.ok(checked > 60, `${checked} examples checked`)

  // And the tamper check: the same validation does refuse a broken example.
  const status = doc.paths['/v1/authorizations/{id}/status'].get.parameters!.find((p) => p.name === 'at')!
  t.notOk(checkParameter(status)({ at: '2026-12-01 08:00' }), 'a time without T and zone is refused')
  const post = doc.paths['/v1/records'].post.requestBody!.content['application/json']
  const auth = structuredClone(post.examples!['data-authorization'].value) as { record: { dataCategories: string[] } }
  auth.record.dataCategories = ['dna']
  t.notOk(bodyAjv.compile(post.schema)(auth), 'an unknown data category is refused')
})

t.test('every record example passes the ledger\'s own checks: USCC check character, real times, rules', async (t) => {
  const { doc } = await served(t)
  const post = doc.paths['/v1/records'].post.requestBody!.content['application/json']
  const named = Object.entries(post.examples!)
  t.same(named.map(([k]) => k), ['data-authorization', 'financing-application', 'evidence', 'authorization-revocation', 'hash-only'], 'one per kind and hash-only, in the order they are sent')
  const batch = doc.paths['/v1/records:batch'].post.requestBody!.content['application/json'].example as { records: unknown[] }
  for (const [name, body] of [...named.map(([k, e]) => [k, e.value] as const), ...batch.records.map((b, i) => [`batch item ${i}`, b] as const)]) {
    const check = validateRecordBody(body)
    t.ok(check.ok, `${name}: ${check.ok ? 'valid' : JSON.stringify(check.issues)}`)
  }
  // Every USCC and every time shown anywhere is real, and the times are Beijing time.
  const text = JSON.stringify(doc)
  const usccs = new Set([...text.matchAll(/"([0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10})"/g)].map((m) => m[1]))
  t.ok(usccs.has(EXAMPLE_USCC))
  for (const u of usccs) t.ok(isValidUscc(u), `USCC ${u} has its check character`)
  const times = new Set([...text.matchAll(/"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9]{2}:[0-9]{2}))"/g)].map((m) => m[1]))
  t.ok(times.size >= 6, `${times.size} times`)
  for (const time of times) {
    t.ok(isRealTime(time), `${time} is a real moment`)
    t.match(time, /\+08:00$/, `${time} is in Beijing time`)
  }
  t.notOk(isValidUscc(EXAMPLE_USCC.slice(0, 17) + (EXAMPLE_USCC[17] === '0' ? '1' : '0')), 'the check is a real check')
  // The field schemas' own examples are what the document shows.
  t.same(Uscc.examples, [EXAMPLE_USCC])
  t.match(Rfc3339.examples, ['2026-12-01T08:00:00+08:00'])
})

t.test('/docs/json is a valid OpenAPI 3.0 document', async (t) => {
  const { doc } = await served(t)
  const result = await new Validator().validate(structuredClone(doc) as unknown as Json)
  t.ok(result.valid, JSON.stringify(result.errors ?? '').slice(0, 2000))
  // The check can fail.
  const broken = structuredClone(doc) as Doc
  ;(broken.paths['/v1/records'].post as unknown as Json).responses = 'none'
  t.notOk((await new Validator().validate(broken as unknown as Json)).valid, 'a broken document is refused')
})

t.test('every route is tagged, summarized and described; records come first', async (t) => {
  const { doc } = await served(t)
  const tags = doc.tags.map((x) => x.name)
  t.equal(tags[0], 'records')
  let last = 0
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const at = `${method.toUpperCase()} ${path}`
      t.ok(op.tags?.length && op.tags.every((x) => tags.includes(x)), `${at}: tagged with a listed tag`)
      t.ok((op.summary?.length ?? 0) > 10, `${at}: summary`)
      t.ok((op.description?.length ?? 0) > 30, `${at}: description`)
      const rank = tags.indexOf(op.tags![0])
      t.ok(rank >= last, `${at}: listed in tag order`)
      last = rank
    }
  }
  t.equal(Object.keys(doc.paths)[0], '/v1/records', 'POST /v1/records is the first operation')
})

// Routes whose example cannot be answered 2xx by an app like the one under test, and why.
const NOT_SENT: Record<string, string> = {
  'GET /v1/proofs/witnessed': 'needs a WITNESS_POLICY with witnesses that cosigned (test/witness covers it)',
  'GET /v1/timestamps': 'needs TSA_URL and a time-stamping authority that answered (test/timestamp covers it)',
  'GET /v/{leafHash}': 'a leaf hash depends on the ledger time and salt: no fixed example can name a real entry',
  'GET /tlog/tile/{*}': 'no parameters schema; test/witness/tlog-tiles-api.test.ts covers it',
}
// Parameters that are alternatives to another one the request sends.
const ALTERNATIVES: Record<string, string[]> = {
  'GET /v1/proofs/inclusion': ['leaf'],
}

t.test('sent as /docs suggests, every example is answered with a 2xx', async (t) => {
  const { app, auth, doc } = await served(t)
  const submitter = await auth('submitter', EXAMPLE_SUBMITTER)
  const admin = await auth('admin', 'ops-admin')
  const post = doc.paths['/v1/records'].post.requestBody!.content['application/json']
  for (const [name, { value }] of Object.entries(post.examples!)) {
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers: submitter, payload: value as object })
    t.equal(res.statusCode, 201, `POST /v1/records ${name}: ${res.body.slice(0, 300)}`)
    const body = value as { kind: string; id?: string; record?: Record<string, unknown> }
    t.equal(res.json().statement.kind, body.kind, `${name}: receipt of that kind`)
    t.equal(res.json().statement.subject, EXAMPLE_USCC, `${name}: about the example enterprise`)
  }
  const batch = doc.paths['/v1/records:batch'].post.requestBody!.content['application/json'].example
  const batchRes = await app.inject({ method: 'POST', url: '/v1/records:batch', headers: submitter, payload: batch as object })
  t.equal(batchRes.statusCode, 200)
  t.same(batchRes.json().results.map((r: { status: number }) => r.status), [201, 201], 'every batch item created')

  let sent = 0
  let deletion: { url: string; body: unknown } | undefined
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const at = `${method.toUpperCase()} ${path}`
      if (method === 'post' || NOT_SENT[at]) continue
      let url = path
      const query = new URLSearchParams()
      for (const p of op.parameters ?? []) {
        if (ALTERNATIVES[at]?.includes(p.name)) continue
        if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(String(p.example)))
        else if (p.in === 'query') query.set(p.name, String(p.example))
      }
      if (query.size > 0) url += `?${query}`
      if (method === 'delete') {
        // Erasure last: the reads above still see the record.
        deletion = { url, body: op.requestBody!.content['application/json'].example }
        continue
      }
      const res = await app.inject({ method: 'GET', url, headers: admin })
      t.ok(res.statusCode >= 200 && res.statusCode < 300, `${at} → ${url}: ${res.statusCode} ${res.statusCode >= 300 ? res.body.slice(0, 300) : ''}`)
      sent++
    }
  }
  t.ok(sent >= 20, `${sent} read examples sent`)
  t.ok(deletion, 'the erasure example')
  const erased = await app.inject({ method: 'DELETE', url: deletion!.url, headers: admin, payload: deletion!.body as object })
  t.equal(erased.statusCode, 201, `DELETE ${deletion!.url}: ${erased.body.slice(0, 300)}`)
  t.equal(erased.json().statement.kind, 'redaction')

  // What the story shows: the status query finds the authorization and its revocation.
  const status = await app.inject({ url: '/v1/authorizations/AUTH-2026-000123/status?at=2026-12-15T09:30:00%2B08:00', headers: admin })
  t.equal(status.statusCode, 410, 'after the erasure, its terms are gone')
})
