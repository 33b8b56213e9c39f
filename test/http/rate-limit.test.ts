// The fixed-window counters behind the per-subject rate limit (plugins/rate-limit.ts), and
// the request counts /metrics exports from a plain map at scrape time (plugins/metrics.ts).
import t from 'tap'
import { RateLimiter } from '../../plugins/rate-limit.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'

t.test('a window counts its requests and starts over once it has ended', async (t) => {
  const l = new RateLimiter(2, 1000)
  t.same(l.hit('a', 10_000), { count: 1, resetAt: 11_000 })
  t.equal(l.hit('a', 10_500).count, 2)
  t.equal(l.hit('a', 10_999).count, 3, 'over the limit: the caller refuses it')
  t.equal(l.hit('b', 10_999).count, 1, 'another key has its own window')
  t.same(l.hit('a', 11_000), { count: 1, resetAt: 12_000 }, 'a new window at its reset time')
})

t.test('a full limiter forgets the oldest window first', async (t) => {
  const l = new RateLimiter(5, 1000, 2)
  l.hit('old', 0)
  l.hit('old', 1)
  l.hit('newer', 2)
  l.hit('newest', 3)
  t.equal(l.size, 2)
  t.equal(l.hit('newer', 4).count, 2, 'newer kept its count')
  t.equal(l.hit('old', 5).count, 1, 'old was dropped, so it starts again')
})

t.test('answers carry the limit, what remains and when the window resets', async (t) => {
  const { app, auth } = await makeApp(t, { RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' })
  const headers = await auth('submitter', 'platform-r')
  const remaining: string[] = []
  for (let i = 0; i < 6; i++) {
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'evidence', record: sampleRecords(100 + i).evidence } })
    t.equal(res.statusCode, i < 5 ? 201 : 429)
    t.equal(res.headers['x-ratelimit-limit'], '5')
    const reset = Number(res.headers['x-ratelimit-reset'])
    t.ok(reset > 0 && reset <= 60, `reset in (0, 60] s, got ${reset}`)
    remaining.push(String(res.headers['x-ratelimit-remaining']))
    if (i === 5) {
      t.equal(res.headers['retry-after'], res.headers['x-ratelimit-reset'])
      t.match(res.json().detail, /limit of 5 requests per 60 s reached/)
    }
  }
  t.same(remaining, ['4', '3', '2', '1', '0', '0'])
})

t.test('/metrics counts requests by route and status, and notarization outcomes', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'evidence', record: sampleRecords(200 + i).evidence } })
  await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'evidence', record: {} } })
  const scrape = async () => {
    const text = (await app.inject({ url: '/metrics' })).body
    return (route: string, status: number) => {
      const line = text.split('\n').find((l) => l.startsWith(`http_requests_total{route="${route}",status="${status}"}`))
      return line === undefined ? 0 : Number(line.split(' ').at(-1))
    }
  }
  let count = await scrape()
  t.equal(count('/v1/records', 201), 3)
  t.equal(count('/v1/records', 400), 1)
  t.equal(count('/metrics', 200), 0, 'a scrape is counted once answered')
  await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'evidence', record: sampleRecords(203).evidence } })
  count = await scrape()
  t.equal(count('/v1/records', 201), 4, 'a later scrape sees later requests')
  t.equal(count('/metrics', 200), 1)
  const appends = (await app.inject({ url: '/metrics' })).body.split('\n').filter((l) => l.startsWith('ledger_appends_total{'))
  t.same(appends, ['ledger_appends_total{outcome="201"} 4'], 'notarization outcomes, the refused one never reached the ledger')
})
