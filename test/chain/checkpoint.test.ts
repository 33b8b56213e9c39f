import t from 'tap'
import { readFileSync } from 'node:fs'
import { signerFromSeed, parseSkey } from '../../chain/checkpoint.ts'
import { verifyCheckpoint } from '../../chain/verify.ts'
import { hexToBytes } from '../../chain/encoding.ts'
import { parseCheckpointBody, parseNote } from '../../chain/note.ts'

const vector = JSON.parse(readFileSync(new URL('../fixtures/vectors/checkpoint.json', import.meta.url), 'utf8')) as {
  seedHex: string; publicKeyHex: string; keyName: string; keyIdHex: string; vkey: string; skey: string; note: string
}

t.test('signing the vector body with the vector seed reproduces the note byte for byte', async (t) => {
  const signer = signerFromSeed(vector.keyName, hexToBytes(vector.seedHex))
  const cp = parseCheckpointBody(parseNote(vector.note).body)
  t.equal(signer.signCheckpoint(cp), vector.note)
  t.equal(signer.vkey, vector.vkey)
  t.equal(signer.skey, vector.skey)
  t.equal(Buffer.from(signer.keyId).toString('hex'), vector.keyIdHex)
  t.equal(Buffer.from(signer.publicKey).toString('hex'), vector.publicKeyHex)
})

t.test('the skey string round-trips to the same verifier key', async (t) => {
  t.equal(parseSkey(vector.skey).vkey, vector.vkey)
})

t.test('the vector note verifies with the vector vkey', async (t) => {
  const r = verifyCheckpoint(vector.note, vector.vkey)
  t.ok(r.ok)
  if (r.ok) t.equal(r.checkpoint.size, 8)
})

t.test('any flipped byte of the note makes verification fail', async (t) => {
  for (let i = 0; i < vector.note.length; i++) {
    const ch = vector.note[i]
    const flipped = vector.note.slice(0, i) + (ch === 'A' ? 'B' : 'A') + vector.note.slice(i + 1)
    if (flipped === vector.note) continue
    t.notOk(verifyCheckpoint(flipped, vector.vkey).ok, `flip at ${i}`)
  }
})
