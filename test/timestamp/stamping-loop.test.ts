// The stamping loop keeps only tokens a court could verify: an answer from a TSA other than
// TSA_CERT's, or a replayed answer (another request's nonce), is a failure that is retried,
// never stored. And it sends one request at a time, coalescing the checkpoints in between.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parsePemCertificates } from '../../chain/timestamp.ts'
import { TimestampStore } from '../../src/timestamp-store.ts'
import { Timestamping, stampSource } from '../../src/timestamping.ts'
import { openLog, request, tempDir } from '../helpers/fixtures.ts'
import { makeTsaKeys, OPENSSL, startTsa } from '../helpers/tsa.ts'
import { untilTrue } from '../helpers/eventually.ts'

if (!existsSync(OPENSSL)) throw new Error(`${OPENSSL} is missing: apt-get install openssl (.ci/run does)`)

const quiet = { info: () => {}, warn: () => {} }

async function setup(t: Parameters<typeof tempDir>[0] & { teardown(fn: () => unknown): void }) {
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  const store = new TimestampStore(join(tempDir(t), 'timestamps'))
  await store.open()
  t.teardown(() => store.close())
  return { log, store }
}

t.test('a token from another TSA than TSA_CERT\'s is refused and not kept', async (t) => {
  const { log, store } = await setup(t)
  const impostor = await startTsa(t, makeTsaKeys(t, { caName: 'impostor CA' }))
  const configured = makeTsaKeys(t)
  const warnings: string[] = []
  const stamping = new Timestamping({
    source: stampSource(log, null), store, url: impostor.url, trust: parsePemCertificates(configured.tsaPem),
    logger: { info: () => {}, warn: (_o, msg) => warnings.push(msg) }, backoffMs: 60_000,
  })
  t.teardown(() => stamping.close())
  await stamping.start()
  await log.append([request(0)])
  await untilTrue('the failure', () => stamping.status().consecutiveFailures > 0)
  t.match(stamping.status().lastError, /^its token does not verify with TSA_CERT: the token was signed by a TSA other than the configured one/)
  t.equal(stamping.status().stampedSize, null)
  t.equal(await store.latest(), undefined, 'nothing stored')
  t.equal(warnings.length, 1, 'logged once')
  t.match(warnings[0], new RegExp(`^TSA ${impostor.url.replace(/[/.]/g, '\\$&')}: its token does not verify`))
  t.equal(stamping.counts.get('failed'), 1)
})

t.test('an old answer replayed for a newer checkpoint is refused', async (t) => {
  const { log, store } = await setup(t)
  const tsa = await startTsa(t)
  let first: ArrayBuffer | null = null
  // A man in the middle (or a confused proxy) answers every request with the first answer.
  const replaying = (async (input: string | URL | Request, init?: RequestInit) => {
    if (first === null) {
      const real = await fetch(input, init)
      first = await real.arrayBuffer()
    }
    return new Response(first.slice(0), { status: 200, headers: { 'content-type': 'application/timestamp-reply' } })
  }) as typeof fetch
  const stamping = new Timestamping({ source: stampSource(log, null), store, url: tsa.url, trust: parsePemCertificates(tsa.keys.tsaPem), logger: quiet, fetch: replaying, backoffMs: 60_000 })
  t.teardown(() => stamping.close())
  await stamping.start()
  await log.append([request(0)])
  await untilTrue('the first token', () => stamping.status().stampedSize === 1)
  await log.append([request(1)])
  await untilTrue('the second request to fail', () => stamping.status().consecutiveFailures > 0)
  // The replayed token is for checkpoint 1's body, so it already fails at the imprint; the
  // nonce check is the second line of defence (tested by a same-body replay below).
  t.match(stamping.status().lastError, /token is for another document|nonce/)
  t.equal(stamping.status().stampedSize, 1)
  t.equal((await store.latest())?.size, 1)
})

