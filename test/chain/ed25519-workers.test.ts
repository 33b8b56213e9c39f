import t from 'tap'
import fc from 'fast-check'
import { ed25519 } from '@noble/curves/ed25519.js'
import { nodeEd25519Verify } from '../../chain/ed25519-node.ts'
import { Ed25519Workers, type Ed25519Check } from '../../chain/ed25519-workers.ts'

t.test('worker threads answer every check in a batch as node:crypto does on this thread, in order', async (t) => {
  const pool = Ed25519Workers.start(2)
  t.ok(pool, 'two workers started')
  if (pool === null) return
  t.teardown(() => pool.close())
  const checks: Ed25519Check[] = []
  const expected: number[] = []
  const add = (signature: Uint8Array, msg: Uint8Array, publicKey: Uint8Array, ok: boolean) => {
    checks.push({ signature, msg, publicKey })
    expected.push(ok ? 1 : 0)
  }
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(), (seed, msg, at) => {
    const publicKey = ed25519.getPublicKey(seed)
    const signature = ed25519.sign(msg, seed)
    add(signature, msg, publicKey, true)
    const badSig = signature.slice()
    badSig[at % 64] ^= 1 << (at % 8)
    add(badSig, msg, publicKey, false)
    add(signature, new Uint8Array([...msg, 0]), publicKey, false)
    add(signature, msg, ed25519.getPublicKey(new Uint8Array(seed.map((b) => b ^ 0xff))), false)
  }), { numRuns: 100 })
  const seed = new Uint8Array(32).fill(7)
  const msg = new TextEncoder().encode('evidence-ledger')
  const sig = ed25519.sign(msg, seed)
  const pub = ed25519.getPublicKey(seed)
  add(sig.subarray(0, 63), msg, pub, false)
  add(sig, msg, pub.subarray(0, 31), false)
  add(new Uint8Array(64), msg, pub, false)
  add(sig, msg, pub, true)
  t.same(expected.filter((e) => e === 1).length, 101, 'one good signature per seed, and the last one')

  // Several batches at once, spread over both workers: each answer must come back to its own batch.
  const batches = [checks.slice(0, 150), checks.slice(150, 151), checks.slice(151), []]
  const answers = await Promise.all(batches.map((b) => pool.verify(b)))
  t.same(answers.map((a) => a.length), batches.map((b) => b.length), 'one answer per check')
  const got = answers.flatMap((a) => [...a])
  t.same(got, expected, 'the expected answer for every check')
  t.same(got, checks.map((c) => (nodeEd25519Verify(c.signature, c.msg, c.publicKey) ? 1 : 0)), 'the same answers as nodeEd25519Verify')
})

t.test('no workers to start means none: the caller checks on its own thread', async (t) => {
  t.equal(Ed25519Workers.start(0), null)
})

t.test('a pool of one answers a single check, and closes', async (t) => {
  const pool = Ed25519Workers.start(1)!
  const seed = new Uint8Array(32).fill(9)
  const msg = new Uint8Array([1, 2, 3])
  t.same([...await pool.verify([{ signature: ed25519.sign(msg, seed), msg, publicKey: ed25519.getPublicKey(seed) }])], [1])
  await pool.close()
})
