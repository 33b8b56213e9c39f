// RFC 3161 time-stamp tokens over checkpoints: the request the ledger sends, and the one
// verifier the service, the CLI and the browser run. A token says "a TSA saw this SHA-256 at
// genTime": with messageImprint = SHA-256 of a checkpoint's signed body, it dates the whole
// tree of that checkpoint by a third party's clock instead of the operator's.
//
// Isomorphic: ASN.1 through @peculiar/asn1-*, digests and signatures through WebCrypto
// (globalThis.crypto.subtle, in Node and in browsers), so it is async. Trust is only what the
// caller passes: the TSA's certificate (signs the token directly) or the CA that issued it
// (then the TSA certificate must come inside the token, as certReq asks, and be signed by it).
import { AsnConvert, OctetString } from '@peculiar/asn1-schema'
import { Attribute, ContentInfo, SignedData, type SignerInfo, id_signedData } from '@peculiar/asn1-cms'
import { AlgorithmIdentifier, Certificate, ExtendedKeyUsage, id_ce_extKeyUsage, id_kp_timeStamping, id_ce_subjectKeyIdentifier, SubjectKeyIdentifier } from '@peculiar/asn1-x509'
import { ECDSASigValue, ECParameters } from '@peculiar/asn1-ecc'
import { MessageImprint, PKIStatus, TSTInfo, TimeStampReq, TimeStampResp, id_ct_tstInfo } from '@peculiar/asn1-tsp'
import { bytesToHex, equalBytes, fromBase64, utf8ToBytes } from './encoding.ts'
import { sha256 } from './hash.ts'
import { parseNote } from './note.ts'

const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  commonName: '2.5.4.3',
} as const

/** DER of the OID id-ct-TSTInfo (1.2.840.113549.1.9.16.1.4), the value of the signed content-type attribute. */
const TST_INFO_OID_DER = new Uint8Array([0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04])

const DIGESTS: Record<string, 'SHA-256' | 'SHA-384' | 'SHA-512'> = { [OID.sha256]: 'SHA-256', [OID.sha384]: 'SHA-384', [OID.sha512]: 'SHA-512' }
/** Signature algorithms that name their hash: it must be the signer's digest algorithm. */
const SIG_HASH: Record<string, string> = {
  [OID.sha256WithRSA]: 'SHA-256', [OID.sha384WithRSA]: 'SHA-384', [OID.sha512WithRSA]: 'SHA-512',
  [OID.ecdsaWithSHA256]: 'SHA-256', [OID.ecdsaWithSHA384]: 'SHA-384', [OID.ecdsaWithSHA512]: 'SHA-512',
}
const CURVES: Record<string, { name: 'P-256' | 'P-384' | 'P-521'; size: number }> = {
  [OID.p256]: { name: 'P-256', size: 32 }, [OID.p384]: { name: 'P-384', size: 48 }, [OID.p521]: { name: 'P-521', size: 66 },
}

/** The bytes a checkpoint's imprint is taken over: its signed body (the lines before the blank line, each with its "\n"). */
export function checkpointImprint(note: string): Uint8Array {
  return sha256(utf8ToBytes(parseNote(note).body))
}

/** DER TimeStampReq: v1, SHA-256 imprint, the nonce, certReq true (the token then carries the TSA certificate). */
export function timestampRequest(imprint: Uint8Array, nonce: Uint8Array): Uint8Array<ArrayBuffer> {
  if (imprint.length !== 32) throw new RangeError('the imprint must be a SHA-256 digest (32 bytes)')
  const req = new TimeStampReq({
    version: 1,
    messageImprint: new MessageImprint({ hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256, parameters: null }), hashedMessage: new OctetString(imprint) }),
    nonce: positiveInteger(nonce),
    certReq: true,
  })
  return new Uint8Array(AsnConvert.serialize(req))
}

/** A DER INTEGER's content for a positive number: a leading 0 when the top bit is set. */
function positiveInteger(bytes: Uint8Array): ArrayBuffer {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  const trimmed = bytes.slice(i)
  const out = trimmed[0] & 0x80 ? new Uint8Array([0, ...trimmed]) : trimmed
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer
}

