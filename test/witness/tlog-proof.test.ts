// c2sp.org/tlog-proof@v1: format ↔ parse round trip, the spec's example layout, and offline
// verification over an in-memory tree with and without a witness policy.
import t from 'tap'
import { sha256 } from '@noble/hashes/sha2.js'
import { leafHash } from '../../chain/hash.ts'
import { inclusionProof } from '../../chain/tree.ts'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { cosignerFromSeed } from '../../chain/cosigner.ts'
import { parseNote } from '../../chain/note.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { parsePolicy } from '../../chain/policy.ts'
import { formatTlogProof, parseTlogProof, verifyTlogProof, TLOG_PROOF_HEADER } from '../../chain/tlog-proof.ts'
import { MemoryNodes } from '../helpers/memory-nodes.ts'

const ORIGIN = 'log.example/ledger'
const log = signerFromSeed(ORIGIN, new Uint8Array(32).fill(1))
const w1 = cosignerFromSeed('bank.example/w', new Uint8Array(32).fill(2))
const w2 = cosignerFromSeed('court.example/w', new Uint8Array(32).fill(3))
const policy = parsePolicy(`log ${log.vkey}\nwitness bank ${w1.vkey}\nwitness court ${w2.vkey}\ngroup both all bank court\nquorum both\n`)

async function tree(n: number) {
  const nodes = new MemoryNodes()
  const leaves = Array.from({ length: n }, (_, i) => leafHash(utf8ToBytes(`entry ${i}`)))
  for (const l of leaves) nodes.append(l)
  const note = log.signCheckpoint({ origin: ORIGIN, size: n, root: nodes.range.root() })
  const body = parseNote(note).body
  return { nodes, leaves, note, cosigned: note + w1.cosign(body, 1_700_000_001) + w2.cosign(body, 1_700_000_002) }
}

t.test('format then parse is the identity; the layout is the spec\'s', async (t) => {
  const { nodes, cosigned } = await tree(13)
  const hashes = await inclusionProof(nodes, 5, 13)
  const extra = sha256(utf8ToBytes('x'))
  const text = formatTlogProof({ extra, index: 5, hashes, checkpoint: cosigned })
  const lines = text.split('\n')
  t.equal(lines[0], TLOG_PROOF_HEADER)
  t.match(lines[1], /^extra [A-Za-z0-9+/]+=*$/)
  t.equal(lines[2], 'index 5')
  t.equal(lines[3 + hashes.length], '', 'an empty line after the path')
  t.ok(text.endsWith(cosigned), 'the checkpoint verbatim at the end')
  t.same(parseTlogProof(text), { extra, index: 5, hashes, checkpoint: cosigned })
  const noExtra = formatTlogProof({ index: 0, hashes: [], checkpoint: cosigned })
  t.equal(noExtra, `${TLOG_PROOF_HEADER}\nindex 0\n\n${cosigned}`)
  t.same(parseTlogProof(noExtra), { index: 0, hashes: [], checkpoint: cosigned })
})

t.test('every entry of several tree sizes verifies with the policy; a wrong leaf or index does not', async (t) => {
  for (const n of [1, 2, 7, 8, 33]) {
    const { nodes, leaves, cosigned } = await tree(n)
    for (let i = 0; i < n; i++) {
      const text = formatTlogProof({ index: i, hashes: await inclusionProof(nodes, i, n), checkpoint: cosigned })
      const r = verifyTlogProof(text, leaves[i], { policy })
      if (!r.ok) t.fail(`size ${n} index ${i}: ${JSON.stringify(r.steps)}`)
      if (n > 1) t.notOk(verifyTlogProof(text, leaves[(i + 1) % n], { policy }).ok, `size ${n}: leaf ${(i + 1) % n} is not at ${i}`)
    }
  }
  const { nodes, leaves, cosigned } = await tree(8)
  const p = { index: 3, hashes: await inclusionProof(nodes, 3, 8), checkpoint: cosigned }
  t.notOk(verifyTlogProof({ ...p, index: 4 }, leaves[3], { policy }).ok)
  t.notOk(verifyTlogProof({ ...p, hashes: p.hashes.slice(1) }, leaves[3], { policy }).ok)
})

t.test('steps: log signature, each cosignature, quorum, inclusion', async (t) => {
  const { nodes, leaves, note, cosigned } = await tree(5)
  const hashes = await inclusionProof(nodes, 2, 5)
  const full = verifyTlogProof(formatTlogProof({ index: 2, hashes, checkpoint: cosigned }), leaves[2], { policy })
  t.same(full.steps.map((s) => [s.step, s.ok]), [['log-signature', true], ['cosignature', true], ['cosignature', true], ['quorum', true], ['inclusion', true]])
  t.ok(full.ok)
  const oneWitness = note + w1.cosign(parseNote(note).body, 1)
  const short = verifyTlogProof(formatTlogProof({ index: 2, hashes, checkpoint: oneWitness }), leaves[2], { policy })
  t.notOk(short.ok, 'quorum "all" needs both witnesses')
  t.same(short.steps.map((s) => s.ok), [true, true, null, false, true])
  const operatorOnly = verifyTlogProof(formatTlogProof({ index: 2, hashes, checkpoint: note }), leaves[2], { logKeys: [log.vkey] })
  t.ok(operatorOnly.ok, 'without a policy the log signature and inclusion suffice…')
  t.match(operatorOnly.steps.find((s) => s.step === 'quorum')!.detail, /only the log operator vouches/, '…and the report says so')
  const otherLog = signerFromSeed(ORIGIN, new Uint8Array(32).fill(9))
  t.notOk(verifyTlogProof(formatTlogProof({ index: 2, hashes, checkpoint: cosigned }), leaves[2], { logKeys: [otherLog.vkey] }).ok)
})

t.test('malformed proofs are refused with a reason', async (t) => {
  const { cosigned } = await tree(2)
  const h = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
  const bad: [string, RegExp][] = [
    [`c2sp.org/tlog-proof@v2\nindex 0\n\n${cosigned}`, /first line/],
    [`${TLOG_PROOF_HEADER}\nindex 01\n\n${cosigned}`, /expected "index/],
    [`${TLOG_PROOF_HEADER}\nindex -1\n\n${cosigned}`, /expected "index/],
    [`${TLOG_PROOF_HEADER}\nextra !!\nindex 0\n\n${cosigned}`, /extra data/],
    [`${TLOG_PROOF_HEADER}\nindex 0\nAAAA\n\n${cosigned}`, /not 32 bytes/],
    [`${TLOG_PROOF_HEADER}\nindex 0\n${h}`, /missing empty line/],
    [`${TLOG_PROOF_HEADER}\nindex 0\n\n`, /missing checkpoint/],
    [`${TLOG_PROOF_HEADER}\nindex 0\n${`${h}\n`.repeat(64)}\n${cosigned}`, /more than 63/],
  ]
  for (const [text, re] of bad) t.throws(() => parseTlogProof(text), re)
  const r = verifyTlogProof(`${TLOG_PROOF_HEADER}\nindex x\n\n${cosigned}`, new Uint8Array(32), { policy })
  t.notOk(r.ok)
  t.throws(() => formatTlogProof({ index: 0, hashes: [new Uint8Array(31)], checkpoint: cosigned }))
})
