import t from 'tap'
import fc from 'fast-check'
import { sha256 as noble } from '@noble/hashes/sha2.js'
import { nodeSha256 } from '../../chain/hash-node.ts'
import { leafHash, nodeHash, sha256, useSha256 } from '../../chain/hash.ts'

t.test('node:crypto SHA-256 (server) and @noble/hashes (browser, CLI verifier) agree', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
    t.same(Buffer.from(nodeSha256(data)), Buffer.from(noble(data)))
  }), { numRuns: 300 })
})

t.test('leaf and node hashes are identical under both implementations', async (t) => {
  const inputs = fc.sample(fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 })), 200)
  useSha256(noble)
  const withNoble = inputs.map(([e, l, r]) => [leafHash(e), nodeHash(l, r)].map((h) => Buffer.from(h).toString('hex')))
  useSha256(nodeSha256)
  const withNode = inputs.map(([e, l, r]) => [leafHash(e), nodeHash(l, r)].map((h) => Buffer.from(h).toString('hex')))
  t.same(withNode, withNoble)
  t.equal(Buffer.from(sha256(new Uint8Array(0))).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
})