/** Certificates (DER) from PEM text: one or more "-----BEGIN CERTIFICATE-----" blocks. */
export function parsePemCertificates(pem: string): Uint8Array[] {
  const out: Uint8Array[] = []
  const re = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g
  for (let m = re.exec(pem); m !== null; m = re.exec(pem)) {
    const der = fromBase64(m[1].replace(/\s+/g, ''))
    parseCertificate(der) // a block that is not a certificate is refused here, not at the first token
    out.push(der)
  }
  if (out.length === 0) throw new Error('no "-----BEGIN CERTIFICATE-----" block found')
  return out
}

// The trusted certificates are the same few objects for every token the service checks:
// parsing one with asn1-schema costs ~0.3 ms, so each is parsed once.
const parsedCertificates = new WeakMap<Uint8Array, Certificate>()

function parseCertificate(der: Uint8Array): Certificate {
  const cached = parsedCertificates.get(der)
  if (cached !== undefined) return cached
  let cert: Certificate
  try {
    cert = AsnConvert.parse(der, Certificate)
  } catch (e) {
    throw new Error(`not an X.509 certificate: ${(e as Error).message}`)
  }
  parsedCertificates.set(der, cert)
  return cert
}

export type TimestampResult =
  | {
    ok: true
    /** The TSA's time (TSTInfo genTime). */
    genTime: Date
    /** Accuracy in milliseconds, when the TSA states one. */
    accuracyMs: number | null
    /** TSTInfo serial number, hex. */
    serial: string
    policy: string
    /** Subject common name (or whole subject) of the certificate that signed the token. */
    tsa: string
    nonce: Uint8Array | null
  }
  | { ok: false; reason: string }

interface Parsed {
  signed: SignedData
  tstInfoDer: Uint8Array
  tst: TSTInfo
}

/** The TimeStampToken (a CMS ContentInfo) inside a TimeStampResp, after checking its status. */
export function tokenFromResponse(der: Uint8Array): { ok: true; token: Uint8Array } | { ok: false; reason: string } {
  let resp: TimeStampResp
  try {
    resp = AsnConvert.parse(der, TimeStampResp)
  } catch (e) {
    return { ok: false, reason: `the answer is not a time-stamp response: ${(e as Error).message}` }
  }
  const status = resp.status.status
  if (status !== PKIStatus.granted && status !== PKIStatus.grantedWithMods) {
    const text = resp.status.statusString?.join('; ')
    return { ok: false, reason: `the TSA did not grant a time-stamp (status ${PKIStatus[status] ?? status}${text ? `: ${text}` : ''})` }
  }
  if (resp.timeStampToken === undefined) return { ok: false, reason: 'the TSA granted a time-stamp but sent no token' }
  return { ok: true, token: new Uint8Array(AsnConvert.serialize(resp.timeStampToken)) }
}

function parseToken(der: Uint8Array): Parsed | string {
  // A whole TimeStampResp starts with its status SEQUENCE; a bare token with an OID.
  let token = der
  if (der.length > 2 && isResponse(der)) {
    const r = tokenFromResponse(der)
    if (!r.ok) return r.reason
    token = r.token
  }
  let ci: ContentInfo
  let signed: SignedData
  try {
    ci = AsnConvert.parse(token, ContentInfo)
    if (ci.contentType !== id_signedData) return `the token is CMS ${ci.contentType}, not SignedData`
    signed = AsnConvert.parse(ci.content, SignedData)
  } catch (e) {
    return `the token does not parse as CMS SignedData: ${(e as Error).message}`
  }
  const eci = signed.encapContentInfo
  if (eci.eContentType !== id_ct_tstInfo) return `the token signs content of type ${eci.eContentType}, not a TSTInfo`
  const inner = eci.eContent?.single?.buffer
  if (inner === undefined) return 'the token carries no TSTInfo'
  const tstInfoDer = new Uint8Array(inner)
  try {
    return { signed, tstInfoDer, tst: AsnConvert.parse(tstInfoDer, TSTInfo) }
  } catch (e) {
    return `the token's TSTInfo does not parse: ${(e as Error).message}`
  }
}

