import t from 'tap'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import type { EvidenceBundleV2 } from '../../chain/verify.ts'
import { generateCosigner } from '../../chain/cosigner.ts'
import { hexToBytes } from '../../chain/encoding.ts'
import { parseNote } from '../../chain/note.ts'
import { formatTlogProof } from '../../chain/tlog-proof.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { CHROMIUM, launchBrowser } from '../helpers/browser.ts'

const OUT = new URL('../../test-output/', import.meta.url).pathname
const skip = existsSync(CHROMIUM) ? false : 'needs Debian chromium (.ci/run installs it)'

interface Shown { verdict: string; pass: number; fail: number; failed: string[]; print: number; state: string }

async function verifyIn(page: Page, vkey: string, bundle: string): Promise<Shown> {
  await page.fill('#vkey', vkey)
  await page.fill('#bundle', bundle)
  await page.click('#verify')
  await page.waitForSelector('#verdict:not(:empty)')
  return shown(page)
}

function shown(page: Page): Promise<Shown> {
  return page.evaluate(() => ({
    verdict: document.getElementById('verdict')!.textContent ?? '',
    pass: document.querySelectorAll('#steps li.pass').length,
    fail: document.querySelectorAll('#steps li.fail').length,
    failed: [...document.querySelectorAll<HTMLElement>('#steps li.fail')].map((li) => li.dataset.step ?? ''),
    print: document.querySelectorAll('#print').length,
    state: document.getElementById('state')!.hidden ? '' : document.getElementById('state')!.textContent ?? '',
  }))
}

/** A financing application (with an attachment) and a data authorization valid until 2099 that was then revoked. */
async function ledgerWithBundles(t: Parameters<typeof makeApp>[0]) {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  const rec = sampleRecords(7)
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(1).evidence } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'financing-application', record: sampleRecords(2)['financing-application'] } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'data-authorization', record: { ...rec['data-authorization'], validUntil: '2099-01-01T00:00:00Z' } } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'authorization-revocation', record: rec['authorization-revocation'] } })
  const court = await auth('court')
  const application = (await app.inject({ url: '/v1/evidence/financing-application/APP-2', headers: court })).json() as EvidenceBundleV2
  const revoked = (await app.inject({ url: '/v1/evidence/data-authorization/AUTH-7', headers: court })).json() as EvidenceBundleV2
  const vkey = (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  mkdirSync(OUT, { recursive: true })
  return { app, application, revoked, vkey, base }
}

function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  return errors
}

