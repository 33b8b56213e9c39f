// An auditor browsing the ledger: blocks newest first, entries by kind, one search box,
// and the log at a glance — real values from a real log, bounded pages.
import t from 'tap'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

t.test('blocks page newest first, entries page in order with a kind filter, search finds by index, leaf, kind:id and USCC, stats count the hour', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const audit = await auth('auditor')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: audit })
    t.equal(res.statusCode, 200, url)
    return res.json()
  }
  const receipts = []
  for (let i = 0; i < 12; i++) {
    const kind = i % 3 === 0 ? 'data-authorization' : 'evidence'
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: { kind, record: sampleRecords(i)[kind] } })
    t.equal(res.statusCode, 201)
    receipts.push(res.json())
  }
  const page1 = await get('/v1/blocks?limit=5')
  t.same(page1.blocks.map((b: { height: number }) => b.height), [11, 10, 9, 8, 7])
  t.equal(page1.nextBefore, 7)
  const page3 = await get('/v1/blocks?before=2&limit=5')
  t.same(page3.blocks.map((b: { height: number }) => b.height), [1, 0])
  t.equal(page3.nextBefore, null)
  t.equal(page1.blocks[0].hash, receipts[11].block.hash, 'block hash as in the receipt')

  const auths = await get('/v1/entries?kind=data-authorization&limit=2')
  t.same(auths.entries.map((e: { index: number }) => e.index), [0, 3])
  const more = await get(`/v1/entries?kind=data-authorization&after=${auths.nextAfter}`)
  t.same(more.entries.map((e: { index: number }) => e.index), [6, 9])
  t.equal(more.nextAfter, null)

  t.same((await get('/v1/search?q=4')).entries.map((e: { index: number }) => e.index), [4])
  const byLeaf = await get(`/v1/search?q=${receipts[5].entry.leafHash}`)
  t.equal(byLeaf.matched, 'leaf')
  t.equal(byLeaf.entries[0].index, 5)
  const byId = await get(`/v1/search?q=evidence:${receipts[7].statement.id}`)
  t.equal(byId.matched, 'kind:id')
  t.equal(byId.entries[0].index, 7)
  const bySubject = await get(`/v1/search?q=${uscc(4)}`)
  t.equal(bySubject.matched, 'uscc')
  t.ok(bySubject.entries.every((e: { statement: { subject: string } }) => e.statement.subject === uscc(4)))
  t.equal((await get('/v1/search?q=nothing-here')).matched, 'nothing')

  const stats = await get('/v1/stats')
  t.equal(stats.treeSize, 12)
  t.equal(stats.height, 11)
  t.equal(stats.lastHour.entries, 12)
  t.same(stats.lastHour.perKind, { 'data-authorization': 4, evidence: 8 })
  t.equal(stats.lastHour.perMinute.reduce((n: number, m: { entries: number }) => n + m.entries, 0), 12)
  t.equal((await app.inject({ url: '/v1/entries?limit=101', headers: audit })).statusCode, 400, 'pages are bounded')
})