/**
 * The bytes a CMS signature with signed attributes covers: their DER as a SET OF (tag 0x31,
 * not the [0] they are carried under). Re-encoded from the parsed attributes (asn1-schema
 * keeps no raw bytes for a repeated field): each value is kept as the raw DER it came in, and
 * the order as it came, which DER had already sorted; a token not in DER fails the signature.
 */
function signedAttributesDer(attrs: readonly Attribute[]): Uint8Array {
  const items = attrs.map((a) => new Uint8Array(AsnConvert.serialize(new Attribute({ attrType: a.attrType, attrValues: a.attrValues }))))
  const body = new Uint8Array(items.reduce((n, i) => n + i.length, 0))
  let off = 0
  for (const i of items) {
    body.set(i, off)
    off += i.length
  }
  return new Uint8Array([0x31, ...derLength(body.length), ...body])
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n]
  const bytes: number[] = []
  for (; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256)
  return [0x80 | bytes.length, ...bytes]
}

/** The first element of the outer SEQUENCE: another SEQUENCE (PKIStatusInfo) or an OID (ContentInfo). */
function isResponse(der: Uint8Array): boolean {
  if (der[0] !== 0x30) return false
  const lenBytes = der[1] & 0x80 ? der[1] & 0x7f : 0
  return der[2 + lenBytes] === 0x30
}

const bufferOf = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer

async function digest(name: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(name, bufferOf(data)))
}

function commonName(cert: Certificate): string {
  for (const rdn of cert.tbsCertificate.subject) {
    for (const atv of rdn) if (atv.type === OID.commonName) return atv.value.toString()
  }
  return `certificate serial ${bytesToHex(new Uint8Array(cert.tbsCertificate.serialNumber))}`
}

/** Whether a SignerInfo's sid names this certificate (issuer + serial, or subject key id). */
function namesCertificate(si: SignerInfo, cert: Certificate): boolean {
  const ias = si.sid.issuerAndSerialNumber
  if (ias !== undefined) {
    return equalBytes(new Uint8Array(AsnConvert.serialize(ias.issuer)), new Uint8Array(AsnConvert.serialize(cert.tbsCertificate.issuer)))
      && equalBytes(stripZeros(new Uint8Array(ias.serialNumber)), stripZeros(new Uint8Array(cert.tbsCertificate.serialNumber)))
  }
  const ski = si.sid.subjectKeyIdentifier
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier)
  if (ski === undefined || ext === undefined) return false
  const mine = AsnConvert.parse(ext.extnValue.buffer, SubjectKeyIdentifier)
  return equalBytes(new Uint8Array(ski.buffer), new Uint8Array(mine.buffer))
}

/** Whether a TSTInfo's nonce is the one sent: both as unsigned big-endian integers (leading zeros do not count). */
export function sameNonce(sent: Uint8Array, returned: Uint8Array | null): boolean {
  return returned !== null && equalBytes(stripZeros(sent), stripZeros(returned))
}

function stripZeros(b: Uint8Array): Uint8Array {
  let i = 0
  while (i < b.length - 1 && b[i] === 0) i++
  return b.subarray(i)
}

/** RFC 3161 §2.3: the TSA's certificate has extendedKeyUsage timeStamping, marked critical. */
function timeStampingEku(cert: Certificate): string | null {
  const ext = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_extKeyUsage)
  if (ext === undefined) return `the certificate of ${commonName(cert)} has no extendedKeyUsage: it is not a time-stamping certificate`
  const eku = AsnConvert.parse(ext.extnValue.buffer, ExtendedKeyUsage)
  if (!eku.includes(id_kp_timeStamping)) return `the certificate of ${commonName(cert)} is not for time-stamping (its extendedKeyUsage lacks timeStamping)`
  if (!ext.critical) return `the certificate of ${commonName(cert)} has a non-critical extendedKeyUsage (RFC 3161 requires it critical)`
  return null
}

