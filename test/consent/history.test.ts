// GET /v1/subjects/:uscc/entries: one enterprise's history through the subject index.
// Reads are counted on the store, so "never a full scan" is a checked claim.
import t, { type Test } from 'tap'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'
import { storeOf } from '../../chain/storage.ts'

const FIRM = uscc(808)
const OTHERS = 300

interface Listed { index: number; leafHash: string; statement: { kind: string; time: string; subject: string } }

async function setup(t: Test) {
  const h = await makeApp(t)
  const bank = await h.auth('submitter', 'bank-a')
  const auditor = await h.auth('auditor')
  const post = async (payload: Record<string, unknown>) => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload })
    if (res.statusCode !== 201) throw new Error(`setup: ${res.statusCode} ${res.body}`)
  }
  const noise = (from: number) => h.app.inject({
    method: 'POST', url: '/v1/records:batch', headers: bank,
    payload: { records: Array.from({ length: OTHERS / 3 }, (_, i) => ({ kind: 'evidence', record: sampleRecords(100_000 + from + i, uscc(10_000 + from + i)).evidence })) },
  })
  const r = sampleRecords(8, FIRM)
  await noise(0)
  await post({ kind: 'data-authorization', record: r['data-authorization'] })
  await post({ kind: 'financing-application', record: r['financing-application'] })
  await noise(1000)
  await post({ kind: 'evidence', record: r.evidence })
  await post({ kind: 'authorization-revocation', record: r['authorization-revocation'] })
  await noise(2000)
  await post({ kind: 'evidence', record: { ...r.evidence, evidenceId: 'EV-8b' } })
  const store = storeOf(h.app.ledger.log.storage)
  const read = store.entry.bind(store)
  const counter = { reads: 0 }
  store.entry = async (index) => {
    counter.reads++
    return read(index)
  }
  const list = async (query = ''): Promise<{ status: number; entries: Listed[]; nextCursor: string | null }> => {
    const res = await h.app.inject({ url: `/v1/subjects/${FIRM}/entries${query}`, headers: auditor })
    return { status: res.statusCode, ...res.json() }
  }
  return { ...h, list, counter, auditor }
}

t.test('the history lists every entry of the enterprise in log order, reading only its own entries', async (t) => {
  const { app, list, counter } = await setup(t)
  t.ok(app.ledger.log.size > OTHERS, `${app.ledger.log.size} entries in the log`)
  counter.reads = 0
  const all = await list()
  t.same(all.entries.map((e) => e.statement.kind), ['data-authorization', 'financing-application', 'evidence', 'authorization-revocation', 'evidence'])
  t.ok(all.entries.every((e) => e.statement.subject === FIRM))
  const indexes = all.entries.map((e) => e.index)
  t.same(indexes, [...indexes].sort((a, b) => a - b), 'sorted by index')
  t.equal(counter.reads, 5, 'five entry reads for five entries, none of the other firms')
  t.equal(all.nextCursor, null)
})

t.test('pages joined by their cursors are the whole history, each page continuing after the last', async (t) => {
  const { list } = await setup(t)
  const whole = (await list()).entries.map((e) => e.index)
  for (const limit of [1, 2, 3, 5]) {
    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list(`?limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`)
      t.ok(page.entries.length <= limit)
      seen.push(...page.entries.map((e) => e.index))
      cursor = page.nextCursor
      pages++
    } while (cursor !== null && pages < 20)
    t.same(seen, whole, `limit ${limit}: ${pages} pages`)
  }
})

t.test('kind and time filters: from inclusive, to exclusive, on ledger time', async (t) => {
  const { list } = await setup(t)
  const all = (await list()).entries
  t.same((await list('?kind=evidence')).entries.map((e) => e.index), all.filter((e) => e.statement.kind === 'evidence').map((e) => e.index))
  t.same((await list('?kind=redaction')).entries, [])
  const times = all.map((e) => e.statement.time)
  for (const from of times) {
    for (const to of times) {
      const want = all.filter((e) => e.statement.time >= from && e.statement.time < to).map((e) => e.index)
      const got = await list(`?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
      t.same(got.entries.map((e) => e.index), want, `from ${from} to ${to}`)
    }
  }
  const later = new Date(Date.parse(times[0]) + 3_600_000).toISOString().replace('Z', '+01:00').replace(/\.\d+/, '')
  t.equal((await list(`?to=${encodeURIComponent(later)}`)).status, 200, 'offsets are accepted')
})

t.test('a `to` bound ends the walk at the first later entry: ledger time only grows', async (t) => {
  const { list, counter } = await setup(t)
  const all = (await list()).entries
  const to = all[2].statement.time
  const before = all.filter((e) => e.statement.time < to).length
  counter.reads = 0
  const page = await list(`?to=${encodeURIComponent(to)}`)
  t.equal(page.entries.length, before)
  t.equal(page.nextCursor, null)
  t.equal(counter.reads, before + 1, 'one read past the range, then it stops')
})

t.test('bad history queries are 400 problems', async (t) => {
  const { app, auditor, auth } = await setup(t)
  const bad = FIRM.slice(0, 17) + (FIRM[17] === '0' ? '1' : '0')
  for (const url of [
    `/v1/subjects/${bad}/entries`, `/v1/subjects/${FIRM}/entries?limit=0`, `/v1/subjects/${FIRM}/entries?limit=501`,
    `/v1/subjects/${FIRM}/entries?cursor=abc`, `/v1/subjects/${FIRM}/entries?kind=contract`,
    `/v1/subjects/${FIRM}/entries?from=2026-02-30T00:00:00Z`, `/v1/subjects/${FIRM}/entries?to=yesterday`,
    `/v1/subjects/${FIRM}/entries?page=2`,
  ]) {
    const res = await app.inject({ url, headers: auditor })
    t.equal(res.statusCode, 400, url)
    t.match(res.headers['content-type'], /application\/problem\+json/)
  }
  t.equal((await app.inject({ url: `/v1/subjects/${FIRM}/entries`, headers: await auth('submitter') })).statusCode, 403, 'submitters do not read histories')
})
