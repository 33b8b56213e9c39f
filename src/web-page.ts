// Builds the browser pages: web/<page>.ts (which imports chain/verify.ts) bundled by
// esbuild and inlined with the CSS into one HTML file, built once on first request.
// One file means "Save page as…" gives a court clerk a verifier that works offline.
// Pages: /verify (bundles and receipts), /v/<leafHash> (the public entry page) and /console.
import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { build } from 'esbuild'

const WEB = new URL('../web/', import.meta.url)

export interface VerifyPage {
  html: string
  /** CSP that allows exactly the inlined script and style, nothing else. */
  csp: string
}

type PageName = 'verify' | 'entry' | 'console'
/** Style sheets of each page, inlined in this order (verify.css is the shared base). */
const STYLES: Record<PageName, string[]> = { verify: ['verify.css'], entry: ['verify.css'], console: ['verify.css', 'console.css'] }
const cached = new Map<PageName, Promise<VerifyPage>>()

export function verifyPage(): Promise<VerifyPage> {
  return page('verify')
}

/**
 * The public entry page's shell. Its data goes into a `<script type="application/json">`
 * block per request (see the route): a data block is never executed, so the script hash
 * in the CSP stays the one of the bundled code.
 */
export function entryPage(): Promise<VerifyPage> {
  return page('entry')
}

/** The auditor console (/console): static; its data come from the API with the token the user pastes. */
export function consolePage(): Promise<VerifyPage> {
  return page('console')
}

function page(name: PageName): Promise<VerifyPage> {
  let p = cached.get(name)
  if (!p) {
    p = buildPage(name).catch((e: unknown) => {
      cached.delete(name)
      throw e
    })
    cached.set(name, p)
  }
  return p
}

async function buildPage(name: PageName): Promise<VerifyPage> {
  const [template, css, out] = await Promise.all([
    readFile(new URL(`${name}.html`, WEB), 'utf8'),
    Promise.all(STYLES[name].map((f) => readFile(new URL(f, WEB), 'utf8'))).then((parts) => parts.join('\n')),
    build({
      entryPoints: [new URL(`${name}.ts`, WEB).pathname],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: ['es2022'],
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }),
  ])
  // "</script" inside the bundle would end the inline script early.
  const script = out.outputFiles[0].text.replaceAll('</script', '<\\/script')
  const html = template.replace('/*STYLE*/', () => css).replace('/*SCRIPT*/', () => script)
  const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`
  const csp = [
    "default-src 'none'",
    `script-src ${hash(script)}`,
    `style-src ${hash(css)}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
  return { html, csp }
}
