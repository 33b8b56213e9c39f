// The read path of docs/api.md: keys, checkpoint, entries, blocks, records, subject history,
// proofs at historic sizes, health. Every answer is checked with chain/verify, not trusted.
import t from 'tap'
import { blockHash, verifyBlockLink, type BlockHeader } from '../../chain/block.ts'
import { verifyCheckpoint, verifyInclusion, type Receipt } from '../../chain/verify.ts'
import { parseVkey } from '../../chain/note.ts'
import { bytesToHex, hexToBytes } from '../../chain/encoding.ts'
import { recordCommitment, statementLeafHash, type Statement } from '../../chain/statement.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const PROBLEM = 'application/problem+json; charset=utf-8'

t.test('/v1/keys and /.well-known/jwks.json describe the checkpoint key consistently', async (t) => {
  const { app } = await makeApp(t)
  const keys = (await app.inject({ url: '/v1/keys' })).json() as { origin: string; keys: { name: string; keyId: string; vkey: string; jwk: Record<string, string>; current: boolean }[] }
  t.equal(keys.origin, 'test.example/ledger')
  t.equal(keys.keys.length, 1)
  const k = keys.keys[0]
  const parsed = parseVkey(k.vkey)
  t.equal(k.name, 'test.example/ledger')
  t.equal(k.keyId, bytesToHex(parsed.keyId))
  t.equal(k.current, true)
  t.same(k.jwk, { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(parsed.publicKey).toString('base64url'), kid: k.keyId, alg: 'EdDSA', use: 'sig' })
  const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json()
  t.same(jwks, { keys: [k.jwk] })
  t.ok(!JSON.stringify(keys).includes('"d"'), 'no private key material')
})

t.test('blocks chain by hash, each checkpoint signs its header root, entries match receipts', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const audit = await auth('auditor')
  const vkey = ((await app.inject({ url: '/v1/keys' })).json() as { keys: { vkey: string }[] }).keys[0].vkey
  const receipts: Receipt[] = []
  for (let round = 0; round < 5; round++) {
    const records = Array.from({ length: round + 1 }, (_, i) => ({ kind: 'evidence', record: sampleRecords(round * 10 + i).evidence }))
    const res = await app.inject({ method: 'POST', url: '/v1/records:batch', headers: submit, payload: { records } })
    receipts.push(...(res.json().results as { receipt: Receipt }[]).map((r) => r.receipt))
  }
  t.equal(app.ledger.log.size, 15)
  let prev: BlockHeader | null = null
  for (let h = 0; h <= app.ledger.log.height; h++) {
    const res = await app.inject({ url: `/v1/blocks/${h}`, headers: audit })
    t.equal(res.statusCode, 200)
    const b = res.json() as { height: number; hash: string; header: BlockHeader; checkpoint: string }
    t.equal(b.hash, blockHash(b.header), `block ${h}: hash is SHA-256 of the canonical header`)
    t.ok(verifyBlockLink(prev, b.header), `block ${h} links to its predecessor`)
    const cp = verifyCheckpoint(b.checkpoint, vkey)
    t.ok(cp.ok && cp.checkpoint.size === b.header.size && bytesToHex(cp.checkpoint.root) === b.header.root, `block ${h}: checkpoint signs size and root`)
    prev = b.header
  }
  for (const r of receipts) {
    const e = (await app.inject({ url: `/v1/entries/${r.entry.index}`, headers: audit })).json() as { index: number; leafHash: string; statement: Statement; block: { height: number } }
    t.same(e.statement, r.statement)
    t.equal(e.leafHash, bytesToHex(statementLeafHash(e.statement)), `entry ${e.index}: leaf hash recomputes from the statement`)
    t.equal(e.block.height, r.block.height)
  }
  for (const [url, status] of [['/v1/entries/15', 404], ['/v1/blocks/5', 404], ['/v1/entries/-1', 400], ['/v1/entries/x', 400], ['/v1/blocks/1e3', 400], ['/v1/entries/99999999999999999', 400]] as const) {
    const res = await app.inject({ url, headers: audit })
    t.equal(res.statusCode, status, url)
    t.equal(res.headers['content-type'], PROBLEM, `${url} is a problem`)
  }
})

t.test('inclusion proofs at every historic size verify against that size\'s checkpoint', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const audit = await auth('auditor')
  const vkey = ((await app.inject({ url: '/v1/keys' })).json() as { keys: { vkey: string }[] }).keys[0].vkey
  const roots = new Map<number, Uint8Array>()
  for (let i = 0; i < 9; i++) {
    const r = (await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: { kind: 'evidence', record: sampleRecords(i).evidence } })).json() as Receipt
    const cp = verifyCheckpoint(r.checkpoint, vkey)
    if (cp.ok) roots.set(cp.checkpoint.size, cp.checkpoint.root)
  }
  t.equal(roots.size, 9, 'one checkpoint per single append')
  let checked = 0
  for (const [size, root] of roots) {
    for (let index = 0; index < size; index++) {
      const p = (await app.inject({ url: `/v1/proofs/inclusion?index=${index}&size=${size}` })).json() as { index: number; treeSize: number; leafHash: string; hashes: string[] }
      t.equal(p.treeSize, size)
      if (verifyInclusion(hexToBytes(p.leafHash), index, size, p.hashes.map(hexToBytes), root)) checked++
      else t.fail(`inclusion ${index} in ${size}`)
    }
  }
  t.equal(checked, 45, 'all 45 (index, size) pairs verify')
  const e = (await app.inject({ url: '/v1/entries/4', headers: audit })).json() as { leafHash: string }
  const p = (await app.inject({ url: `/v1/proofs/inclusion?leaf=${e.leafHash}&size=7` })).json() as { hashes: string[] }
  const tampered = p.hashes.map(hexToBytes)
  tampered[0][0] ^= 1
  t.notOk(verifyInclusion(hexToBytes(e.leafHash), 4, 7, tampered, roots.get(7)!), 'a flipped bit in the served proof fails')
  for (const url of ['/v1/proofs/inclusion', '/v1/proofs/inclusion?index=0&size=10', '/v1/proofs/inclusion?leaf=ABC', '/v1/proofs/inclusion?index=0&extra=1', '/v1/proofs/consistency?from=3&to=2', '/v1/proofs/consistency?to=2']) {
    const res = await app.inject({ url })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().type, 'urn:evidence-ledger:problem:validation', url)
  }
  t.same((await app.inject({ url: '/v1/proofs/consistency?from=0&to=5' })).json(), { from: 0, to: 5, hashes: [] }, 'from 0 is the empty proof')
})

