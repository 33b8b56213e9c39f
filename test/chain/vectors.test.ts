import t from 'tap'
import { readFileSync } from 'node:fs'
import { bytesToHex, hexToBytes } from '../../chain/encoding.ts'
import { EMPTY_ROOT, leafHash } from '../../chain/hash.ts'
import { consistencyProof, inclusionProof, merkleRoot, rootAt } from '../../chain/tree.ts'
import { verifyConsistency, verifyInclusion } from '../../chain/verify.ts'
import { MemoryNodes } from '../helpers/memory-nodes.ts'
import { openLog, request, tempDir } from '../helpers/fixtures.ts'

interface Vectors {
  leaves: string[]
  leafHashes: string[]
  roots: Record<string, string>
  inclusion: { index: number; treeSize: number; path: string[] }[]
  consistency: { from: number; to: number; path: string[] }[]
}
const v = JSON.parse(readFileSync(new URL('../fixtures/vectors/rfc6962.json', import.meta.url), 'utf8')) as Vectors

const tree = new MemoryNodes()
for (const leaf of v.leaves) tree.append(leafHash(hexToBytes(leaf)))
const rootOf = (n: number) => hexToBytes(v.roots[String(n)])

t.test('leaf hashes match the vectors', async (t) => {
  t.same(v.leaves.map((l) => bytesToHex(leafHash(hexToBytes(l)))), v.leafHashes)
})

t.test('roots of sizes 0–8 match the vectors', async (t) => {
  t.equal(Object.keys(v.roots).length, 9)
  t.equal(bytesToHex(EMPTY_ROOT), v.roots['0'])
  for (let n = 0; n <= 8; n++) {
    t.equal(bytesToHex(await rootAt(tree, n)), v.roots[String(n)], `rootAt ${n}`)
    t.equal(bytesToHex(merkleRoot(v.leafHashes.slice(0, n).map(hexToBytes))), v.roots[String(n)], `reference root ${n}`)
  }
})

t.test('all 36 inclusion proofs match the vectors and verify', async (t) => {
  t.equal(v.inclusion.length, 36)
  for (const c of v.inclusion) {
    const proof = await inclusionProof(tree, c.index, c.treeSize)
    t.same(proof.map(bytesToHex), c.path, `path ${c.index}@${c.treeSize}`)
    t.ok(verifyInclusion(hexToBytes(v.leafHashes[c.index]), c.index, c.treeSize, proof, rootOf(c.treeSize)))
    if (proof.length > 0) {
      t.notOk(verifyInclusion(hexToBytes(v.leafHashes[c.index]), c.index, c.treeSize, proof.slice(1), rootOf(c.treeSize)), 'short proof fails')
    }
  }
})

t.test('all 36 consistency proofs match the vectors and verify', async (t) => {
  t.equal(v.consistency.length, 36)
  for (const c of v.consistency) {
    const proof = await consistencyProof(tree, c.from, c.to)
    t.same(proof.map(bytesToHex), c.path, `path ${c.from}→${c.to}`)
    t.ok(verifyConsistency(c.from, c.to, proof, rootOf(c.from), rootOf(c.to)), `verify ${c.from}→${c.to}`)
    if (c.from !== c.to) {
      t.notOk(verifyConsistency(c.from, c.to, proof, rootOf(c.to), rootOf(c.to)), 'wrong old root fails')
    }
  }
})

t.test('a real log gives the reference root of its own leaves at every size', async (t) => {
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  const leaves: Uint8Array[] = []
  for (let i = 0; i < 40; i++) {
    const [o] = await log.append([request(i)])
    if (o.status !== 'created') throw new Error('not created')
    leaves.push(hexToBytes(o.receipt.entry.leafHash))
  }
  for (let n = 0; n <= 40; n++) t.same(await log.rootAt(n), merkleRoot(leaves.slice(0, n)), `size ${n}`)
})
