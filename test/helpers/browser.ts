// Debian's headless Chromium for the page tests (/verify, /console, the time-stamp
// verifier); .ci/run installs it, and a test without it is skipped with a sentence.
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

/** A headless Chromium that is closed when the test ends. */
export async function launchBrowser(t: { teardown(fn: () => unknown): void }): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  return browser
}
