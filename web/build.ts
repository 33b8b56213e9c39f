// npm run build:web: the /verify page as one file, web/dist/verify.html, to host elsewhere
// or hand out (saved, it works offline). The server builds the same page on first request;
// a host serving this file should send the printed Content-Security-Policy with it.
import { mkdir, writeFile } from 'node:fs/promises'
import { verifyPage } from '../src/web-page.ts'

const out = new URL('dist/', import.meta.url)
const page = await verifyPage()
await mkdir(out, { recursive: true })
await writeFile(new URL('verify.html', out), page.html)
console.log(`${new URL('verify.html', out).pathname} (${page.html.length} characters)`)
console.log(`Content-Security-Policy: ${page.csp}`)
