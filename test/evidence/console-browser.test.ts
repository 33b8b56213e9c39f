// The auditor console (/console) in a real headless Chromium, as an auditor uses it: paste a
// token, watch the overview, page through blocks, open an entry and see its proof verified in
// the page, find entries by a document's SHA-256 and by USCC, read an enterprise timeline
// with a revoked authorization; a submitter's token is refused in words. Screenshots go to
// test-output/ (as the /verify test's do).
import t from 'tap'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'
import { CHROMIUM, launchBrowser } from '../helpers/browser.ts'

const OUT = new URL('../../test-output/', import.meta.url).pathname
const skip = existsSync(CHROMIUM) ? false : 'needs Debian chromium (.ci/run installs it)'

function collectErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(m.text()) })
  return errors
}

async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/console`)
  await page.fill('#token', token)
  await page.click('#use-token')
}

/** Non-transparent pixels on a canvas: Chart.js drew something. */
const inkOn = (page: Page, selector: string) => page.locator(selector).evaluate((c: HTMLCanvasElement) => {
  const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
  let n = 0
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
  return n
})

t.test('/console: overview, blocks, entry proof, search by document and USCC, enterprise timeline; a submitter is refused', { skip }, async (t) => {
  const { app, auth, token } = await makeApp(t)
  const bank = await auth('submitter')
  const post = async (payload: unknown) => {
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers: bank, payload: payload as object })
    t.equal(res.statusCode, 201)
    return res.json()
  }
  const enterprise = uscc(7)
  const rec = sampleRecords(7, enterprise)
  const contractSha = 'c3'.repeat(32)
  await post({ kind: 'data-authorization', record: { ...rec['data-authorization'], validUntil: '2099-01-01T00:00:00Z' } })
  await post({ kind: 'data-authorization', record: { ...sampleRecords(8, enterprise)['data-authorization'], dataCategories: ['credit', 'judicial'], validUntil: '2099-01-01T00:00:00Z' } })
  const contract = await post({ kind: 'evidence', record: { ...rec.evidence, documents: [{ name: '借款合同.pdf', sha256: contractSha, size: 40960 }] } })
  await post({ kind: 'authorization-revocation', record: rec['authorization-revocation'] })
  // Enough blocks for two pages of 20.
  for (let i = 20; i < 45; i++) await post({ kind: 'evidence', record: sampleRecords(i).evidence })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  mkdirSync(OUT, { recursive: true })
  const browser = await launchBrowser(t)

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  const errors = collectErrors(page)
  const res = await page.goto(`${base}/console`)
  t.equal(res?.status(), 200, 'the page itself needs no token')
  t.match(res?.headers()['content-security-policy'] ?? '', /default-src 'none'; script-src 'sha256-/, 'only the inlined script runs')
  await page.keyboard.press('Tab')
  t.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到正文 Skip to content', 'the first Tab reaches the skip link')
  await signIn(page, base, await token('auditor'))

  // Overview: numbers and a drawn chart, updated without a reload.
  await page.waitForSelector('#activity-chart canvas')
  t.equal(await page.locator('#tree-size').innerText(), '29')
  await page.waitForFunction(() => {
    const c = document.querySelector<HTMLCanvasElement>('#activity-chart canvas')
    return c !== null && c.width > 0
  })
  t.ok(await inkOn(page, '#activity-chart canvas') > 1000, 'the activity chart is drawn')
  t.equal(await page.locator('#activity-chart canvas').getAttribute('role'), 'img')
  t.match(await page.locator('main').innerText(), /p50 [\d.]+ ms/, 'commit latency')
  await page.screenshot({ path: join(OUT, 'console-overview.png'), fullPage: true })
  await post({ kind: 'evidence', record: sampleRecords(99).evidence })
  await page.waitForFunction(() => document.getElementById('tree-size')?.textContent === '30', undefined, { timeout: 20_000 })
  t.pass('the overview shows the new entry without a reload')

  // Blocks: newest first, an older page, a block with its entries.
  await page.click('nav[aria-label^="主导航"] a[href="#/blocks"]')
  await page.waitForSelector('#blocks-table tbody tr')
  const heights = async () => page.locator('#blocks-table tbody tr td:first-child').allInnerTexts()
  t.same((await heights()).slice(0, 3), ['29', '28', '27'])
  t.equal((await heights()).length, 20)
  await page.click('#older-blocks')
  await page.waitForFunction(() => document.querySelector('#blocks-table tbody tr td')?.textContent === '9')
  t.same(await heights(), ['9', '8', '7', '6', '5', '4', '3', '2', '1', '0'], 'the second page')
  await page.click('#blocks-table a >> text="2"')
  await page.waitForSelector('pre.checkpoint')
  t.match(await page.locator('pre.checkpoint').innerText(), /^test\.example\/ledger\n3\n/, 'its checkpoint')
  t.match(await page.locator('main').innerText(), /EV-7/, 'its entry')

  // The entry: statement for people, proof verified in the page.
  await page.click(`table.entries a[href="#/entries/${contract.entry.index}"]`)
  await page.waitForSelector('#proof-verdict')
  t.match(await page.locator('#proof-verdict').innerText(), /^✓/, 'the inclusion proof verifies in the browser')
  t.equal(await page.locator('#steps li.fail').count(), 0)
  t.match(await page.locator('main').innerText(), /北京时间/, 'times in Beijing time')
  t.match(await page.locator('main').innerText(), /电子证据/, 'the kind in Chinese')
  await page.screenshot({ path: join(OUT, 'console-entry.png'), fullPage: true })

  // Search by a document's SHA-256.
  await page.fill('#q', contractSha)
  await page.press('#q', 'Enter')
  await page.waitForSelector('#search-matched')
  t.match(await page.locator('#search-matched').innerText(), /document's SHA-256/)
  t.same(await page.locator('table.entries tbody td:nth-child(3)').allInnerTexts(), ['EV-7'], 'the evidence naming the contract')

  // Search by USCC → the enterprise timeline, with the revoked authorization.
  await page.fill('#q', enterprise)
  await page.press('#q', 'Enter')
  await page.waitForSelector('#authorizations tbody tr')
  t.match(page.url(), new RegExp(`#/enterprise/${enterprise}$`))
  const statuses = await page.locator('#authorizations tbody tr').evaluateAll((rows) => rows.map((r) => [r.querySelector('td')?.textContent, (r as HTMLElement).dataset.status]))
  t.same(statuses, [['AUTH-7', 'revoked'], ['AUTH-8', 'active']], 'status now: the revoked one and the other')
  await page.waitForFunction(() => (document.querySelector<HTMLCanvasElement>('#timeline-chart canvas')?.width ?? 0) > 0)
  t.ok(await inkOn(page, '#timeline-chart canvas') > 1000, 'the validity chart is drawn')
  await page.waitForSelector('table.entries tbody tr')
  t.same(await page.locator('table.entries tbody td:nth-child(3)').allInnerTexts(), ['AUTH-7', 'AUTH-8', 'EV-7', 'AUTH-7'], 'every entry of the enterprise, in time order')
  await page.fill('#at', '2100-01-01T00:00')
  t.same(await page.locator('#authorizations tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.status)), ['expired', 'expired'], 'status at a date the auditor picks')
  await page.fill('#at', '2098-06-01T12:00')
  await page.screenshot({ path: join(OUT, 'console-enterprise.png'), fullPage: true })

  // 390 px: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.waitForFunction(() => document.documentElement.scrollWidth <= 390)
  t.pass('no horizontal scrolling at 390 px')
  await page.screenshot({ path: join(OUT, 'console-enterprise-390.png'), fullPage: true })
  t.same(errors, [], 'no script errors')

  // A court token sees the record itself, with its documents.
  const court = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  await signIn(court, base, await token('court'))
  await court.goto(`${base}/console#/entries/${contract.entry.index}`)
  await court.waitForSelector('#record-h')
  await court.waitForSelector('table.documents')
  t.match(await court.locator('table.documents').innerText(), /借款合同\.pdf/)
  const [bundle] = await Promise.all([court.waitForEvent('download'), court.click('text=下载证据包 Evidence bundle')])
  t.equal(bundle.suggestedFilename(), 'evidence-evidence-EV-7.json')
  const saved = await bundle.path()
  t.equal((JSON.parse(readFileSync(saved, 'utf8')) as { format: string }).format, 'evidence-ledger/bundle/v2', 'the evidence bundle, fetched with the token')
  const [pdf] = await Promise.all([court.waitForEvent('download'), court.click('text=下载存证证明 Certificate (PDF)')])
  t.equal(readFileSync(await pdf.path(), 'latin1').slice(0, 5), '%PDF-', 'and the certificate')

  // A submitter token: refused, in words.
  const submitter = await browser.newPage({ viewport: { width: 390, height: 844 } })
  await signIn(submitter, base, await token('submitter'))
  await submitter.waitForSelector('.problem[role="alert"]')
  t.match(await submitter.locator('.problem').innerText(), /无权查看账本[\s\S]*auditor, court or admin token/)
  t.equal(await submitter.locator('#activity-chart').count(), 0, 'and nothing of the ledger')
  await submitter.screenshot({ path: join(OUT, 'console-refused.png'), fullPage: true })
})