/** Verifies `signature` over `data` with a certificate's public key (RSA PKCS#1 v1.5 or ECDSA). */
async function verifyWith(cert: Certificate, hash: string, signature: Uint8Array, data: Uint8Array): Promise<boolean | string> {
  const spki = cert.tbsCertificate.subjectPublicKeyInfo
  const der = bufferOf(new Uint8Array(AsnConvert.serialize(spki)))
  const alg = spki.algorithm.algorithm
  try {
    if (alg === OID.rsaEncryption) {
      const key = await crypto.subtle.importKey('spki', der, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify'])
      return await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, bufferOf(signature), bufferOf(data))
    }
    if (alg === OID.ecPublicKey) {
      const params = spki.algorithm.parameters
      const curveOid = params ? AsnConvert.parse(params, ECParameters).namedCurve : undefined
      const curve = curveOid === undefined ? undefined : CURVES[curveOid]
      if (curve === undefined) return `unsupported elliptic curve ${curveOid ?? '(not named)'}`
      const key = await crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: curve.name }, false, ['verify'])
      // CMS carries ECDSA signatures as DER (r, s); WebCrypto takes r ‖ s, each padded to the curve size.
      let raw: Uint8Array
      try {
        const sig = AsnConvert.parse(signature, ECDSASigValue)
        raw = new Uint8Array([...fixed(new Uint8Array(sig.r), curve.size), ...fixed(new Uint8Array(sig.s), curve.size)])
      } catch {
        return false
      }
      return await crypto.subtle.verify({ name: 'ECDSA', hash }, key, bufferOf(raw), bufferOf(data))
    }
  } catch (e) {
    return `cannot use the key of ${commonName(cert)}: ${(e as Error).message}`
  }
  return `unsupported public key algorithm ${alg} (RSA and ECDSA are supported)`
}

function fixed(n: Uint8Array, size: number): Uint8Array {
  const s = stripZeros(n)
  if (s.length > size) throw new RangeError('integer too long')
  const out = new Uint8Array(size)
  out.set(s, size - s.length)
  return out
}

/** The hash a certificate's own signature uses, from its signature algorithm. */
function certSignatureHash(cert: Certificate): string | undefined {
  return SIG_HASH[cert.signatureAlgorithm.algorithm]
}

function within(cert: Certificate, at: Date): boolean {
  const v = cert.tbsCertificate.validity
  return at >= v.notBefore.getTime() && at <= v.notAfter.getTime()
}

/**
 * Finds the certificate that signed the token and checks it is trusted: one of `trusted`
 * itself, or a certificate inside the token signed by one of `trusted` (the TSA's CA).
 */
async function signerCertificate(si: SignerInfo, embedded: Certificate[], trusted: Certificate[], genTime: Date): Promise<Certificate | string> {
  const direct = trusted.find((c) => namesCertificate(si, c))
  if (direct !== undefined) return direct
  const inToken = embedded.find((c) => namesCertificate(si, c))
  if (inToken === undefined) {
    return `the token was signed by a TSA other than the configured one (its signer is not ${trusted.map(commonName).join(' or ')}, and the token carries no certificate for it)`
  }
  const issuers = trusted.filter((ca) => equalBytes(new Uint8Array(AsnConvert.serialize(ca.tbsCertificate.subject)), new Uint8Array(AsnConvert.serialize(inToken.tbsCertificate.issuer))))
  const hash = certSignatureHash(inToken)
  if (hash !== undefined && inToken.tbsCertificateRaw !== undefined) {
    for (const ca of issuers) {
      const ok = await verifyWith(ca, hash, new Uint8Array(inToken.signatureValue), new Uint8Array(inToken.tbsCertificateRaw))
      if (ok === true) {
        if (!within(ca, genTime)) return `the CA certificate ${commonName(ca)} was not valid at the token's time ${genTime.toISOString()}`
        return inToken
      }
    }
  }
  return `the token was signed by a TSA other than the configured one (${commonName(inToken)}'s certificate is not issued by ${trusted.map(commonName).join(' or ')})`
}

/**
 * Checks an RFC 3161 token (a TimeStampToken, or a whole TimeStampResp) for `message`: it
 * parses, its status is granted, its imprint is the SHA-256 of `message`, the signed
 * attributes' messageDigest is the digest of its TSTInfo, the signature verifies with the
 * trusted TSA certificate's key (or a TSA certificate in the token issued by a trusted CA),
 * and that certificate is a time-stamping certificate valid at genTime. Returns genTime.
 */
