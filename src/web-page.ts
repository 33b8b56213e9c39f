// Builds the /verify page: web/verify.ts (which imports chain/verify.ts) bundled by
// esbuild and inlined with its CSS into one HTML file, built once on first request.
// One file means "Save page as…" gives a court clerk a verifier that works offline.
import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { build } from 'esbuild'

const WEB = new URL('../web/', import.meta.url)

export interface VerifyPage {
  html: string
  /** CSP that allows exactly the inlined script and style, nothing else. */
  csp: string
}

let cached: Promise<VerifyPage> | null = null

export function verifyPage(): Promise<VerifyPage> {
  cached ??= buildPage().catch((e: unknown) => {
    cached = null
    throw e
  })
  return cached
}

async function buildPage(): Promise<VerifyPage> {
  const [template, css, out] = await Promise.all([
    readFile(new URL('verify.html', WEB), 'utf8'),
    readFile(new URL('verify.css', WEB), 'utf8'),
    build({
      entryPoints: [new URL('verify.ts', WEB).pathname],
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
