import t from 'tap'
import fc from 'fast-check'
import { bytesToHex, fromBase64, hexToBytes, toBase64 } from '../../chain/encoding.ts'
import { leafHash } from '../../chain/hash.ts'
import { storeOf } from '../../chain/storage.ts'
import { merkleRoot } from '../../chain/tree.ts'
import { verifyCheckpoint, verifyConsistency, verifyInclusion } from '../../chain/verify.ts'
import { openLog, request, tempDir, testSigner } from '../helpers/fixtures.ts'

const flip = (b: Uint8Array, at: number, bit: number): Uint8Array => {
  const c = new Uint8Array(b) // a copy: Buffer#slice would share memory
  c[at % c.length] ^= 1 << bit
  return c
}

t.test('random logs: proofs verify, any flipped byte fails', async (t) => {
  let logs = 0
  await fc.assert(fc.asyncProperty(
    fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 15 }),
    fc.infiniteStream(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 7 }))),
    async (batches, picks) => {
      const dir = tempDir(t, 'el-prop-')
      const log = await openLog(dir)
      try {
        let next = 0
        // Half the batches go in concurrently, so group commit merges them into shared blocks.
        const total = Math.min(3000, batches.reduce((a, b) => a + b, 0))
        const groups: number[][] = []
        for (const b of batches) {
          const take = Math.min(b, total - next)
          if (take <= 0) break
          groups.push(Array.from({ length: take }, () => next++))
        }
        for (let g = 0; g < groups.length; g += 2) {
          await Promise.all(groups.slice(g, g + 2).map((ids) => log.append(ids.map((i) => request(i)))))
        }
        logs++
        const n = log.size
        if (n !== next) throw new Error(`size ${n} != ${next}`)
        const leaves: Uint8Array[] = []
        for await (const [, e] of storeOf(log.storage).scanEntries()) leaves.push(leafHash(e.statement))
        if (bytesToHex(merkleRoot(leaves)) !== bytesToHex(log.root())) throw new Error('root mismatch')

        const it = picks[Symbol.iterator]()
        for (let k = 0; k < 25; k++) {
          const [a, b, at, bit] = it.next().value as [number, number, number, number]
          const size = 1 + (a % n)
          const index = b % size
          const root = await log.rootAt(size)
          const proof = await log.inclusionProof(index, size)
          if (!verifyInclusion(leaves[index], index, size, proof, root)) throw new Error(`inclusion ${index}@${size} failed`)
          if (proof.length > 0) {
            const bad = proof.slice()
            bad[at % bad.length] = flip(bad[at % bad.length], at >> 3, bit)
            if (verifyInclusion(leaves[index], index, size, bad, root)) throw new Error('tampered proof verified')
          }
          if (verifyInclusion(flip(leaves[index], at, bit), index, size, proof, root)) throw new Error('tampered leaf verified')
          if (verifyInclusion(leaves[index], index, size, proof, flip(root, at, bit))) throw new Error('tampered root verified')

          const from = Math.min(size, 1 + (at % n))
          const to = Math.max(size, from)
          const [lo, hi] = [Math.min(from, to), Math.max(from, to)]
          const cproof = await log.consistencyProof(lo, hi)
          const loRoot = await log.rootAt(lo)
          const hiRoot = await log.rootAt(hi)
          if (!verifyConsistency(lo, hi, cproof, loRoot, hiRoot)) throw new Error(`consistency ${lo}→${hi} failed`)
          if (cproof.length > 0) {
            const bad = cproof.slice()
            bad[b % bad.length] = flip(bad[b % bad.length], at, bit)
            if (verifyConsistency(lo, hi, bad, loRoot, hiRoot)) throw new Error('tampered consistency proof verified')
          }
          if (lo !== hi && verifyConsistency(lo, hi, cproof, flip(loRoot, at, bit), hiRoot)) throw new Error('tampered old root verified')
          if (lo !== hi && verifyConsistency(lo, hi, cproof, loRoot, flip(hiRoot, at, bit))) throw new Error('tampered new root verified')
        }

        const note = log.checkpoint()
        if (!verifyCheckpoint(note, testSigner().vkey).ok) throw new Error('checkpoint does not verify')
        const sigLine = note.split('\n')[4]
        const space = sigLine.lastIndexOf(' ')
        const sig = fromBase64(sigLine.slice(space + 1))
        const at = picks[Symbol.iterator]().next().value![0] % sig.length
        const forged = note.replace(sigLine, sigLine.slice(0, space + 1) + toBase64(flip(sig, at, 3)))
        if (verifyCheckpoint(forged, testSigner().vkey).ok) throw new Error('tampered signature verified')
      } finally {
        await log.close()
      }
    },
  ), { numRuns: 8 })
  t.equal(logs, 8, 'eight random logs built and checked')
})

t.test('a proof for one entry never proves a neighbour', async (t) => {
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  await log.append(Array.from({ length: 100 }, (_, i) => request(i)))
  const root = log.root()
  const leaves: Uint8Array[] = []
  for await (const [, e] of storeOf(log.storage).scanEntries()) leaves.push(leafHash(e.statement))
  for (let i = 0; i < 99; i++) {
    const proof = await log.inclusionProof(i, 100)
    t.ok(verifyInclusion(leaves[i], i, 100, proof, root))
    if (verifyInclusion(leaves[i + 1], i, 100, proof, root) || verifyInclusion(leaves[i], i + 1, 100, proof, root)) t.fail(`proof ${i} also proves a neighbour`)
  }
  t.ok(hexToBytes(bytesToHex(root)).length === 32)
})