export async function verifyTimestampToken(token: Uint8Array, message: Uint8Array, trustedDer: readonly Uint8Array[]): Promise<TimestampResult> {
  const fail = (reason: string): TimestampResult => ({ ok: false, reason })
  if (trustedDer.length === 0) return fail('no TSA certificate to check the token with')
  let trusted: Certificate[]
  try {
    trusted = trustedDer.map(parseCertificate)
  } catch (e) {
    return fail(`the TSA certificate: ${(e as Error).message}`)
  }
  const p = parseToken(token)
  if (typeof p === 'string') return fail(p)
  const { tst, signed, tstInfoDer } = p

  const mi = tst.messageImprint
  if (mi.hashAlgorithm.algorithm !== OID.sha256) return fail(`the token's imprint uses ${mi.hashAlgorithm.algorithm}, not SHA-256`)
  const expected = sha256(message)
  const imprint = new Uint8Array(mi.hashedMessage.buffer)
  if (!equalBytes(imprint, expected)) {
    return fail(`the token is for another document: its imprint is ${bytesToHex(imprint)}, this checkpoint's is ${bytesToHex(expected)}`)
  }

  if (signed.signerInfos.length !== 1) return fail(`the token has ${signed.signerInfos.length} signers, a time-stamp token has exactly one`)
  const si = signed.signerInfos[0]
  const hashName = DIGESTS[si.digestAlgorithm.algorithm]
  if (hashName === undefined) return fail(`the token's digest algorithm ${si.digestAlgorithm.algorithm} is not supported (SHA-256/384/512)`)
  const sigHash = SIG_HASH[si.signatureAlgorithm.algorithm]
  if (sigHash !== undefined && sigHash !== hashName) return fail(`the token's signature algorithm uses ${sigHash} but its digest algorithm is ${hashName}`)

  // RFC 5652 §5.4: with signed attributes, the signature covers their DER (as a SET), and
  // their messageDigest must be the digest of the content, here the TSTInfo.
  const attrs = si.signedAttrs
  if (attrs === undefined || attrs.length === 0) return fail('the token has no signed attributes (RFC 3161 requires them)')
  const ct = attrs.find((a) => a.attrType === OID.contentType)
  if (ct === undefined || ct.attrValues.length !== 1 || !equalBytes(new Uint8Array(ct.attrValues[0]), TST_INFO_OID_DER)) {
    return fail('the token\'s signed content-type attribute is missing or is not TSTInfo')
  }
  const md = attrs.find((a) => a.attrType === OID.messageDigest)
  if (md === undefined || md.attrValues.length !== 1) return fail('the token has no signed messageDigest attribute')
  const signedDigest = new Uint8Array(AsnConvert.parse(md.attrValues[0], OctetString).buffer)
  const tstDigest = await digest(hashName, tstInfoDer)
  if (!equalBytes(signedDigest, tstDigest)) return fail('the token\'s TSTInfo was altered: its digest does not match the signed messageDigest attribute')

  const genTime = tst.genTime
  const embedded = (signed.certificates ?? []).flatMap((c) => (c.certificate ? [c.certificate] : []))
  const cert = await signerCertificate(si, embedded, trusted, genTime)
  if (typeof cert === 'string') return fail(cert)
  const eku = timeStampingEku(cert)
  if (eku !== null) return fail(eku)
  if (!within(cert, genTime)) return fail(`the TSA certificate of ${commonName(cert)} was not valid at the token's time ${genTime.toISOString()}`)

  const ok = await verifyWith(cert, hashName, new Uint8Array(si.signature.buffer), signedAttributesDer(attrs))
  if (typeof ok === 'string') return fail(ok)
  if (!ok) return fail(`the token's signature does not verify with the key of ${commonName(cert)}: it was signed by another key or altered`)

  const acc = tst.accuracy
  const accuracyMs = acc === undefined ? null : (acc.seconds ?? 0) * 1000 + (acc.millis ?? 0) + (acc.micros ?? 0) / 1000
  return {
    ok: true, genTime, accuracyMs, serial: bytesToHex(new Uint8Array(tst.serialNumber)), policy: tst.policy, tsa: commonName(cert),
    nonce: tst.nonce === undefined ? null : stripZeros(new Uint8Array(tst.nonce)),
  }
}