t.test('same checkpoint, replayed answer: the nonce catches it', async (t) => {
  const { log, store } = await setup(t)
  const tsa = await startTsa(t)
  await log.append([request(0)])
  // Stamp once for real, keeping the answer; then a second loop (as after losing the store)
  // gets that old answer for the same checkpoint: imprint fits, nonce does not.
  let saved: ArrayBuffer | null = null
  const keep = (async (input: string | URL | Request, init?: RequestInit) => {
    const r = await fetch(input, init)
    saved = await r.arrayBuffer()
    return new Response(saved.slice(0), { status: r.status })
  }) as typeof fetch
  const once = new Timestamping({ source: stampSource(log, null), store, url: tsa.url, trust: parsePemCertificates(tsa.keys.tsaPem), logger: quiet, fetch: keep })
  await once.start()
  await untilTrue('a token', () => once.status().stampedSize === 1)
  await once.close()

  const fresh = new TimestampStore(join(tempDir(t), 'timestamps'))
  await fresh.open()
  t.teardown(() => fresh.close())
  const replay = (async () => new Response(saved!.slice(0), { status: 200 })) as typeof fetch
  const again = new Timestamping({ source: stampSource(log, null), store: fresh, url: tsa.url, trust: parsePemCertificates(tsa.keys.tsaPem), logger: quiet, fetch: replay, backoffMs: 60_000 })
  t.teardown(() => again.close())
  await again.start()
  await untilTrue('the failure', () => again.status().consecutiveFailures > 0)
  t.match(again.status().lastError, /^its token carries nonce [0-9a-f]+, not the request's [0-9a-f]+ \(a replayed or misrouted answer\)$/)
  t.equal(await fresh.latest(), undefined)
})

t.test('one request in flight; checkpoints that land meanwhile are coalesced into the next', async (t) => {
  const { log, store } = await setup(t)
  const tsa = await startTsa(t)
  let inFlight = 0
  let maxInFlight = 0
  let release: () => void = () => {}
  let gate: Promise<void> | null = new Promise((r) => { release = r })
  const gated = (async (input: string | URL | Request, init?: RequestInit) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    try {
      if (gate) await gate
      return await fetch(input, init)
    } finally {
      inFlight--
    }
  }) as typeof fetch
  const stamping = new Timestamping({ source: stampSource(log, null), store, url: tsa.url, trust: parsePemCertificates(tsa.keys.tsaPem), logger: quiet, fetch: gated })
  t.teardown(() => stamping.close())
  await stamping.start()
  await log.append([request(0)])
  await untilTrue('the first request', () => inFlight === 1)
  for (let i = 1; i < 10; i++) await log.append([request(i)]) // appends complete while the TSA hangs
  t.equal(log.size, 10)
  t.equal(stamping.status().pendingSize, 10)
  gate = null
  release()
  await untilTrue('size 10 stamped', () => stamping.status().stampedSize === 10)
  t.equal(maxInFlight, 1, 'never two requests at once')
  t.equal(tsa.answered, 2, 'size 1, then straight to size 10')
  t.same([(await store.get(1))?.size, (await store.get(5))?.size, (await store.get(10))?.size], [1, undefined, 10])
  t.equal((await store.covering(4, 10))?.size, 10, 'entry 4: the earliest stamped tree that holds it')
  t.equal((await store.covering(0, 10))?.size, 1)
  t.equal(await store.covering(4, 9), undefined, 'none within a smaller bundle checkpoint')
})

t.test('TSA_INTERVAL: no second request before the interval, the newest checkpoint waits for it', async (t) => {
  const { log, store } = await setup(t)
  const tsa = await startTsa(t)
  const stamping = new Timestamping({ source: stampSource(log, null), store, url: tsa.url, trust: parsePemCertificates(tsa.keys.tsaPem), logger: quiet, minIntervalMs: 3_600_000 })
  t.teardown(() => stamping.close())
  await stamping.start()
  await log.append([request(0)])
  await untilTrue('the first token', () => stamping.status().stampedSize === 1)
  for (let i = 1; i < 5; i++) await log.append([request(i)])
  // Give the loop every chance to (wrongly) send: it is woken by each checkpoint.
  await new Promise((r) => setTimeout(r, 300))
  t.equal(tsa.answered, 1, 'one request within the interval')
  t.same([stamping.status().stampedSize, stamping.status().pendingSize], [1, 5], 'size 5 is pending, not lost')
})
