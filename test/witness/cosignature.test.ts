// tlog-cosignature v1: a real cosigned checkpoint from the public witness network verifies
// with our code, our own signing reproduces a pinned line, and any damage is caught.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { hexToBytes, toBase64, fromBase64 } from '../../chain/encoding.ts'
import { parseNote, parseVkey, formatNote } from '../../chain/note.ts'
import {
  checkCosignatures, cosignatureMessage, cosignerKeyId, decodeCosignature, encodeCosignature, formatCosignerVkey,
  parseCosignerVkey, verifyCosignature,
} from '../../chain/cosignature.ts'
import { cosignerFromSeed, generateCosigner, parseCosignerSkey } from '../../chain/cosigner.ts'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'

const vectors = JSON.parse(readFileSync(new URL('../fixtures/vectors/cosignature.json', import.meta.url), 'utf8')) as {
  public: { note: string; logVkey: string; witnessVkeys: string[]; timestamp: number }
  own: { seedHex: string; keyName: string; vkey: string; skey: string; body: string; timestamp: number; line: string }
}

t.test('public vector: three witness-network cosignatures verify with our verifier', async (t) => {
  const keys = vectors.public.witnessVkeys.map(parseCosignerVkey)
  const note = parseNote(vectors.public.note)
  const findings = checkCosignatures(note.body, note.signatures, keys)
  t.equal(findings.length, 3)
  for (const f of findings) t.same(f.result, { ok: true, timestamp: vectors.public.timestamp }, f.key.name)
})

t.test('public vector: a changed body or a flipped signature bit fails', async (t) => {
  const keys = vectors.public.witnessVkeys.map(parseCosignerVkey)
  const note = parseNote(vectors.public.note)
  const otherBody = note.body.replace('1432088532', '1432088533')
  for (const f of checkCosignatures(otherBody, note.signatures, keys)) t.equal(f.result?.ok, false, `${f.key.name} refuses another size`)
  const remora = keys[2]
  const sig = note.signatures.find((s) => s.name === remora.name)!
  for (const bit of [0, 7, 64, 8 * 8 + 3, 8 * 71 + 7]) {
    const flipped = sig.signature.slice()
    flipped[bit >> 3] ^= 1 << (bit & 7)
    t.equal(verifyCosignature(note.body, { ...sig, signature: flipped }, remora).ok, false, `bit ${bit} flipped`)
  }
})

t.test('key ids: type 0x04, and the published vkeys carry exactly the ids we compute', async (t) => {
  for (const v of vectors.public.witnessVkeys) {
    const k = parseCosignerVkey(v)
    t.equal(formatCosignerVkey(k.name, k.publicKey), v)
  }
  // The same key as a log key (0x01) has another id: cosignatures never pass as log signatures.
  const seed = hexToBytes(vectors.own.seedHex)
  const asLog = signerFromSeed(vectors.own.keyName, seed)
  const asCosigner = cosignerFromSeed(vectors.own.keyName, seed)
  t.not(toBase64(asLog.keyId), toBase64(asCosigner.keyId))
  t.same(asCosigner.keyId, cosignerKeyId(vectors.own.keyName, asCosigner.publicKey))
  t.throws(() => parseCosignerVkey(asLog.vkey), /type 0x04/)
  t.throws(() => parseVkey(asCosigner.vkey), /not an Ed25519 key/)
})

t.test('own vector: signing reproduces the pinned line; skey and vkey round-trip', async (t) => {
  const c = cosignerFromSeed(vectors.own.keyName, hexToBytes(vectors.own.seedHex))
  t.equal(c.vkey, vectors.own.vkey)
  t.equal(c.skey, vectors.own.skey)
  t.equal(c.cosign(vectors.own.body, vectors.own.timestamp), vectors.own.line)
  t.equal(parseCosignerSkey(c.skey).vkey, c.vkey)
})

t.test('the signed message is exactly "cosignature/v1\\ntime <t>\\n" + body', async (t) => {
  const body = 'o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'
  t.same(cosignatureMessage(body, 1679315147), utf8ToBytes(`cosignature/v1\ntime 1679315147\n${body}`))
  t.same(cosignatureMessage(body, 0), utf8ToBytes(`cosignature/v1\ntime 0\n${body}`), 'no leading zeroes')
  t.throws(() => cosignatureMessage('o\n1\n', 1), 'a body of fewer than three lines is refused')
  t.throws(() => cosignatureMessage(body, -1))
  t.throws(() => cosignatureMessage(body, 1.5))
})

t.test('round trip with a fresh key; timestamp is big-endian u64 before the signature', async (t) => {
  const c = generateCosigner('court.example/witness')
  const body = signerFromSeed('log.example', new Uint8Array(32).fill(7)).signCheckpoint({ origin: 'log.example', size: 3, root: new Uint8Array(32).fill(1) })
  const parsed = parseNote(body)
  const line = c.cosign(parsed.body, 0x01020304)
  const raw = fromBase64(line.trim().split(' ').at(-1)!)
  t.same([...raw.subarray(4, 12)], [0, 0, 0, 0, 1, 2, 3, 4])
  const note = parseNote(formatNote(parsed.body, parsed.signatures) + line)
  const key = parseCosignerVkey(c.vkey)
  t.same(checkCosignatures(note.body, note.signatures, [key])[0].result, { ok: true, timestamp: 0x01020304 })
  t.equal(checkCosignatures(note.body, note.signatures.slice(0, 1), [key])[0].result, null, 'absent, not failed')
})

t.test('encoding limits', async (t) => {
  t.equal(decodeCosignature(new Uint8Array(71)), null)
  const over = new Uint8Array(72)
  over[0] = 0x80
  t.equal(decodeCosignature(over), null, 'timestamps beyond 2^53 are refused')
  t.throws(() => encodeCosignature(1, new Uint8Array(63)))
  t.same(decodeCosignature(encodeCosignature(42, new Uint8Array(64).fill(9)))?.timestamp, 42)
})
