// 存证证明: fields from a real bundle, a real PDF read back as text and as pixels (the QR
// decodes to the public verification URL), and no certificate for a failed verification.
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { allPassed, verifyBundle, type EvidenceBundleV2 } from '../../chain/verify.ts'
import {
  CertificateRefusedError, certificateFields, certificateNumber, renderCertificatePdf, verifierKeyFingerprint,
  verifyForCertificate, type CertificateContext, type CertificateFields,
} from '../../src/certificate/index.ts'
import { beijingTime, byteSize, money } from '../../src/certificate/format.ts'
import { wrapText } from '../../src/certificate/wrap.ts'
import { makeApp, sampleRecords, type TestApp } from '../helpers/app.ts'
import { decodeQr, pdfText, renderPage } from '../helpers/pdf.ts'

const run = promisify(execFile)
const OUTPUT = new URL('../../test-output/', import.meta.url).pathname
const BASE = 'https://ledger.example'
const CONTEXT: Omit<CertificateContext, 'issuedAt'> = { baseUrl: BASE, issuer: { operator: '郑州数据存证服务中心', area: '河南省郑州市' } }

async function vkeyOf(app: TestApp['app']): Promise<string> {
  return (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
}

/** A data authorization (valid until 2099, so only its revocation ends it), then its revocation. */
async function revokedAuthorization(t: Parameters<typeof makeApp>[0]) {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  const rec = sampleRecords(7)
  const authorization = { ...rec['data-authorization'], validUntil: '2099-01-01T00:00:00Z' }
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(200 + i).evidence } })
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: authorization } })).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: rec['authorization-revocation'] } })).statusCode, 201)
  const res = await app.inject({ url: '/v1/evidence/data-authorization/AUTH-7', headers: await auth('court') })
  t.equal(res.statusCode, 200)
  return { bundle: res.json() as EvidenceBundleV2, vkey: await vkeyOf(app) }
}

async function financingApplication(t: Parameters<typeof makeApp>[0]) {
  const { app, auth } = await makeApp(t)
  const record = sampleRecords(3)['financing-application']
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: await auth('submitter'), payload: { kind: 'financing-application', record } })).statusCode, 201)
  const res = await app.inject({ url: '/v1/evidence/financing-application/APP-3', headers: await auth('court') })
  return { bundle: res.json() as EvidenceBundleV2, vkey: await vkeyOf(app) }
}

/** Whitespace is where the PDF wrapped a line; the reader sees the words, not the breaks. */
const squash = (s: string): string => s.replace(/\s+/g, '')

