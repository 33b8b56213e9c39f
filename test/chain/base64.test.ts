import t from 'tap'
import fc from 'fast-check'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { fromBase64, toBase64 } from '../../chain/encoding.ts'

// The same module as a browser sees it: bundled by esbuild (as the /verify page is) with
// no Buffer. Deleting the global Buffer around a dynamic import broke Node 24, whose
// in-thread TypeScript loader needs Buffer while it loads the module.
async function browserEncoding(): Promise<typeof import('../../chain/encoding.ts')> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('../../chain/encoding.ts', import.meta.url))],
    bundle: true, format: 'esm', write: false, platform: 'browser',
    define: { 'globalThis.Buffer': 'undefined' },
  })
  const code = out.outputFiles[0].text
  if (/\bBuffer\b/.test(code.replace(/\/\/.*$/gm, '').replace(/nodeBuffer|NodeBuffer/g, ''))) throw new Error('the browser build still reads Buffer')
  return await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`) as typeof import('../../chain/encoding.ts')
}

t.test('base64 through Buffer (Node) and btoa/atob (browser) agree, and both refuse the same spellings', async (t) => {
  const browser = await browserEncoding()
  const differences: string[] = []
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 199 }), (bytes, cut) => {
    const a = toBase64(bytes)
    const b = browser.toBase64(bytes)
    if (a !== b || a !== Buffer.from(bytes).toString('base64')) differences.push(`encode ${a} / ${b}`)
    if (Buffer.compare(Buffer.from(fromBase64(a)), Buffer.from(browser.fromBase64(a))) !== 0) differences.push(`decode ${a}`)
    const sub = bytes.subarray(Math.min(cut, bytes.length))
    if (toBase64(sub) !== Buffer.from(sub).toString('base64')) differences.push(`a view at ${cut} of ${bytes.length}`)
  }), { numRuns: 500 })
  t.same(differences, [])
  for (const bad of ['AB==', 'AAB=', 'A===', 'AA=', 'AA-_', 'AA A', ' AAA', 'AAAA\n', '====', 'AAA=A']) {
    const node = (() => { try { fromBase64(bad); return 'accepted' } catch { return 'refused' } })()
    const br = (() => { try { browser.fromBase64(bad); return 'accepted' } catch { return 'refused' } })()
    t.same([node, br], ['refused', 'refused'], `${JSON.stringify(bad)} is refused by both`)
  }
  t.same(Array.from(fromBase64('AAEC/w==')), [0, 1, 2, 255])
})
