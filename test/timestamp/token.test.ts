// chain/timestamp.ts against a real TSA (openssl ts -reply over HTTP, test/helpers/tsa.ts):
// its tokens verify, and a token for another checkpoint, from another TSA key, altered, or
// from a certificate that is not for time-stamping is refused with the reason.
import t, { type Test } from 'tap'
import { existsSync } from 'node:fs'
import { AsnConvert } from '@peculiar/asn1-schema'
import { PKIFreeText, PKIStatus, PKIStatusInfo, TimeStampResp } from '@peculiar/asn1-tsp'
import { checkpointImprint, parsePemCertificates, timestampRequest, tokenFromResponse, verifyTimestampToken } from '../../chain/timestamp.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { parseNote } from '../../chain/note.ts'
import { makeTsaKeys, OPENSSL, reissueTsaCert, startTsa, type TestTsa } from '../helpers/tsa.ts'

// .ci/run installs Debian's openssl when it is missing.
if (!existsSync(OPENSSL)) throw new Error(`${OPENSSL} is missing: apt-get install openssl`)

const NOTE_A = 'test.example/ledger\n5\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n\u2014 test.example/ledger AAAAAAAA\n'
const NOTE_B = 'test.example/ledger\n6\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n\u2014 test.example/ledger AAAAAAAA\n'
const bodyOf = (note: string) => utf8ToBytes(parseNote(note).body)

async function stamp(t: Test, tsa: TestTsa, note: string, nonce = crypto.getRandomValues(new Uint8Array(8))): Promise<{ response: Uint8Array; token: Uint8Array }> {
  const res = await fetch(tsa.url, { method: 'POST', headers: { 'content-type': 'application/timestamp-query' }, body: timestampRequest(checkpointImprint(note), nonce) })
  t.equal(res.status, 200)
  t.equal(res.headers.get('content-type'), 'application/timestamp-reply')
  const response = new Uint8Array(await res.arrayBuffer())
  const r = tokenFromResponse(response)
  if (!r.ok) throw new Error(r.reason)
  return { response, token: r.token }
}

t.test('tokens from an RSA and an ECDSA TSA verify, with the TSA certificate or its CA', async (t) => {
  for (const keyType of ['rsa', 'ec'] as const) {
    const tsa = await startTsa(t, makeTsaKeys(t, { keyType }))
    const nonce = new Uint8Array([0x80, 1, 2, 3, 4, 5, 6, 7])
    const before = Date.now()
    const { response, token } = await stamp(t, tsa, NOTE_A, nonce)
    for (const [what, pem] of [['TSA certificate', tsa.keys.tsaPem], ['CA', tsa.keys.caPem], ['chain', tsa.keys.tsaPem + tsa.keys.caPem]] as const) {
      const r = await verifyTimestampToken(token, bodyOf(NOTE_A), parsePemCertificates(pem))
      t.ok(r.ok, `${keyType}: trusted via the ${what}`)
      if (!r.ok) continue
      t.equal(r.tsa, 'evidence-ledger test TSA')
      t.same([...r.nonce!], [...nonce], 'the nonce sent comes back in the TSTInfo')
      t.equal(r.accuracyMs, 1000)
      // The TSA's clock is this machine's: genTime lies around now (second precision).
      t.ok(r.genTime.getTime() >= Math.floor(before / 1000) * 1000 - 1000 && r.genTime.getTime() <= Date.now() + 1000, `genTime ${r.genTime.toISOString()} is now`)
    }
    // The whole TimeStampResp is accepted too (status checked).
    t.ok((await verifyTimestampToken(response, bodyOf(NOTE_A), parsePemCertificates(tsa.keys.tsaPem))).ok)
  }
})

