// The /verify page's RFC 3161 steps, end to end with real processes: a ledger (`serve` with
// TSA_URL) stamping through a real TSA (Debian's `openssl ts -reply`, test/helpers/tsa.ts),
// its bundle pasted into the page in headless Chromium with the TSA certificate pasted or not.
import t from 'tap'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Page } from 'playwright-core'
import type { EvidenceBundleV2, Receipt } from '../../chain/verify.ts'
import type { TimestampMember } from '../../chain/timestamp-evidence.ts'
import { CLI, startServer } from '../../scripts/server-process.ts'
import { sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { makeTsaKeys, OPENSSL, startTsa, writePem } from '../helpers/tsa.ts'
import { CHROMIUM, launchBrowser } from '../helpers/browser.ts'

const OUT = new URL('../../test-output/', import.meta.url).pathname
const skip = existsSync(CHROMIUM) && existsSync(OPENSSL) ? false : 'needs Debian chromium and openssl (.ci/run installs them)'
const ORIGIN = 'ledger.tsa-page.test/log'
const run = promisify(execFile)

type Bundle = EvidenceBundleV2 & { timestamp?: TimestampMember }

interface Shown {
  verdict: string
  line: string
  lineClass: string
  steps: { step: string; result: string; time: string; detail: string }[]
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return (await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })).stdout.trim()
}

async function verifyIn(page: Page, vkey: string, bundle: string, tsaPem: string): Promise<Shown> {
  await page.fill('#vkey', vkey)
  await page.fill('#bundle', bundle)
  await page.fill('#tsa-cert', tsaPem)
  await page.evaluate(() => { document.getElementById('verdict')!.textContent = '' })
  await page.click('#verify')
  await page.waitForSelector('#verdict:not(:empty)')
  return page.evaluate(() => ({
    verdict: document.getElementById('verdict')!.textContent ?? '',
    line: document.getElementById('timestamped')!.textContent ?? '',
    lineClass: document.getElementById('timestamped')!.className,
    steps: [...document.querySelectorAll<HTMLElement>('#timestamp-steps li')].map((li) => ({
      step: li.dataset.step ?? '', result: li.className, time: li.querySelector('.time')?.textContent ?? '', detail: li.querySelector('.detail')?.textContent ?? '',
    })),
  }))
}

