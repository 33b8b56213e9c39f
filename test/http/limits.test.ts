// Rate limits per authenticated subject, security headers, and the shutdown drain.
import t from 'tap'
import { request as httpRequest, Agent } from 'node:http'
import type { AddressInfo } from 'node:net'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Receipt } from '../../chain/verify.ts'

t.test('the rate limit counts per token subject: one exhausted submitter does not block another', async (t) => {
  const { app, auth } = await makeApp(t, { RATE_LIMIT_MAX: '3' })
  const a = await auth('submitter', 'platform-a')
  const b = await auth('submitter', 'platform-b')
  const body = (n: number) => ({ kind: 'evidence', record: sampleRecords(n).evidence })
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers: a, payload: body(i) })
    t.equal(res.statusCode, 201, `platform-a request ${i + 1} of 3`)
    t.equal(res.headers['x-ratelimit-limit'], '3')
  }
  const limited = await app.inject({ method: 'POST', url: '/v1/records', headers: a, payload: body(9) })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(limited.json().type, 'urn:evidence-ledger:problem:rate-limited')
  t.ok(Number(limited.headers['retry-after']) > 0, 'says when to retry')
  t.equal(app.ledger.log.size, 3, 'the limited request wrote nothing')
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: b, payload: body(10) })).statusCode, 201, 'platform-b is not affected')
})

t.test('security headers on API responses', async (t) => {
  const { app } = await makeApp(t)
  const res = await app.inject({ url: '/v1/keys' })
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
  t.match(res.headers['strict-transport-security'], /max-age=/)
  t.match(res.headers['content-security-policy'], /default-src 'self'/)
  t.notOk(res.headers['x-powered-by'])
})

t.test('closing the app finishes an in-flight append, closes its connection, and the entry is durable', async (t) => {
  const { app, auth, env } = await makeApp(t)
  const headers = await auth('submitter')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port
  // Hold the request inside the handler until close() has begun.
  let entered!: () => void
  const inHandler = new Promise<void>((r) => { entered = r })
  let release!: () => void
  const gate = new Promise<void>((r) => { release = r })
  const notarize = app.ledger.notarize.bind(app.ledger)
  app.ledger.notarize = async (body, submitter) => {
    entered()
    await gate
    return notarize(body, submitter)
  }
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  const answer = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/records', method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json' } }, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }))
    })
    req.on('error', reject)
    req.end(JSON.stringify({ kind: 'evidence', record: sampleRecords(1).evidence }))
  })
  await inHandler
  const closed = app.close()
  release()
  const res = await answer
  await closed
  t.equal(res.status, 201, 'the in-flight request is answered')
  t.equal(res.connection, 'close', 'and its keep-alive connection is closed, so close() need not wait for the idle timeout')
  const receipt = JSON.parse(res.body) as Receipt
  const reopened = await buildApp(loadConfig({ ...env, LEDGER_ORIGIN: 'test.example/ledger' }))
  t.teardown(() => reopened.close())
  t.equal(reopened.ledger.log.size, 1)
  t.same((await reopened.ledger.log.receipt(0))?.entry, receipt.entry, 'the acknowledged entry survived the close')
})
