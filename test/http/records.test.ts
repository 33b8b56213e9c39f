import t from 'tap'
import { verifyReceipt, verifyConsistency, verifyCheckpoint, type Receipt } from '../../chain/verify.ts'
import { hexToBytes } from '../../chain/encoding.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

const KINDS = ['financing-application', 'data-authorization', 'authorization-revocation', 'evidence'] as const

t.test('each kind: 201 with a receipt that verifies against /v1/keys, replay 200, conflict 409', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const keys = (await app.inject({ url: '/v1/keys' })).json() as { keys: { vkey: string; current: boolean }[] }
  const vkey = keys.keys.find((k) => k.current)!.vkey
  const records = sampleRecords(1)
  for (const kind of KINDS) {
    const body = { kind, record: records[kind] }
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: body })
    t.equal(res.statusCode, 201, `${kind} created`)
    const receipt = res.json() as Receipt
    t.same(Object.keys(receipt), ['entry', 'statement', 'block', 'checkpoint', 'inclusion'], 'receipt has exactly the fields of docs/formats.md')
    t.same([Object.keys(receipt.entry), Object.keys(receipt.block), Object.keys(receipt.inclusion)], [['index', 'leafHash'], ['height', 'hash'], ['treeSize', 'hashes']])
    const steps = verifyReceipt(receipt, vkey)
    t.ok(steps.every((s) => s.ok), `${kind} receipt verifies: ${JSON.stringify(steps.filter((s) => !s.ok))}`)
    t.equal(receipt.statement.kind, kind)
    t.equal(receipt.statement.submitter, 'zhr-platform')
    const replay = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: body })
    t.equal(replay.statusCode, 200, `${kind} replay`)
    t.same(replay.json(), receipt, 'replay returns the original receipt')
    const changed = structuredClone(body) as { record: Record<string, unknown> }
    if (kind === 'financing-application') (changed.record.amount as { value: string }).value = '999.00'
    else if (kind === 'data-authorization') changed.record.purpose = 'something else'
    else if (kind === 'authorization-revocation') changed.record.reason = 'other reason'
    else changed.record.title = 'other title'
    const conflict = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: changed })
    t.equal(conflict.statusCode, 409, `${kind} conflicting content`)
    t.equal(conflict.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(conflict.json().type, 'urn:evidence-ledger:problem:conflict')
  }
  t.equal(app.ledger.log.size, 4)
})

t.test('hash-only mode notarizes a commitment without the record', async (t) => {
  const { app, auth } = await makeApp(t)
  const body = { kind: 'evidence', id: 'EV-H1', subject: uscc(3), commitment: 'sha256:' + 'cd'.repeat(32) }
  const res = await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter'), payload: body })
  t.equal(res.statusCode, 201)
  t.equal(res.json().statement.commitment, body.commitment)
  const view = await app.inject({ url: '/v1/records/evidence/EV-H1', headers: await auth('court') })
  t.equal(view.statusCode, 200)
  t.equal(view.json().payload, null, 'no payload is kept in hash-only mode')
})

t.test('concurrent duplicates of one id produce exactly one entry', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const payload = { kind: 'evidence', record: sampleRecords(9).evidence }
  const results = await Promise.all(Array.from({ length: 25 }, () => app.inject({ method: 'POST', url: '/v1/records', headers, payload })))
  t.same(results.map((r) => r.statusCode).sort(), [...Array(24).fill(200), 201])
  t.equal(new Set(results.map((r) => r.json().entry.index)).size, 1)
  t.equal(app.ledger.log.size, 1)
})

t.test('batch: one block, per-item results in request order', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const records = Array.from({ length: 50 }, (_, i) => ({ kind: 'evidence', record: sampleRecords(i + 100).evidence }))
  const bad = { kind: 'evidence', record: { ...sampleRecords(1).evidence, subject: 'not-a-uscc' } }
  const res = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: [...records.slice(0, 10), bad, ...records.slice(10), records[0]] } })
  t.equal(res.statusCode, 200)
  const results = res.json().results as { status: number; receipt?: Receipt; problem?: { type: string } }[]
  t.equal(results.length, 52)
  t.equal(results[10].status, 400)
  t.equal(results[10].problem?.type, 'urn:evidence-ledger:problem:validation')
  t.equal(results[51].status, 200, 'a duplicate inside the batch answers with the original')
  t.equal(results[51].receipt?.entry.index, results[0].receipt?.entry.index)
  const created = results.filter((r) => r.status === 201)
  t.equal(created.length, 50)
  t.equal(new Set(created.map((r) => r.receipt!.block.height)).size, 1, 'all in one block')
  t.same(created.map((r) => r.receipt!.entry.index), Array.from({ length: 50 }, (_, i) => i), 'indexes follow request order')
  const tooMany = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: Array(1001).fill(records[0]) } })
  t.equal(tooMany.statusCode, 400)
  t.equal(app.ledger.log.size, 50)
})

