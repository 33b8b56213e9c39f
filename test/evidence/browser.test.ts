import t from 'tap'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Page } from 'playwright-core'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'

const CHROMIUM = '/usr/bin/chromium'
const OUT = new URL('../../test-output/', import.meta.url).pathname

async function verifyIn(page: Page, vkey: string, bundle: string): Promise<{ verdict: string; pass: number; fail: number; failed: string[] }> {
  await page.fill('#vkey', vkey)
  await page.fill('#bundle', bundle)
  await page.click('#verify')
  await page.waitForSelector('#steps li, #verdict.bad')
  return page.evaluate(() => ({
    verdict: document.getElementById('verdict')!.textContent ?? '',
    pass: document.querySelectorAll('#steps li.pass').length,
    fail: document.querySelectorAll('#steps li.fail').length,
    failed: [...document.querySelectorAll<HTMLElement>('#steps li.fail')].map((li) => li.dataset.step ?? ''),
  }))
}

t.test('the /verify page verifies a good bundle (all ✓) and rejects a tampered one (✗), also saved as a file', { skip: existsSync(CHROMIUM) ? false : 'needs Debian chromium (.ci/run installs it)' }, async (t) => {
  const { app, auth } = await makeApp(t)
  const bank = await auth('submitter')
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(1).evidence } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'financing-application', record: sampleRecords(2)['financing-application'] } })
  await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: { kind: 'evidence', record: sampleRecords(3).evidence } })
  const bundle = (await app.inject({ url: '/v1/evidence/financing-application/APP-2', headers: await auth('court') })).json() as { record: { purpose: string } }
  const vkey = (await app.inject({ url: '/v1/keys' })).json().keys[0].vkey as string
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  mkdirSync(OUT, { recursive: true })

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1000, height: 1300 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  const res = await page.goto(`${base}/verify`)
  t.equal(res?.status(), 200)

  const good = await verifyIn(page, vkey, JSON.stringify(bundle))
  t.match(good.verdict, /Verified/)
  t.equal(good.fail, 0)
  t.equal(good.pass, 5, 'commitment, leaf, inclusion, checkpoint and block pass')
  t.match(await page.locator('#record').innerText(), /郑州示例科技有限公司/, 'the record is shown with its enterprise')
  await page.screenshot({ path: join(OUT, 'verify-good.png'), fullPage: true })
  await page.emulateMedia({ media: 'print' })
  t.match(await page.locator('#certificate').innerText(), /存证证明[\s\S]*APP-2/, 'the print view is the certificate')
  t.ok(await page.locator('#qr svg').count(), 'with a QR code')
  await page.screenshot({ path: join(OUT, 'certificate.png'), fullPage: true })
  await page.emulateMedia({ media: 'screen' })

  const tampered = await verifyIn(page, vkey, JSON.stringify({ ...bundle, record: { ...bundle.record, purpose: '其他用途' } }))
  t.match(tampered.verdict, /Not verified/)
  t.same(tampered.failed, ['commitment'], 'the tampered record fails at the commitment step')
  await page.screenshot({ path: join(OUT, 'verify-tampered.png'), fullPage: true })
  t.same(errors, [], 'no script errors (CSP allows the inlined code)')

  const saved = join(tempDir(t), 'verify.html')
  writeFileSync(saved, await (await fetch(`${base}/verify`)).text())
  await app.close()
  const offline = await browser.newPage()
  await offline.goto(`file://${saved}`)
  const again = await verifyIn(offline, vkey, JSON.stringify(bundle))
  t.match(again.verdict, /Verified/, 'the saved page verifies with the service stopped')
})
