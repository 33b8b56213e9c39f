// An auditor browsing the ledger: blocks newest first, entries by kind, one search box,
// and the log at a glance — real values from a real log, bounded pages.
import t from 'tap'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'
import { setTimeout as sleep } from 'node:timers/promises'

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

t.test('search by commitment and by a document sha256 says which matched; a hash-only commitment is found too; an erased record is not found by its documents', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const audit = await auth('auditor')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: audit })
    t.equal(res.statusCode, 200, url)
    return res.json()
  }
  const doc = 'c0'.repeat(32)
  const ev = { ...sampleRecords(1).evidence, documents: [{ name: '合同.pdf', sha256: doc, size: 10 }] }
  const fin = { ...sampleRecords(2)['financing-application'], attachments: [{ name: 'licence.pdf', sha256: doc, size: 11 }] }
  const r0 = (await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: { kind: 'evidence', record: ev } })).json()
  const r1 = (await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: { kind: 'financing-application', record: fin } })).json()
  const hashOnly = 'sha256:' + 'd1'.repeat(32)
  const r2 = (await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: { kind: 'evidence', id: 'EV-H', subject: uscc(3), commitment: hashOnly } })).json()

  const byDoc = await get(`/v1/search?q=${doc}`)
  t.equal(byDoc.matched, 'document')
  t.same(byDoc.entries.map((e: { index: number }) => e.index), [r0.entry.index, r1.entry.index], 'both records naming the document')
  t.same(byDoc.hits, [{ index: r0.entry.index, matched: 'document' }, { index: r1.entry.index, matched: 'document' }])
  const byCommitment = await get(`/v1/search?q=${r0.statement.commitment}`)
  t.equal(byCommitment.matched, 'commitment', 'sha256: prefix accepted')
  t.same(byCommitment.entries.map((e: { index: number }) => e.index), [r0.entry.index])
  const byHashOnly = await get(`/v1/search?q=${hashOnly.slice(7).toUpperCase()}`)
  t.equal(byHashOnly.matched, 'commitment')
  t.equal(byHashOnly.entries[0].index, r2.entry.index)
  t.equal((await get(`/v1/search?q=${'e5'.repeat(32)}`)).matched, 'nothing')
  t.equal((await get(`/v1/search?q=${r1.entry.leafHash}`)).matched, 'leaf', 'a leaf hash is still a leaf')

  const admin = await auth('admin')
  t.equal((await app.inject({ method: 'DELETE', url: '/v1/records/evidence/EV-1/payload', headers: admin, payload: { reason: 'PIPL erasure request' } })).statusCode, 201)
  const afterErase = await get(`/v1/search?q=${doc}`)
  t.same(afterErase.entries.map((e: { index: number }) => e.index), [r1.entry.index], 'the erased record is no longer found by its document')
})

