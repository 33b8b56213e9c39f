// A body that is not well-formed UTF-8 is refused at the byte that breaks it; before, it
// was notarized with U+FFFD in place of the bad bytes, so the client's commitment of its
// own bytes could never match the ledger's.
import t from 'tap'
import fc from 'fast-check'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { firstInvalidUtf8 } from '../../plugins/json-body.ts'

const record = sampleRecords(1)['evidence']

/** The JSON of a POST body with `bad` spliced into the evidence title, and the offset where it starts. */
function bodyWith(bad: number[]): { bytes: Buffer; offset: number } {
  const text = JSON.stringify({ kind: 'evidence', record: { ...record, title: '借款合同MARK' } })
  const [head, tail] = text.split('MARK')
  const h = Buffer.from(head)
  return { bytes: Buffer.concat([h, Buffer.from(bad), Buffer.from(tail)]), offset: h.length }
}

const CASES: [string, number[]][] = [
  ['overlong "/" (C0 AF)', [0xc0, 0xaf]],
  ['overlong NUL (E0 80 80)', [0xe0, 0x80, 0x80]],
  ['encoded surrogate U+D800 (ED A0 80)', [0xed, 0xa0, 0x80]],
  ['stray continuation byte (80)', [0x80]],
  ['truncated sequence (E4 B8 then ")', [0xe4, 0xb8]],
  ['beyond U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['invalid lead byte (FF)', [0xff]],
]

t.test('each kind of ill-formed UTF-8 is a 400 naming its byte offset, and nothing is written', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = { ...(await auth('submitter')), 'content-type': 'application/json' }
  for (const [label, bad] of CASES) {
    const { bytes, offset } = bodyWith(bad)
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: bytes })
    t.equal(res.statusCode, 400, label)
    t.match(res.json(), { type: 'urn:evidence-ledger:problem:malformed-json', offset }, label)
    t.match(res.json().detail, new RegExp(`at offset ${offset}`), label)
  }
  t.equal(app.ledger.log.size, 0, 'the tree did not move')
  const good = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: bodyWith([...Buffer.from('（第2版）')]).bytes })
  t.equal(good.statusCode, 201, 'well-formed Chinese text is accepted')
  t.equal(good.json().statement.kind, 'evidence')
})

t.test('firstInvalidUtf8 agrees with a strict decoder on any bytes', async (t) => {
  const strict = new TextDecoder('utf-8', { fatal: true })
  fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
    let valid = true
    try { strict.decode(bytes) } catch { valid = false }
    const at = firstInvalidUtf8(bytes)
    if (valid) return at === -1
    if (at < 0) return false
    // Everything before the reported offset decodes; the reported sequence does not.
    try { strict.decode(bytes.subarray(0, at)) } catch { return false }
    return true
  }), { numRuns: 5000 })
  t.pass('5000 random byte strings')
})
