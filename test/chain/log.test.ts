import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import { Level } from 'level'
import { signerFromSeed, generateSigner } from '../../chain/checkpoint.ts'
import { LedgerIntegrityError, Log } from '../../chain/log.ts'
import { openLevelStorage } from '../../chain/storage.ts'
import { entryNodeOffset, keys, LevelStore, STORAGE_FORMAT } from '../../chain/store.ts'
import { canonicalBytes, isValidUscc, parseStatement, recordCommitment, usccCheckChar } from '../../chain/statement.ts'
import { verifyReceipt } from '../../chain/verify.ts'
import { openLog, ORIGIN, request, tempDir, testSigner, TEST_SEED, uscc } from '../helpers/fixtures.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'

t.test('statement bytes are RFC 8785 canonical and commitments are SHA-256(salt ‖ canonical(record))', async (t) => {
  t.equal(new TextDecoder().decode(canonicalBytes({ b: 1, a: [2, 'é', 1e21], c: { z: null, y: 0.5 } })), '{"a":[2,"é",1e+21],"b":1,"c":{"y":0.5,"z":null}}')
  const salt = new Uint8Array(32).fill(7)
  const record = { z: 'last', a: 'first' }
  const expected = createHash('sha256').update(salt).update('{"a":"first","z":"last"}').digest('hex')
  t.equal(recordCommitment(salt, record), `sha256:${expected}`)
  const s = { v: 1, kind: 'evidence', id: 'E1', subject: uscc(1), commitment: `sha256:${expected}`, submitter: 'p', time: '2026-01-01T00:00:00.000Z', refs: [] }
  t.same(parseStatement(canonicalBytes(s)), s)
  t.throws(() => parseStatement(utf8ToBytes(JSON.stringify(s))), /canonical/, 'non-canonical bytes are refused')
})

t.test('USCC check characters (GB 32100-2015)', async (t) => {
  t.ok(isValidUscc('91350100M000100Y43'), 'a published example code')
  for (let i = 0; i < 20; i++) t.ok(isValidUscc(uscc(i * 7919)))
  const good = uscc(42)
  const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  t.notOk(isValidUscc(wrongCheck), 'wrong check character')
  for (const bad of ['I', 'O', 'Z', 'S', 'V']) t.notOk(isValidUscc(good.slice(0, 10) + bad + good.slice(11)), `letter ${bad}`)
  t.notOk(isValidUscc(good.slice(0, 17)), 'too short')
  t.notOk(isValidUscc(good + '0'), 'too long')
  const letterInDivision = '91A501' + good.slice(6, 17)
  t.notOk(isValidUscc(letterInDivision + usccCheckChar(letterInDivision)), 'division code must be digits')
})

t.test('idempotency: same content is a duplicate, other content a conflict, concurrent duplicates one entry', async (t) => {
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  const [first] = await log.append([request(1)])
  t.equal(first.status, 'created')
  t.same(await log.append([request(1)]), [{ status: 'duplicate', index: 0 }])
  t.same(await log.append([request(1, 'evidence', 2)]), [{ status: 'conflict', index: 0 }])
  t.same((await log.append([request(1, 'financing-application')]))[0].status, 'created', 'ids are unique per kind only')
  const inGroup = await log.append([request(5), request(5), request(5, 'evidence', 9)])
  t.same(inGroup.map((o) => o.status), ['created', 'duplicate', 'conflict'])
  const racing = await Promise.all(Array.from({ length: 20 }, () => log.append([request(7)])))
  t.equal(racing.filter(([o]) => o.status === 'created').length, 1, 'exactly one of 20 concurrent duplicates is created')
  t.equal(log.size, 4)
})

t.test('receipts verify offline, also after reopening', async (t) => {
  const dir = tempDir(t)
  let log = await openLog(dir)
  const outcomes = await log.append(Array.from({ length: 37 }, (_, i) => request(i)))
  for (const o of outcomes) if (o.status === 'created') t.ok(verifyReceipt(o.receipt, testSigner().vkey).every((s) => s.ok))
  await log.close()
  log = await openLog(dir)
  t.teardown(() => log.close())
  const r = await log.receipt(20)
  t.ok(r && verifyReceipt(r, testSigner().vkey).every((s) => s.ok))
  t.notOk(r && verifyReceipt(r, generateSigner(ORIGIN).vkey).every((s) => s.ok), 'another key does not verify it')
})

async function tamper(dir: string, fn: (db: Level<Uint8Array, Uint8Array>) => Promise<void>): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  await fn(db)
  await db.close()
}

async function built(t: Test): Promise<string> {
  const dir = tempDir(t)
  const log = await openLog(dir)
  await log.append(Array.from({ length: 10 }, (_, i) => request(i)))
  await log.append([request(100)])
  await log.close()
  return dir
}