/** The same +8 h shift done by hand, independent of the module's formatter. */
function beijingByHand(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString()
  const ms = shifted.slice(20, 23)
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}${ms === '000' ? '' : '.' + ms} (UTC+8 北京时间)`
}

t.test('formats: 北京时间 with the zone, 人民币, bytes, certificate number', async (t) => {
  t.equal(beijingTime('2026-12-01T08:00:00Z'), '2026-12-01 16:00:00 (UTC+8 北京时间)')
  t.equal(beijingTime('2026-12-31T16:30:00.250Z'), '2027-01-01 00:30:00.250 (UTC+8 北京时间)', 'crosses the date line, keeps milliseconds')
  t.equal(beijingTime('2026-12-01T10:00:00+08:00'), '2026-12-01 10:00:00 (UTC+8 北京时间)')
  t.equal(money({ value: '500000.00', currency: 'CNY' }), '人民币 500,000.00 元')
  t.equal(money({ value: '1234567.5', currency: 'CNY' }), '人民币 1,234,567.50 元')
  t.equal(money({ value: '0', currency: 'CNY' }), '人民币 0.00 元')
  t.equal(byteSize(123456), '123,456 字节')
  const leaf = 'ab'.repeat(32)
  const n = certificateNumber(leaf, '2026-12-01T08:00:00.000Z')
  t.match(n, /^EL-20261201-[0-9a-f]{12}$/)
  t.equal(certificateNumber(leaf, '2026-12-01T08:00:00.000Z'), n, 'deterministic')
  t.not(certificateNumber(leaf, '2026-12-01T08:00:00.001Z'), n, 'another issue time, another number')
  t.equal(certificateNumber(leaf, '2026-12-01T16:00:00.000Z').slice(0, 12), 'EL-20261202-', 'the date is the Beijing date')
  t.same(wrapText('ab cd', 1000, (s) => s.length), ['ab cd'])
  t.same(wrapText('abcdef', 3, (s) => s.length), ['abc', 'def'], 'a run wider than the cell breaks inside')
  t.same(wrapText('存证证明', 2, (s) => s.length), ['存证', '证明'])
})

t.test('a revoked data authorization: every field in the PDF, 已撤回 first, the QR opens /v/<leafHash>', async (t) => {
  const { bundle, vkey } = await revokedAuthorization(t)
  const verification = verifyForCertificate(bundle, vkey)
  t.ok(allPassed(verification.steps), 'the bundle verifies')
  const issuedAt = new Date()
  const fields = certificateFields({ bundle, verification, context: { ...CONTEXT, issuedAt } })
  const s = bundle.statement
  const revocation = bundle.related.find((r) => r.statement.kind === "authorization-revocation")!.statement

  t.equal(fields.kindName, '数据授权')
  t.equal(fields.consent?.status, 'revoked')
  t.equal(fields.consent?.statusName, '已撤回')
  t.equal(fields.consent?.revokedAt, beijingByHand(revocation.time), 'revocation time is the revocation entry\'s ledger time, 北京时间')
  t.equal(fields.qrPayload, `${BASE}/v/${bundle.entry.leafHash}`)
  t.equal(fields.number, certificateNumber(bundle.entry.leafHash, issuedAt.toISOString()))
  t.equal(fields.verifierKeyFingerprint, verifierKeyFingerprint(vkey))
  t.match(fields.checkpoint.keyId, /^test\.example\/ledger\+[0-9a-f]{8}$/)

  const pdf = await renderCertificatePdf(fields)
  t.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-')
  t.ok(pdf.length < 200_000, `a subset font keeps the PDF small (${pdf.length} bytes)`)
  // Buffer#equals, not t.same: a byte-by-byte diff of two PDFs takes tap minutes to print.
  t.ok(Buffer.from(await renderCertificatePdf(fields)).equals(Buffer.from(pdf)), 'the same fields render the same bytes')

  const pages = await pdfText(pdf)
  const text = squash(pages.join(''))
  const expected: [string, string][] = [
    ['title', '存证证明'],
    ['certificate number', fields.number],
    ['issue time', beijingByHand(issuedAt.toISOString())],
    ['kind', '数据授权'],
    ['business id', 'AUTH-7'],
    ['enterprise name', '郑州示例科技有限公司'],
    ['enterprise USCC', s.subject],
    ['submitter', s.submitter],
    ['ledger time', beijingByHand(s.time)],
    ['consent status', '已撤回'],
    ['revocation time', beijingByHand(revocation.time)],
    ['consent rule', '撤回自撤回记录的上链时间起生效'],
    ['grantee', '郑州银行（机构编码C1234567890）'],
    ['data categories', '税务、发票'],
    ['consent method', '电子签名'],
    ['valid from', beijingByHand('2026-01-01T00:00:00Z')],
    ['commitment', s.commitment],
    ['leaf hash', bundle.entry.leafHash],
    ['entry index', `条目序号${bundle.entry.index}`],
    ['block height', `区块高度${bundle.block.height}`],
    ['block hash', fields.blockHash],
    ['tree size', `树大小${bundle.inclusion.treeSize}`],
    ['checkpoint origin', 'test.example/ledger'],
    ['signer key id', fields.checkpoint.keyId],
    ['verifier key fingerprint', fields.verifierKeyFingerprint],
    ['CLI', 'npx evidence-ledger verify evidence-data-authorization-AUTH-7.json --key ledger.vkey'],
    ['verify page URL', `${BASE}/verify`],
    ['public URL', fields.qrPayload],
    ['issuer', '郑州数据存证服务中心（河南省郑州市）'],
    ['time source', '账本时间取自运营方服务器时钟'],
    ['verification result', '检查点签名有效通过'],
  ]
  for (const [what, value] of expected) t.ok(text.includes(squash(value)), `${what}: ${value}`)
  t.ok(squash(pages[0]).indexOf('已撤回REVOKED') < squash(pages[0]).indexOf('存证信息'), 'the revoked banner comes before the fields')
  t.notOk(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(pages.join('')), 'no UTC ISO times on the certificate')

  const page = await renderPage(pdf, 1, 2)
  mkdirSync(OUTPUT, { recursive: true })
  const pngPath = join(OUTPUT, 'certificate-revoked-authorization.png')
  writeFileSync(pngPath, page.png)
  writeFileSync(join(OUTPUT, 'certificate-revoked-authorization.pdf'), pdf)
  t.equal(decodeQr(page.rgba, page.width, page.height), fields.qrPayload, `the QR on the rendered page decodes to the /v/ URL (${pngPath})`)
  // The later pages too, for a person to look at (the layout is judged by eye, not asserted).
  for (let n = 2; n <= page.pages; n++) writeFileSync(join(OUTPUT, `certificate-revoked-authorization-p${n}.png`), (await renderPage(pdf, n, 2)).png)

  t.test('poppler reads the same text (independent reader)', { skip: existsSync('/usr/bin/pdftotext') ? false : '/usr/bin/pdftotext is missing (Debian poppler-utils; .ci/run installs it)' }, async (t) => {
    const file = join(tmpdir(), `certificate-${process.pid}.pdf`)
    writeFileSync(file, pdf)
    t.teardown(() => run('rm', ['-f', file]))
    const { stdout } = await run('/usr/bin/pdftotext', ['-enc', 'UTF-8', file, '-'])
    for (const value of ['存证证明', '已撤回', fields.number, fields.issuedAt, bundle.entry.leafHash, '人民币'].slice(0, 5)) {
      t.ok(squash(stdout).includes(squash(value)), `pdftotext finds ${value}`)
    }
    const { stdout: fonts } = await run('/usr/bin/pdffonts', [file])
    t.match(fonts, /[A-Z]{6}\+NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes/, 'Noto Sans SC is embedded, named as a subset')
  })
})

t.test('a financing application: money in 人民币 and the attachment hashes', async (t) => {
  const { bundle, vkey } = await financingApplication(t)
  const fields = certificateFields({ bundle, verification: verifyForCertificate(bundle, vkey), context: { ...CONTEXT, issuedAt: '2026-12-01T08:00:00Z' } })
  t.equal(fields.consent, null, 'consent status is for data authorizations only')
  t.same(fields.documents, [{ name: 'license.pdf', size: '123,456 字节', bytes: 123456, sha256: 'ab'.repeat(32) }])
  t.equal(fields.issuedAt, '2026-12-01 16:00:00 (UTC+8 北京时间)')
  const text = squash((await pdfText(await renderCertificatePdf(fields))).join(''))
  for (const value of ['融资申请', 'APP-3', '人民币 500,000.00 元', '12 个月', '郑好融·税易贷', 'license.pdf', '123,456 字节', 'ab'.repeat(32), '2026-12-01 16:00:00 (UTC+8 北京时间)', beijingByHand('2026-11-23T10:00:00.000+08:00')]) {
    t.ok(text.includes(squash(value)), value)
  }
  t.notOk(text.includes('REVOKED'), 'no banner on a plain application')
})

t.test('no certificate for a failed verification', async (t) => {
  const { bundle, vkey } = await revokedAuthorization(t)
  const context = { ...CONTEXT, issuedAt: new Date() }
  const tampered = structuredClone(bundle)
  ;(tampered.record as { purpose: string }).purpose = 'marketing'
  const failed = verifyForCertificate(tampered, vkey)
  t.notOk(allPassed(failed.steps))
  t.throws(() => certificateFields({ bundle: tampered, verification: failed, context }), CertificateRefusedError, 'fields refuse a failed verification')

  const good: CertificateFields = certificateFields({ bundle, verification: verifyForCertificate(bundle, vkey), context })
  await t.rejects(renderCertificatePdf({ ...good, verification: { steps: failed.steps } }), CertificateRefusedError, 'rendering refuses failed steps, whatever the other fields say')
  await t.rejects(renderCertificatePdf({ ...good, verification: { steps: [] } }), CertificateRefusedError, 'and an empty result')
  const withoutInclusion = good.verification.steps.map((s) => (s.step === 'inclusion' ? { ...s, ok: null } : s))
  await t.rejects(renderCertificatePdf({ ...good, verification: { steps: withoutInclusion } }), CertificateRefusedError, 'core steps must pass, not be "n/a"')
  t.throws(() => certificateFields({ bundle, verification: { vkey, steps: verifyBundle(bundle, 'test.example/other+00000000+AQ==') } , context }), CertificateRefusedError, 'a wrong key is a failed verification')
})

t.test('a hash-only authorization: the revocation is still stated, the validity dates are not invented', async (t) => {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  const rec = sampleRecords(9)
  const subject = rec['data-authorization'].grantor.uscc
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', id: 'AUTH-9', subject, commitment: 'sha256:' + 'cd'.repeat(32) } })).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: rec['authorization-revocation'] } })).statusCode, 201)
  const bundle = (await app.inject({ url: '/v1/evidence/data-authorization/AUTH-9', headers: await auth('court') })).json() as EvidenceBundleV2
  const fields = certificateFields({ bundle, verification: verifyForCertificate(bundle, await vkeyOf(app)), context: { ...CONTEXT, issuedAt: new Date() } })
  t.equal(fields.enterprise.name, null)
  t.equal(fields.enterprise.uscc, subject, 'the USCC comes from the statement when there is no record')
  t.equal(fields.consent?.status, 'revoked')
  t.equal(fields.consent?.validUntil, null)
  const text = squash((await pdfText(await renderCertificatePdf(fields))).join(''))
  for (const value of ['已撤回REVOKED', '（记录未载明）', '有效期无法核对', '不适用（记录已删除或仅存哈希', 'sha256:' + 'cd'.repeat(32)]) t.ok(text.includes(squash(value)), value)
})

t.test('GET /v1/evidence/:kind/:id/certificate.pdf: court only, the v2 bundle\'s proven revocation on it, the QR opens /v/<leafHash>', async (t) => {
  const { app, auth } = await makeApp(t, { CERT_ISSUER: '郑州数据存证服务中心', CERT_AREA: '河南省郑州市', PUBLIC_BASE_URL: 'https://ledger.example/' })
  const bank = await auth('submitter')
  const rec = sampleRecords(7)
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: { ...rec['data-authorization'], validUntil: '2099-01-01T00:00:00Z' } } })).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: rec['authorization-revocation'] } })).statusCode, 201)
  const url = '/v1/evidence/data-authorization/AUTH-7/certificate.pdf'
  t.equal((await app.inject({ url, headers: await auth('auditor') })).statusCode, 403, 'auditors get no certificate')
  t.equal((await app.inject({ url })).statusCode, 401)
  t.equal((await app.inject({ url: '/v1/evidence/data-authorization/NOPE/certificate.pdf', headers: await auth('court') })).statusCode, 404)
  const res = await app.inject({ url, headers: await auth('court') })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/pdf/)
  t.match(res.headers['content-disposition'], /certificate-data-authorization-AUTH-7\.pdf/)
  const pdf = new Uint8Array(res.rawPayload)
  const bundle = (await app.inject({ url: '/v1/evidence/data-authorization/AUTH-7', headers: await auth('court') })).json() as EvidenceBundleV2
  const revocation = bundle.related[0].statement
  const text = squash((await pdfText(pdf)).join(''))
  for (const value of ['存证证明', '已撤回', beijingByHand(revocation.time), 'AUTH-7', bundle.entry.leafHash, '郑州数据存证服务中心', '河南省郑州市', 'https://ledger.example/v1/keys', verifierKeyFingerprint(await vkeyOf(app))]) {
    t.ok(text.includes(squash(value)), value)
  }
  const page = await renderPage(pdf, 1, 2)
  t.equal(decodeQr(page.rgba, page.width, page.height), `https://ledger.example/v/${bundle.entry.leafHash}`, 'the QR decodes to the public page')
})

t.test('PUBLIC_BASE_URL must be an http(s) URL', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.ts')
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'not a url' }), ConfigError)
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://x.example' }), ConfigError)
  t.equal(loadConfig({ PUBLIC_BASE_URL: 'https://ledger.example/' }).certificate.baseUrl, 'https://ledger.example')
})