t.test('/verify shows the RFC 3161 timestamp as its own steps', { skip }, async (t) => {
  const tsa = await startTsa(t)
  const dir = tempDir(t, 'el-tsa-page-')
  const env = { DATA_DIR: dir, LEDGER_ORIGIN: ORIGIN, TSA_URL: tsa.url, TSA_CERT: writePem(t, tsa.keys.tsaPem) }
  const vkey = await cli(['keygen'], env)
  const ledger = await startServer(env)
  t.teardown(() => { if (ledger.child.exitCode === null) ledger.child.kill('SIGKILL') })
  const token = await cli(['token', '--role', 'submitter', '--role', 'court', '--sub', 'zhr-platform', '--ttl', '15m'], env)
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const record = sampleRecords(1).evidence as { evidenceId: string }
  const appended = await fetch(`${ledger.url}/v1/records`, { method: 'POST', headers, body: JSON.stringify({ kind: 'evidence', record }) })
  t.equal(appended.status, 201)
  const receipt = await appended.json() as Receipt
  // The stamping loop runs beside appends: wait until the bundle carries its token.
  let bundle: Bundle | undefined
  for (let i = 0; i < 600 && bundle?.timestamp === undefined; i++) {
    if (i > 0) await sleep(100)
    bundle = await (await fetch(`${ledger.url}/v1/evidence/evidence/${record.evidenceId}`, { headers })).json() as Bundle
  }
  if (bundle?.timestamp === undefined) throw new Error('the bundle never got a timestamp member')
  const text = JSON.stringify(bundle)

  const browser = await launchBrowser(t)
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()) })
  t.equal((await page.goto(`${ledger.url}/verify`))?.status(), 200)
  mkdirSync(OUT, { recursive: true })

  // The right TSA certificate: both steps pass, the TSA's time in Beijing time and UTC.
  const good = await verifyIn(page, vkey, text, tsa.keys.tsaPem)
  t.match(good.verdict, /核验通过 Verified/)
  t.same(good.steps.map((s) => [s.step, s.result]), [['timestamp-checkpoint', 'pass'], ['timestamp', 'pass']])
  const m = /UTC (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)/.exec(good.steps[1].time)
  t.ok(m, `the TSA time in UTC: ${good.steps[1].time}`)
  const genTime = new Date(m![1])
  t.ok(Math.abs(genTime.getTime() - Date.parse(receipt.statement.time)) < 60_000, 'the TSA time is the time of the append (within a minute)')
  const beijing = new Date(genTime.getTime() + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19)
  t.match(good.steps[1].time, `${beijing} (UTC+8 北京时间)`, 'and in Beijing time')
  t.match(good.steps[1].detail, /^timestamp token valid, time .* by evidence-ledger test TSA/)
  t.equal(good.lineClass, 'stamped')
  t.match(good.line, `existed no later than that`)
  await page.screenshot({ path: join(OUT, 'verify-timestamped.png'), fullPage: true })
  // Its CA works too (the token carries the TSA certificate).
  t.match((await verifyIn(page, vkey, text, tsa.keys.caPem)).verdict, /Verified/, 'trusting the TSA\'s CA')

  // Another TSA's certificate: the token step fails and so does the verdict.
  const other = await verifyIn(page, vkey, text, makeTsaKeys(t, { caName: 'another CA' }).tsaPem)
  t.match(other.verdict, /核验失败 Not verified：可信时间戳/)
  t.same(other.steps.map((s) => [s.step, s.result]), [['timestamp-checkpoint', 'pass'], ['timestamp', 'fail']])
  t.match(other.steps[1].detail, /signed by a TSA other than the configured one/)
  t.equal(other.steps[1].time, '', 'no time shown for a token that failed')
  t.equal(other.lineClass, 'failed')
  await page.screenshot({ path: join(OUT, 'verify-timestamp-other-tsa.png'), fullPage: true })

  // No certificate: the stamped checkpoint is checked, the token's time plainly is not.
  const unchecked = await verifyIn(page, vkey, text, '')
  t.match(unchecked.verdict, /核验通过 Verified/, 'an unchecked token does not fail the bundle (the CLI without --tsa-cert)')
  t.same(unchecked.steps.map((s) => [s.step, s.result]), [['timestamp-checkpoint', 'pass'], ['timestamp', 'na']])
  t.match(unchecked.steps[1].detail, /not checked/)
  t.equal(unchecked.lineClass, 'unchecked')
  t.match(unchecked.line, /时间戳未核验.*Timestamp not checked: .*not verified until you paste the TSA's certificate/)
  t.notMatch(unchecked.line, /Time-stamped/)
  await page.screenshot({ path: join(OUT, 'verify-timestamp-unchecked.png'), fullPage: true })

  // A tampered stamped checkpoint fails its step even without a certificate.
  const tampered: Bundle = structuredClone(bundle)
  tampered.timestamp!.inclusion.treeSize += 1
  const bad = await verifyIn(page, vkey, JSON.stringify(tampered), '')
  t.same(bad.steps.map((s) => [s.step, s.result]), [['timestamp-checkpoint', 'fail'], ['timestamp', 'na']])
  t.match(bad.verdict, /Not verified：时间戳：被盖时间戳的检查点包含该条目/)

  // No timestamp member: "no third-party time", a failure only when a certificate is given.
  const { timestamp: _, ...bare } = bundle
  const none = await verifyIn(page, vkey, JSON.stringify(bare), '')
  t.match(none.verdict, /核验通过 Verified/)
  t.same(none.steps, [])
  t.equal(none.lineClass, 'none')
  t.match(none.line, /没有第三方时间.*No third-party time in this bundle/)
  const required = await verifyIn(page, vkey, JSON.stringify(bare), tsa.keys.tsaPem)
  t.match(required.verdict, /Not verified：可信时间戳/)
  t.same(required.steps.map((s) => [s.step, s.result]), [['timestamp', 'fail']])
  t.match(required.steps[0].detail, /no RFC 3161 time-stamp token in this document/)

  // A certificate field that is not PEM is refused before anything is shown as verified.
  const garbage = await verifyIn(page, vkey, text, 'not a certificate')
  t.match(garbage.verdict, /时间戳机构证书无法读取/)
  t.same(errors, [], 'no script errors (the CSP allows the inlined code)')
})