t.test('consistency proofs between checkpoints fetched over time verify', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const keys = (await app.inject({ url: '/v1/keys' })).json() as { keys: { vkey: string }[] }
  const vkey = keys.keys[0].vkey
  const seen: { size: number; root: Uint8Array }[] = []
  for (let round = 0; round < 8; round++) {
    const n = 1 + ((round * 7) % 13)
    await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: Array.from({ length: n }, (_, i) => ({ kind: 'evidence', record: sampleRecords(round * 100 + i).evidence })) } })
    const note = (await app.inject({ url: '/v1/checkpoint' })).body
    const cp = verifyCheckpoint(note, vkey)
    t.ok(cp.ok, `checkpoint ${round} verifies`)
    if (cp.ok) seen.push({ size: cp.checkpoint.size, root: cp.checkpoint.root })
  }
  for (let i = 0; i < seen.length; i++) {
    for (let j = i; j < seen.length; j++) {
      const res = await app.inject({ url: `/v1/proofs/consistency?from=${seen[i].size}&to=${seen[j].size}` })
      t.equal(res.statusCode, 200)
      const proof = (res.json().hashes as string[]).map(hexToBytes)
      t.ok(verifyConsistency(seen[i].size, seen[j].size, proof, seen[i].root, seen[j].root), `${seen[i].size}→${seen[j].size}`)
    }
  }
  const beyond = await app.inject({ url: `/v1/proofs/consistency?from=1&to=${seen.at(-1)!.size + 1}` })
  t.equal(beyond.statusCode, 400)
})

t.test('inclusion proofs by index and by leaf hash at historic sizes', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const receipts: Receipt[] = []
  for (let i = 0; i < 12; i++) {
    receipts.push((await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'evidence', record: sampleRecords(i).evidence } })).json())
  }
  const r = receipts[3]
  const byLeaf = await app.inject({ url: `/v1/proofs/inclusion?leaf=${r.entry.leafHash}&size=9` })
  t.equal(byLeaf.statusCode, 200)
  t.same(byLeaf.json().index, 3)
  const byIndex = await app.inject({ url: '/v1/proofs/inclusion?index=3&size=9' })
  t.same(byIndex.json(), byLeaf.json())
  t.equal((await app.inject({ url: '/v1/proofs/inclusion?index=3&size=3' })).statusCode, 404, 'entry 3 is not in a tree of 3')
  t.equal((await app.inject({ url: `/v1/proofs/inclusion?leaf=${'00'.repeat(32)}` })).statusCode, 404)
  t.equal((await app.inject({ url: '/v1/proofs/inclusion?index=1&leaf=' + r.entry.leafHash })).statusCode, 400)
})

t.test('batch: malformed envelopes are 400 and write nothing; a batch of only bad items writes nothing', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const good = { kind: 'evidence', record: sampleRecords(1).evidence }
  for (const [what, payload] of [
    ['empty object', {}], ['empty list', { records: [] }], ['records not a list', { records: 'x' }],
    ['extra field', { records: [good], extra: 1 }], ['top-level array', [good]], ['null', null],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/v1/records:batch', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) })
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().type, 'urn:evidence-ledger:problem:validation', what)
  }
  const allBad = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: [{ kind: 'evidence' }, 7, { kind: 'evidence', record: { ...good.record, title: '' } }] } })
  t.equal(allBad.statusCode, 200)
  t.same(allBad.json().results.map((r: { status: number }) => r.status), [400, 400, 400])
  t.equal(app.ledger.log.size, 0)
  t.equal(app.ledger.log.height, -1, 'no empty block was written')
})

t.test('batch: a conflicting item is 409 next to created ones; exactly 1000 items is one block', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const first = { kind: 'evidence', record: sampleRecords(1).evidence }
  await app.inject({ method: 'POST', url: '/v1/records', headers, payload: first })
  const changed = { kind: 'evidence', record: { ...first.record, title: 'changed' } }
  const res = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: [{ kind: 'evidence', record: sampleRecords(2).evidence }, changed, first] } })
  t.same(res.json().results.map((r: { status: number }) => r.status), [201, 409, 200])
  t.equal(res.json().results[1].problem.type, 'urn:evidence-ledger:problem:conflict')
  t.equal(app.ledger.log.size, 2)
  const full = Array.from({ length: 1000 }, (_, i) => ({ kind: 'evidence', id: `EV-F${i}`, subject: uscc(i % 30), commitment: 'sha256:' + i.toString(16).padStart(64, '0') }))
  const big = await app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: full } })
  t.equal(big.statusCode, 200)
  const results = big.json().results as { status: number; receipt: Receipt }[]
  t.equal(results.filter((r) => r.status === 201).length, 1000)
  t.equal(new Set(results.map((r) => r.receipt.block.height)).size, 1, 'one block')
  const keys = (await app.inject({ url: '/v1/keys' })).json() as { keys: { vkey: string }[] }
  t.ok([0, 499, 999].every((i) => verifyReceipt(results[i].receipt, keys.keys[0].vkey).every((s) => s.ok)), 'receipts from the big block verify')
})

t.test('concurrent duplicates across single and batch requests still make one entry', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const body = { kind: 'data-authorization', record: sampleRecords(7)['data-authorization'] }
  const calls = Array.from({ length: 20 }, (_, i) => i % 2 === 0
    ? app.inject({ method: 'POST', url: '/v1/records', headers, payload: body }).then((r) => r.json().entry.index as number)
    : app.inject({ method: 'POST', url: '/v1/records:batch', headers, payload: { records: [body, body] } }).then((r) => (r.json().results as { receipt: Receipt }[]).map((x) => x.receipt.entry.index)))
  const indexes = (await Promise.all(calls)).flat()
  t.equal(indexes.length, 30)
  t.same([...new Set(indexes)], [0])
  t.equal(app.ledger.log.size, 1)
})