t.test('open refuses tampered storage with a clear message', async (t) => {
  const cases: [string, (db: Level<Uint8Array, Uint8Array>) => Promise<void>, RegExp][] = [
    ['a tree node', async (db) => {
      const v = (await db.get(keys.entry(7)))!
      v[entryNodeOffset(3) + 4] ^= 1 // the perfect subtree of leaves 0–7, on the right edge of size 11
      await db.put(keys.entry(7), v)
    }, /root|tree/],
    ['the head', async (db) => {
      const v = JSON.parse(new TextDecoder().decode((await db.get(keys.head()))!))
      v.size = 9
      await db.put(keys.head(), utf8ToBytes(JSON.stringify(v)))
    }, /size|block/],
    ['the last block header', async (db) => {
      const v = (await db.get(keys.block(1)))!
      v[v.length - 3] ^= 1
      await db.put(keys.block(1), v)
    }, /block/],
  ]
  for (const [what, fn, pattern] of cases) {
    const dir = await built(t)
    await tamper(dir, fn)
    const storage = await openLevelStorage(dir)
    await t.rejects(Log.open({ storage, origin: ORIGIN, signer: testSigner() }), pattern, `tampered ${what}`)
    await t.rejects(Log.open({ storage, origin: ORIGIN, signer: testSigner() }), LedgerIntegrityError)
    await storage.close()
  }
  const dir = await built(t)
  await t.rejects(Log.openAt(dir, { origin: ORIGIN, signer: generateSigner(ORIGIN) }), /wrong signing key/, 'a different signing key')
})

t.test('a store written in another storage format refuses to open, and says what to do', async (t) => {
  const dir = await built(t)
  await tamper(dir, (db) => db.del(keys.format())) // what a first-format store looks like
  const store = new LevelStore(dir)
  await t.rejects(store.open(), /storage format evidence-ledger\/1.*reads evidence-ledger\/4.*export/)
  t.equal(store.db.status, 'closed', 'and lets go of the directory')
  await tamper(dir, (db) => db.put(keys.format(), utf8ToBytes(STORAGE_FORMAT)))
  await store.open()
  t.equal((await store.head())?.size, 11, 'the same store opens once it carries the current format')
  await store.close()
})

t.test('a log signed by a retired key opens when that key is listed as retired', async (t) => {
  const dir = tempDir(t)
  const old = signerFromSeed(ORIGIN, TEST_SEED)
  const log = await Log.openAt(dir, { origin: ORIGIN, signer: old })
  await log.append([request(1)])
  await log.close()
  const fresh = generateSigner(ORIGIN)
  const rotated = await Log.openAt(dir, { origin: ORIGIN, signer: fresh, retiredKeys: [old.vkey] })
  const [o] = await rotated.append([request(2)])
  t.equal(o.status, 'created')
  if (o.status === 'created') t.ok(verifyReceipt(o.receipt, fresh.vkey).every((s) => s.ok), 'new entries are signed by the new key')
  const r1 = await rotated.receipt(0)
  t.ok(r1 && verifyReceipt(r1, old.vkey).every((s) => s.ok), 'old receipts still verify with the old key')
  await rotated.close()
})

t.test('canonicalText of plain JSON data is byte-identical to the canonicalize library', async (t) => {
  const { default: fc } = await import('fast-check')
  const { default: canonicalize } = await import('canonicalize')
  const { canonicalText } = await import('../../chain/statement.ts')
  const json = fc.jsonValue({ depthSize: 'medium' })
  const unicode = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' },
      fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 5 })),
  })).value
  fc.assert(fc.property(fc.oneof(json, unicode), (v) => {
    let expected: string | Error
    try { expected = canonicalize(v)! } catch (e) { expected = e as Error }
    if (expected instanceof Error) t.throws(() => canonicalText(v))
    else t.equal(canonicalText(v), expected)
  }), { numRuns: 2000 })
  // Not plain data: the generic canonicalizer decides, so the answer is still its answer.
  const odd = { b: undefined, a: [undefined, 1], d: new Date(0), c: { toJSON: () => 'x' } }
  t.equal(canonicalText(odd), canonicalize(odd))
  const deep: unknown[] = []
  let cur = deep
  for (let i = 0; i < 100; i++) { const next: unknown[] = []; cur.push(next); cur = next }
  t.equal(canonicalText(deep), canonicalize(deep), 'deep nesting falls back without a difference')
  t.throws(() => canonicalText({ a: 'x\udc00' }), /well-formed/)
  t.throws(() => canonicalText([Number.NaN]))
  t.throws(() => canonicalText({ a: Infinity }))
  t.equal(canonicalText({ '\u00e9': 1, z: 2, A: 3, '': 4, '\u{1F600}': 5, '\uff61': 6 }), '{"":4,"A":3,"z":2,"é":1,"\u{1F600}":5,"｡":6}', 'members in UTF-16 code unit order (RFC 8785 §3.2.3): U+1F600 (D83D…) before U+FF61')
})

t.test('the statement fast path is byte-identical to the RFC 8785 canonicalizer', async (t) => {
  const { default: fc } = await import('fast-check')
  const { statementBytes } = await import('../../chain/statement.ts')
  const text = fc.string({ unit: 'grapheme', maxLength: 40 })
  fc.assert(fc.property(text, text, text, text, fc.array(fc.string({ maxLength: 64 }), { maxLength: 3 }), (id, subject, submitter, time, refs) => {
    const s = { v: 1 as const, kind: 'evidence' as const, id, subject, commitment: 'sha256:' + '0'.repeat(64), submitter, time, refs }
    t.same(Buffer.from(statementBytes(s)), Buffer.from(canonicalBytes(s)))
  }), { numRuns: 500 })
  t.throws(() => statementBytes({ v: 1, kind: 'evidence', id: 'a\ud800', subject: 's', commitment: 'c', submitter: 'x', time: 't', refs: [] }), /well-formed/)
})