t.test('stats over the day in 15-minute buckets, with commit latency; a subject\'s authorizations with their windows and status at a moment', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const audit = await auth('auditor')
  const get = async (url: string) => {
    const res = await app.inject({ url, headers: audit })
    t.equal(res.statusCode, 200, url)
    return res.json()
  }
  const subject = uscc(7)
  const rec = sampleRecords(7, subject)
  rec['data-authorization'].validUntil = '2099-01-01T00:00:00Z'
  const second = { ...sampleRecords(8, subject)['data-authorization'], dataCategories: ['credit'], validFrom: '2026-03-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z' }
  for (const body of [
    { kind: 'data-authorization', record: rec['data-authorization'] },
    { kind: 'evidence', record: rec.evidence },
    { kind: 'data-authorization', record: second },
    { kind: 'authorization-revocation', record: rec['authorization-revocation'] },
    { kind: 'data-authorization', id: 'AUTH-H', subject, commitment: 'sha256:' + '77'.repeat(32) },
  ]) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: body })).statusCode, 201)
    // Ledger times are milliseconds: keep the revocation's later than the authorization's.
    await sleep(3)
  }

  const day = await get('/v1/stats?window=day')
  t.equal(day.window.span, 'day')
  t.equal(day.window.bucketSeconds, 900)
  t.ok(day.window.buckets.length >= 96 && day.window.buckets.length <= 97, 'every quarter hour of the day')
  t.equal(day.window.entries, 5)
  t.same(day.window.perKind, { 'data-authorization': 3, evidence: 1, 'authorization-revocation': 1 })
  t.equal(day.window.buckets.reduce((n: number, b: { entries: number }) => n + b.entries, 0), 5)
  t.equal(day.commitLatency.blocks, 5, 'one latency per block written')
  t.ok(day.commitLatency.p50Ms >= 0 && day.commitLatency.maxMs >= day.commitLatency.p95Ms)
  t.equal(day.witnessing, null, 'no witness policy')
  t.equal((await get('/v1/stats')).window.bucketSeconds, 60, 'the hour by default')
  t.equal((await app.inject({ url: '/v1/stats?window=week', headers: audit })).statusCode, 400)

  const later = new Date(Date.now() + 60_000).toISOString()
  const page = await get(`/v1/subjects/${subject}/authorizations?at=${later}`)
  t.same(page.authorizations.map((a: { id: string; status: string }) => [a.id, a.status]), [['AUTH-7', 'revoked'], ['AUTH-8', 'expired'], ['AUTH-H', 'undetermined']])
  const [revoked, expired, hashOnly] = page.authorizations
  t.same(revoked.terms, { validFrom: '2026-01-01T00:00:00Z', validUntil: '2099-01-01T00:00:00Z', dataCategories: ['tax', 'invoice'] })
  t.notOk('purpose' in revoked.terms, 'the purpose is not shown')
  t.ok(revoked.revocation && revoked.revocation.index === 3)
  t.equal(expired.revocation, null)
  t.equal(hashOnly.terms, null)
  t.equal(page.nextCursor, null)
  // Before the revocation's ledger time (now), the first one is in force.
  const before = await get(`/v1/subjects/${subject}/authorizations?at=${encodeURIComponent(revoked.authorizedAt)}&limit=1`)
  t.same(before.authorizations.map((a: { status: string }) => a.status), ['active'])
  t.equal(before.nextCursor, String(revoked.index))
  t.equal((await app.inject({ url: `/v1/subjects/${subject}/authorizations?limit=0`, headers: audit })).statusCode, 400)
  t.equal((await app.inject({ url: `/v1/subjects/${subject}/authorizations`, headers: submit })).statusCode, 403)
})

t.test('/console is one static page under a strict CSP; it offers the identity provider only when tokens come from one', async (t) => {
  const dev = await makeApp(t)
  const res = await dev.app.inject({ url: '/console' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.match(res.headers['content-security-policy'], /default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'.*connect-src 'self'/)
  t.match(res.body, /<script type="application\/json" id="console-data">\{"loginUrl":null\}<\/script>/)
  t.notMatch(res.body, /https?:\/\/(?!127\.0\.0\.1)[a-z]+\.[a-z]+\/[^"]*\.js/, 'no script from elsewhere')
  const oidc = await makeApp(t, { AUTH_JWKS_URL: 'https://login.example.com/jwks', AUTH_ISSUER: 'https://login.example.com/realms/bank', AUTH_AUDIENCE: 'evidence-ledger' })
  t.match((await oidc.app.inject({ url: '/console' })).body, /"loginUrl":"https:\/\/login\.example\.com\/realms\/bank"/)
  const odd = await makeApp(t, { AUTH_JWKS_URL: 'https://login.example.com/jwks', AUTH_ISSUER: 'javascript:alert(1)', AUTH_AUDIENCE: 'evidence-ledger' })
  t.match((await odd.app.inject({ url: '/console' })).body, /"loginUrl":null/, 'an issuer that is not an http(s) URL is no link')
})