t.test('/verify: state first, values for people, print only for the passed result on screen, also saved as a file', { skip }, async (t) => {
  const { app, application, revoked, vkey, base } = await ledgerWithBundles(t)
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
  const errors = collectErrors(page)
  t.equal((await page.goto(`${base}/verify`))?.status(), 200)

  const good = await verifyIn(page, vkey, JSON.stringify(application))
  t.match(good.verdict, /Verified/)
  t.equal(good.fail, 0)
  t.equal(good.print, 1, 'a passed bundle can be printed')
  t.equal(good.state, '', 'no state banner for a plain application')
  const details = await page.locator('#details').innerText()
  t.match(details, /郑州示例科技有限公司/, 'the enterprise')
  t.match(details, /人民币 500,000\.00 元/, 'money for people')
  t.match(details, /\(UTC\+8 北京时间\)/, 'times in 北京时间 with the zone')
  t.equal(await page.locator('table.documents tbody tr').count(), 1, 'documents as a table')
  t.notMatch(details, /\{"currency"/, 'no raw JSON')
  await page.screenshot({ path: join(OUT, 'verify-good.png'), fullPage: true })
  await page.click('#print').catch(() => {}) // window.print() is a no-op in headless Chromium
  await page.emulateMedia({ media: 'print' })
  const cert = await page.locator('#certificate').innerText()
  t.match(cert, /存证证明[\s\S]*APP-2/, 'the print view is the certificate of this result')
  t.match(cert, /证明编号\s*EL-\d{8}-[0-9a-f]{12}/)
  t.ok(await page.locator('#certificate .qr svg').count(), 'with a QR code')
  await page.screenshot({ path: join(OUT, 'certificate.png'), fullPage: true })
  await page.emulateMedia({ media: 'screen' })

  // A stale certificate cannot be printed after a failed verification.
  const invalid = await verifyIn(page, vkey, '{not json')
  t.match(invalid.verdict, /不是有效的 JSON/)
  t.equal(invalid.print, 0, 'no print button after invalid input')
  await page.emulateMedia({ media: 'print' })
  const stale = await page.locator('#certificate').innerText()
  t.notMatch(stale, /APP-2|叶哈希/, 'the earlier certificate is gone')
  t.match(stale, /不出具存证证明/)
  await page.emulateMedia({ media: 'screen' })

  // A tampered bundle: ✗, no print button, nothing printable.
  const tampered = await verifyIn(page, vkey, JSON.stringify({ ...revoked, related: [] }))
  t.match(tampered.verdict, /Not verified/)
  t.ok(tampered.failed.includes('claims'), 'hiding the revocation fails the signed claims')
  t.equal(tampered.print, 0, 'no print button for a tampered bundle')
  await page.emulateMedia({ media: 'print' })
  t.notMatch(await page.locator('#certificate').innerText(), /AUTH-7|叶哈希/, 'no printable certificate')
  await page.emulateMedia({ media: 'screen' })
  await page.screenshot({ path: join(OUT, 'verify-tampered.png'), fullPage: true })

  // The revoked authorization: its state in large type above the fold, before any ✓.
  const rev = await verifyIn(page, vkey, JSON.stringify(revoked))
  t.match(rev.verdict, /Verified/)
  t.match(rev.state, /已撤回/)
  const box = (await page.locator('#state').boundingBox())!
  const firstPass = (await page.locator('#steps li.pass').first().boundingBox())!
  t.ok(box.y + box.height <= 900, `the revoked state is above the fold (bottom ${box.y + box.height})`)
  t.ok(box.y < firstPass.y, 'and above every ✓')
  t.ok(await page.locator('#state strong').evaluate((e) => parseFloat(getComputedStyle(e).fontSize) >= 28), 'in large type')
  t.match(await page.locator('#details').innerText(), /授权状态\s*已撤回/)
  await page.screenshot({ path: join(OUT, 'verify-revoked.png') })
  await page.fill('#consent-at', '2098-01-01T00:00:00')
  t.match(await page.locator('#consent-at-result').innerText(), /已撤回/, 'status at a date the reader enters: revoked')
  await page.fill('#consent-at', '2099-06-01T00:00:00')
  t.match(await page.locator('#consent-at-result').innerText(), /已过期/, 'and expired after validUntil')

  // Choosing the same file twice verifies twice.
  const file = join(tempDir(t), 'bundle.json')
  writeFileSync(file, JSON.stringify(application))
  await page.setInputFiles('#file', file)
  await page.waitForFunction(() => /APP-2/.test(document.getElementById('details')!.textContent ?? ''))
  await page.evaluate(() => { document.getElementById('verdict')!.textContent = '' })
  await page.setInputFiles('#file', file)
  await page.waitForSelector('#verdict:not(:empty)')
  t.match((await shown(page)).verdict, /Verified/, 'the same file chosen again is verified again')
  t.same(errors, [], 'no script errors (CSP allows the inlined code)')

  const saved = join(tempDir(t), 'verify.html')
  writeFileSync(saved, await (await fetch(`${base}/verify`)).text())
  await app.close()
  const offline = await browser.newPage()
  await offline.goto(`file://${saved}`)
  const again = await verifyIn(offline, vkey, JSON.stringify(revoked))
  t.match(again.verdict, /Verified/, 'the saved page verifies with the service stopped')
  t.equal(again.print, 1)
})

interface WitnessShown { steps: { step: string; witness: string; result: string; detail: string }[]; vouched: string }

function witnessShown(page: Page): Promise<WitnessShown> {
  return page.evaluate(() => ({
    steps: [...document.querySelectorAll<HTMLElement>('#witness-steps li')].map((li) => ({
      step: li.dataset.step ?? '', witness: li.dataset.witness ?? '', result: li.className, detail: li.querySelector('.detail')?.textContent ?? '',
    })),
    vouched: document.getElementById('vouched')!.textContent ?? '',
  }))
}

t.test('/verify with a pasted witness policy: log signature, each cosignature, quorum', { skip }, async (t) => {
  const { application, vkey, base } = await ledgerWithBundles(t)
  // The bundle's own checkpoint, cosigned by two of three real cosigner keys: the witnessed
  // member the ledger adds under a WITNESS_POLICY (test/witness/witnessed-evidence.test.ts
  // gets one from witness processes).
  const [w1, w2, w3] = ['w1.test.example/w', 'w2.test.example/w', 'w3.test.example/w'].map(generateCosigner)
  const body = parseNote(application.checkpoint).body
  const cosigned = application.checkpoint + w1.cosign(body, 1_764_000_000) + w2.cosign(body, 1_764_000_001)
  const witnessed = {
    ...application,
    witnessed: { proof: formatTlogProof({ index: application.entry.index, hashes: application.inclusion.hashes.map(hexToBytes), checkpoint: cosigned }), consistency: [] },
  }
  const twoOfThree = [`log ${vkey}`, `witness bank ${w1.vkey}`, `witness court ${w2.vkey}`, `witness reg ${w3.vkey}`, 'group two 2 bank court reg', 'quorum two', ''].join('\n')
  const regOnly = [`witness reg ${w3.vkey}`, 'quorum reg', ''].join('\n')
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
  const errors = collectErrors(page)
  await page.goto(`${base}/verify`)

  await page.fill('#policy', twoOfThree)
  const met = await verifyIn(page, vkey, JSON.stringify(witnessed))
  t.match(met.verdict, /Verified/)
  const m = await witnessShown(page)
  t.same(m.steps.map((s) => [s.step, s.witness, s.result]), [
    ['log-signature', '', 'pass'],
    ['cosignature', 'bank', 'pass'],
    ['cosignature', 'court', 'pass'],
    ['cosignature', 'reg', 'na'],
    ['quorum', '', 'pass'],
    ['inclusion', '', 'pass'],
    ['consistency', '', 'pass'],
  ], 'each witness on its own step; reg did not cosign')
  t.match(m.steps[1].detail, /cosigned at 2025-11-24T16:00:00\.000Z/, 'with the time the witness states')
  t.match(m.steps[4].detail, /^met: quorum 2 of \(bank, court, reg\)/)
  t.match(m.vouched, /已见证/)
  await page.screenshot({ path: join(OUT, 'verify-witnessed.png'), fullPage: true })

  await page.fill('#policy', regOnly)
  const notMet = await verifyIn(page, vkey, JSON.stringify(witnessed))
  t.match(notMet.verdict, /Not verified.*法定见证数/, 'a policy whose witness did not cosign: not verified, and says why')
  const n = await witnessShown(page)
  t.same(n.steps.filter((s) => s.step !== 'inclusion' && s.step !== 'consistency').map((s) => [s.step, s.witness, s.result]), [
    ['log-signature', '', 'pass'], ['cosignature', 'reg', 'na'], ['quorum', '', 'fail'],
  ])
  t.match(n.steps.find((s) => s.step === 'quorum')!.detail, /^not met: quorum reg; valid cosignatures from nobody/)
  t.equal(notMet.print, 0, 'nothing to print')

  // A forged cosignature under a policy key fails its own step even though the quorum holds.
  const payload = (line: string) => Buffer.from(line.trim().split(' ')[2], 'base64')
  const impostor = generateCosigner('w3.test.example/w') // same name, another key: w3's key id, someone else's signature
  const forged = `\u2014 w3.test.example/w ${Buffer.concat([payload(w3.cosign(body, 1_764_000_002)).subarray(0, 4), payload(impostor.cosign(body, 1_764_000_002)).subarray(4)]).toString('base64')}\n`
  await page.fill('#policy', twoOfThree)
  await verifyIn(page, vkey, JSON.stringify({ ...witnessed, witnessed: { ...witnessed.witnessed, proof: witnessed.witnessed.proof + forged } }))
  const f = await witnessShown(page)
  t.same(f.steps.find((s) => s.witness === 'reg')?.result, 'fail', 'the forged line fails reg\'s step')

  // No policy: one plain line that only the operator vouches.
  await page.fill('#policy', '')
  const none = await verifyIn(page, vkey, JSON.stringify(application))
  t.match(none.verdict, /Verified/)
  const o = await witnessShown(page)
  t.same(o.steps.map((s) => [s.step, s.result]), [['quorum', 'na']])
  t.match(o.steps[0].detail, /only the log operator vouches/)
  t.match(o.vouched, /只有账本运营方为该检查点担保/)

  // A policy that does not parse is refused with its line, not ignored.
  await page.fill('#policy', 'witness reg not-a-key\nquorum reg\n')
  const bad = await verifyIn(page, vkey, JSON.stringify(witnessed))
  t.match(bad.verdict, /见证策略无法读取.*policy line 1/)
  t.same(errors, [])
})

t.test('/verify at 390 px: every value on readable lines', { skip }, async (t) => {
  const { application, vkey, base } = await ledgerWithBundles(t)
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
  await page.goto(`${base}/verify`)
  await verifyIn(page, vkey, JSON.stringify(application))
  const widths = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('#details dd, #details td, #steps .detail')].map((e) => ({ text: (e.textContent ?? '').slice(0, 30), width: e.getBoundingClientRect().width })))
  t.ok(widths.length > 10)
  const narrow = widths.filter((w) => w.width < 300)
  t.same(narrow, [], 'every value is at least 300 px wide (it had 5–8 characters a line)')
  t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no horizontal scrolling')
  await page.screenshot({ path: join(OUT, 'verify-390.png'), fullPage: true })
})

t.test('/v/<leafHash>: public, verified in the page against the current checkpoint', { skip }, async (t) => {
  const { revoked, base } = await ledgerWithBundles(t)
  const browser = await launchBrowser(t)
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
  const errors = collectErrors(page)
  const res = await page.goto(`${base}/v/${revoked.entry.leafHash}`)
  t.equal(res?.status(), 200, 'no login')
  t.match(res?.headers()['content-security-policy'] ?? '', /script-src 'sha256-/)
  await page.waitForSelector('#verdict:not(:empty)')
  const s = await shown(page)
  t.match(s.verdict, /Verified/)
  t.equal(s.fail, 0)
  t.ok(s.pass >= 4, 'leaf, inclusion, checkpoint of the entry and its revocation')
  t.match(s.state, /已撤回/, 'the revocation shows first')
  const text = await page.locator('main').innerText()
  t.match(text, /AUTH-7/)
  t.notMatch(text, /郑州示例科技有限公司|张三/, 'no record content, no person')
  t.same(errors, [])
  await page.screenshot({ path: join(OUT, 'public-entry.png'), fullPage: true })
  t.equal((await fetch(`${base}/v/${'00'.repeat(32)}`)).status, 404)
})
