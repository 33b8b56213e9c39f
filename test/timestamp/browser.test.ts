// chain/timestamp.ts is isomorphic: bundled for the browser by esbuild (as web/ is) and run in
// headless Chromium, it verifies a real TSA's token with the browser's WebCrypto, and refuses
// one for another checkpoint, exactly as in Node.
import t from 'tap'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { build } from 'esbuild'
import { toBase64 } from '../../chain/encoding.ts'
import { checkpointImprint, timestampRequest, tokenFromResponse } from '../../chain/timestamp.ts'
import { makeTsaKeys, OPENSSL, opensslReply } from '../helpers/tsa.ts'
import { CHROMIUM, launchBrowser } from '../helpers/browser.ts'

const skip = existsSync(CHROMIUM) && existsSync(OPENSSL) ? false : 'needs Debian chromium and openssl (.ci/run installs them)'

const NOTE_A = 'test.example/ledger\n5\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n\u2014 test.example/ledger AAAAAAAA\n'
const NOTE_B = 'test.example/ledger\n6\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n\u2014 test.example/ledger AAAAAAAA\n'

t.test('the token verifier runs in a browser', { skip }, async (t) => {
  for (const keyType of ['rsa', 'ec'] as const) {
    const keys = makeTsaKeys(t, { keyType })
    const r = tokenFromResponse(await opensslReply(keys, timestampRequest(checkpointImprint(NOTE_A), new Uint8Array([9, 9, 9]))))
    if (!r.ok) throw new Error(r.reason)
    const bundled = await build({
      stdin: {
        contents: `import { parsePemCertificates, verifyTimestampToken } from './chain/timestamp.ts'
          import { fromBase64, utf8ToBytes } from './chain/encoding.ts'
          import { parseNote } from './chain/note.ts'
          window.check = async (token, note, pem) => {
            const r = await verifyTimestampToken(fromBase64(token), utf8ToBytes(parseNote(note).body), parsePemCertificates(pem))
            return r.ok ? { ok: true, genTime: r.genTime.toISOString(), tsa: r.tsa } : r
          }`,
        resolveDir: new URL('../../', import.meta.url).pathname, loader: 'ts',
      },
      bundle: true, platform: 'browser', format: 'iife', write: false, logLevel: 'silent',
    })
    const script = bundled.outputFiles[0].text
    t.notMatch(script, /require\("node:/, 'no Node built-ins in the bundle')
    // Served from 127.0.0.1: a secure context, where crypto.subtle exists.
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script>${script}</script>`))
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    t.teardown(() => new Promise<void>((ok) => server.close(() => ok())))
    const browser = await launchBrowser(t)
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    const check = (note: string, pem: string) => page.evaluate(([tok, n, p]) => (window as unknown as { check(a: string, b: string, c: string): Promise<unknown> }).check(tok, n, p), [toBase64(r.token), note, pem])
    const good = await check(NOTE_A, keys.caPem) as { ok: boolean; genTime: string; tsa: string }
    t.equal(good.ok, true, `${keyType}: verifies in Chromium`)
    t.match(good.genTime, /^\d{4}-\d\d-\d\dT/)
    t.equal(good.tsa, 'evidence-ledger test TSA')
    const bad = await check(NOTE_B, keys.caPem) as { ok: boolean; reason: string }
    t.equal(bad.ok, false)
    t.match(bad.reason, /token is for another document/)
    const other = await check(NOTE_A, makeTsaKeys(t, { caName: 'another CA' }).caPem) as { ok: boolean; reason: string }
    t.match(other.reason, /signed by a TSA other than the configured one/)
  }
})