t.test('GET /v1/records/:kind/:id: statement and receipt for auditors, payload only for court and admin', async (t) => {
  const { app, auth } = await makeApp(t)
  const record = sampleRecords(4)['financing-application']
  const created = (await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter'), payload: { kind: 'financing-application', record } })).json() as Receipt
  const asAuditor = (await app.inject({ url: '/v1/records/financing-application/APP-4', headers: await auth('auditor') })).json()
  t.same(asAuditor.receipt, created)
  t.same(asAuditor.statement, created.statement)
  t.equal(asAuditor.redacted, false)
  t.notOk('payload' in asAuditor, 'no payload for an auditor')
  for (const role of ['court', 'admin'] as const) {
    const view = (await app.inject({ url: '/v1/records/financing-application/APP-4', headers: await auth(role) })).json()
    t.same(view.payload.record, record, `${role} sees the record as submitted`)
    t.equal(recordCommitment(Buffer.from(view.payload.salt, 'base64'), view.payload.record), created.statement.commitment, `${role}: the commitment recomputes from record + salt`)
  }
  const missing = await app.inject({ url: '/v1/records/evidence/APP-4', headers: await auth('auditor') })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().type, 'urn:evidence-ledger:problem:not-found')
  t.equal((await app.inject({ url: '/v1/records/nonsense/APP-4', headers: await auth('auditor') })).statusCode, 400)
})

t.test('subject history: cursor pages cover every entry once, in log order; filters and bounds', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  const audit = await auth('auditor')
  const a = uscc(11)
  const b = uscc(12)
  const records = []
  for (let i = 0; i < 23; i++) {
    const subject = i % 3 === 2 ? b : a
    const kind = i % 2 === 0 ? 'evidence' : 'financing-application'
    const rec = sampleRecords(100 + i, subject)
    records.push({ kind, record: rec[kind] })
  }
  await app.inject({ method: 'POST', url: '/v1/records:batch', headers: submit, payload: { records: records.slice(0, 10) } })
  for (const r of records.slice(10)) await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: r })
  const expected: number[] = []
  for (let i = 0; i < 23; i++) if (i % 3 !== 2) expected.push(i)

  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const url: string = `/v1/subjects/${a}/entries?limit=4${cursor === null ? '' : `&cursor=${cursor}`}`
    const page = (await app.inject({ url, headers: audit })).json() as { subject: string; entries: { index: number; leafHash: string; statement: Statement }[]; nextCursor: string | null }
    t.equal(page.subject, a)
    t.ok(page.entries.length <= 4)
    for (const e of page.entries) {
      t.equal(e.statement.subject, a)
      t.equal(e.leafHash, bytesToHex(statementLeafHash(e.statement)))
      seen.push(e.index)
    }
    cursor = page.nextCursor
    pages++
  } while (cursor !== null && pages < 20)
  t.same(seen, expected, 'every entry of the subject exactly once, in index order')
  t.equal(pages, Math.ceil(expected.length / 4) + (expected.length % 4 === 0 ? 1 : 0))

  const onlyEvidence = (await app.inject({ url: `/v1/subjects/${a}/entries?kind=evidence&limit=500`, headers: audit })).json()
  t.same(onlyEvidence.entries.map((e: { index: number }) => e.index), expected.filter((i) => i % 2 === 0), 'kind filter')
  const future = (await app.inject({ url: `/v1/subjects/${a}/entries?from=2999-01-01T00:00:00Z`, headers: audit })).json()
  t.same(future.entries, [], 'time filter')
  t.equal(future.nextCursor, null)
  const none = (await app.inject({ url: `/v1/subjects/${uscc(13)}/entries`, headers: audit })).json()
  t.same(none, { subject: uscc(13), entries: [], nextCursor: null }, 'a subject with no history')

  const wrongCheck = a.slice(0, 17) + (a[17] === '0' ? '1' : '0')
  for (const q of [`${wrongCheck}/entries`, `${a}/entries?limit=0`, `${a}/entries?limit=501`, `${a}/entries?cursor=abc`, `${a}/entries?kind=nope`, `${a}/entries?from=2026-02-30T00:00:00Z`, `${a}/entries?page=2`, 'short/entries']) {
    const res = await app.inject({ url: `/v1/subjects/${q}`, headers: audit })
    t.equal(res.statusCode, 400, q)
    t.equal(res.json().type, 'urn:evidence-ledger:problem:validation', q)
  }
})

t.test('/healthz and /readyz', async (t) => {
  const { app, auth } = await makeApp(t)
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' })
  await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(1).evidence } })
  t.same((await app.inject({ url: '/readyz' })).json(), { status: 'ready', treeSize: 1, height: 0 })
})
