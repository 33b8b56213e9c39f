import t from 'tap'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { ed25519 } from '@noble/curves/ed25519.js'
import { nodeEd25519Verify, nodeEd25519VerifyAsync } from '../../chain/ed25519-node.ts'
import { hexToBytes } from '../../chain/encoding.ts'
import { useEd25519Verify, verifyCheckpoint, verifyCheckpointAsync } from '../../chain/verify.ts'

const noble = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean => {
  try {
    return ed25519.verify(sig, msg, pub)
  } catch {
    return false
  }
}
const node = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean => {
  try {
    return nodeEd25519Verify(sig, msg, pub)
  } catch {
    return false
  }
}

t.test('node:crypto Ed25519 verify (server, CLI) and @noble (browser) give the same answers', async (t) => {
  const disagreements: string[] = []
  const offThread: Promise<void>[] = []
  const both = (what: string, sig: Uint8Array, msg: Uint8Array, pub: Uint8Array, expected: boolean) => {
    const a = noble(sig, msg, pub)
    const b = node(sig, msg, pub)
    if (a !== expected || b !== expected) disagreements.push(`${what}: noble ${a}, node ${b}, expected ${expected}`)
    offThread.push(nodeEd25519VerifyAsync(sig, msg, pub).catch(() => false).then((c) => {
      if (c !== expected) disagreements.push(`${what}: node on the thread pool ${c}, expected ${expected}`)
    }))
  }
  fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(), (seed, msg, at) => {
    const pub = ed25519.getPublicKey(seed)
    const sig = ed25519.sign(msg, seed)
    both('valid', sig, msg, pub, true)
    const badSig = sig.slice()
    badSig[at % 64] ^= 1 << (at % 8)
    both('flipped signature bit', badSig, msg, pub, false)
    const badMsg = new Uint8Array([...msg, 0])
    both('longer message', sig, badMsg, pub, false)
    const otherPub = ed25519.getPublicKey(new Uint8Array(seed.map((b) => b ^ 0xff)))
    both('another key', sig, msg, otherPub, false)
  }), { numRuns: 200 })

  // S + L (the group order) is the same scalar mod L: a malleated copy both must refuse.
  const seed = new Uint8Array(32).fill(7)
  const msg = new TextEncoder().encode('evidence-ledger')
  const pub = ed25519.getPublicKey(seed)
  const sig = ed25519.sign(msg, seed)
  const L = 2n ** 252n + 27742317777372353535851937790883648493n
  let s = 0n
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i])
  const malleated = sig.slice()
  let v = s + L
  for (let i = 0; i < 32; i++) { malleated[32 + i] = Number(v & 0xffn); v >>= 8n }
  both('non-canonical S (S + L)', malleated, msg, pub, false)
  both('all-zero signature', new Uint8Array(64), msg, pub, false)
  both('short signature', sig.subarray(0, 63), msg, pub, false)
  both('short key', sig, msg, pub.subarray(0, 31), false)
  await Promise.all(offThread)
  t.ok(offThread.length > 800, `${offThread.length} cases`)
  t.same(disagreements, [], 'no case where any of the three differs from the expected answer')
})

t.test('the checkpoint vector verifies with either implementation, and a tampered one with neither', async (t) => {
  const vector = JSON.parse(readFileSync(new URL('../fixtures/vectors/checkpoint.json', import.meta.url), 'utf8')) as { vkey: string; note: string; publicKeyHex: string }
  t.ok(hexToBytes(vector.publicKeyHex).length === 32)
  const tampered = vector.note.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`)
  t.not(tampered, vector.note)
  for (const [name, impl] of [['noble', noble], ['node', nodeEd25519Verify]] as const) {
    useEd25519Verify(impl)
    t.ok(verifyCheckpoint(vector.note, vector.vkey).ok, `${name}: the vector verifies`)
    t.match(verifyCheckpoint(tampered, vector.vkey), { ok: false, reason: 'checkpoint signature is invalid' }, `${name}: a changed size does not`)
    t.ok((await verifyCheckpointAsync(vector.note, vector.vkey)).ok, `${name}, async: the vector verifies`)
    t.match(await verifyCheckpointAsync(tampered, vector.vkey), { ok: false, reason: 'checkpoint signature is invalid' }, `${name}, async: a changed size does not`)
  }
  useEd25519Verify(nodeEd25519Verify, nodeEd25519VerifyAsync)
  t.ok((await verifyCheckpointAsync(vector.note, vector.vkey)).ok, 'node on the thread pool: the vector verifies')
  t.match(await verifyCheckpointAsync(tampered, vector.vkey), { ok: false, reason: 'checkpoint signature is invalid' }, 'node on the thread pool: a changed size does not')
})