t.test('a token for another checkpoint fails', async (t) => {
  const tsa = await startTsa(t)
  const { token } = await stamp(t, tsa, NOTE_A)
  const r = await verifyTimestampToken(token, bodyOf(NOTE_B), parsePemCertificates(tsa.keys.tsaPem))
  t.notOk(r.ok)
  t.match(!r.ok && r.reason, /token is for another document: its imprint is [0-9a-f]{64}, this checkpoint's is [0-9a-f]{64}/)
})

t.test('a token from another TSA key fails', async (t) => {
  const ours = makeTsaKeys(t)
  const other = await startTsa(t, makeTsaKeys(t, { caName: 'another CA' }))
  const { token } = await stamp(t, other, NOTE_A)
  for (const pem of [ours.tsaPem, ours.caPem]) {
    const r = await verifyTimestampToken(token, bodyOf(NOTE_A), parsePemCertificates(pem))
    t.notOk(r.ok)
    t.match(!r.ok && r.reason, /signed by a TSA other than the configured one/)
  }
  // A look-alike: same CA name, same TSA certificate serial (so the signer id matches ours),
  // but another key. Only the signature check can tell, and it does.
  const twin = await startTsa(t, makeTsaKeys(t))
  const { token: twinToken } = await stamp(t, twin, NOTE_A)
  const direct = await verifyTimestampToken(twinToken, bodyOf(NOTE_A), parsePemCertificates(ours.tsaPem))
  t.match(!direct.ok && direct.reason, /signature does not verify with the key of evidence-ledger test TSA/)
  const viaCa = await verifyTimestampToken(twinToken, bodyOf(NOTE_A), parsePemCertificates(ours.caPem))
  t.match(!viaCa.ok && viaCa.reason, /signed by a TSA other than the configured one .*not issued by/)
})

t.test('an altered token fails', async (t) => {
  const tsa = await startTsa(t)
  const { token } = await stamp(t, tsa, NOTE_A)
  const certs = parsePemCertificates(tsa.keys.tsaPem)
  t.ok((await verifyTimestampToken(token, bodyOf(NOTE_A), certs)).ok)
  // genTime ("YYYYMMDDhhmmssZ" in the TSTInfo): move it a year.
  const year = String(new Date().getUTCFullYear())
  const text = Buffer.from(token).toString('latin1')
  const at = text.search(new RegExp(`${year}\\d{10}Z`))
  t.ok(at > 0, 'genTime found in the token')
  const moved = new Uint8Array(token)
  moved[at + 3] = moved[at + 3] === 0x39 ? 0x38 : moved[at + 3] + 1
  const r1 = await verifyTimestampToken(moved, bodyOf(NOTE_A), certs)
  t.match(!r1.ok && r1.reason, /TSTInfo was altered: its digest does not match the signed messageDigest/)
  // The RSA signature is the token's last bytes.
  const sig = new Uint8Array(token)
  sig[sig.length - 1] ^= 1
  const r2 = await verifyTimestampToken(sig, bodyOf(NOTE_A), certs)
  t.match(!r2.ok && r2.reason, /signature does not verify/)
  const r3 = await verifyTimestampToken(token.subarray(0, 100), bodyOf(NOTE_A), certs)
  t.match(!r3.ok && r3.reason, /does not parse/)
})

t.test('a signer certificate without a critical timeStamping extended key usage is refused', async (t) => {
  const tsa = await startTsa(t)
  const { token } = await stamp(t, tsa, NOTE_A)
  // The same key and serial, certified without the key usage (or with it not critical).
  const serverAuth = reissueTsaCert(tsa.keys, 'extendedKeyUsage = critical,serverAuth')
  const r1 = await verifyTimestampToken(token, bodyOf(NOTE_A), parsePemCertificates(serverAuth))
  t.match(!r1.ok && r1.reason, /is not for time-stamping \(its extendedKeyUsage lacks timeStamping\)/)
  const none = reissueTsaCert(tsa.keys, 'basicConstraints = CA:FALSE')
  const r2 = await verifyTimestampToken(token, bodyOf(NOTE_A), parsePemCertificates(none))
  t.match(!r2.ok && r2.reason, /has no extendedKeyUsage/)
  const notCritical = reissueTsaCert(tsa.keys, 'extendedKeyUsage = timeStamping')
  const r3 = await verifyTimestampToken(token, bodyOf(NOTE_A), parsePemCertificates(notCritical))
  t.match(!r3.ok && r3.reason, /non-critical extendedKeyUsage/)
})

t.test('a rejection is reported with the TSA\'s words', async (t) => {
  const rejection = new Uint8Array(AsnConvert.serialize(new TimeStampResp({ status: new PKIStatusInfo({ status: PKIStatus.rejection, statusString: new PKIFreeText(['unsupported algorithm']) }) })))
  const r = tokenFromResponse(rejection)
  t.notOk(r.ok)
  t.equal(!r.ok && r.reason, 'the TSA did not grant a time-stamp (status rejection: unsupported algorithm)')
  const v = await verifyTimestampToken(rejection, bodyOf(NOTE_A), parsePemCertificates(makeTsaKeys(t).tsaPem))
  t.equal(!v.ok && v.reason, 'the TSA did not grant a time-stamp (status rejection: unsupported algorithm)')
  t.match(tokenFromResponse(new Uint8Array([1, 2, 3])), { ok: false, reason: /not a time-stamp response/ })
})

t.test('PEM parsing refuses what is not a certificate', async (t) => {
  t.throws(() => parsePemCertificates('hello'), /no "-----BEGIN CERTIFICATE-----" block/)
  t.throws(() => parsePemCertificates('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /not an X.509 certificate/)
})
