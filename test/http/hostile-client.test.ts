// Findings of the hostile-client run that are about the edge of the service: memory a
// flood of junk tokens can pin, floods of refused requests, token lifetimes, encodings
// and Node-level refusals, /metrics exposure, and a token made with the wrong DATA_DIR.
import t from 'tap'
import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { gzipSync } from 'node:zlib'
import { promisify } from 'node:util'
import { makeApp } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { loadTokenKey } from '../../src/keys.ts'
import { mintToken } from '../../src/tokens.ts'
import { loadConfig } from '../../src/config.ts'
import { CLI } from '../../scripts/server-process.ts'

const run = promisify(execFile)
const EVIDENCE = { kind: 'evidence', id: 'EV-H', subject: '91350100M000100Y43', commitment: 'sha256:' + 'ab'.repeat(32) }

/** A syntactically fine JWT whose signature is junk: it costs a verification if not remembered. */
function junkToken(i: number, bytes: number): string {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT' })).toString('base64url')
  const payload = Buffer.from(JSON.stringify({ sub: `x${i}`, pad: 'p'.repeat(bytes) })).toString('base64url')
  return `${header}.${payload}.${Buffer.alloc(64, i % 251).toString('base64url')}`
}

t.test('10,000 distinct junk tokens do not pin their bytes in memory', async (t) => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const { app } = await makeApp(t)
  const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed }
  // Warm up routes, caches and JIT first so only what the flood keeps is measured.
  for (let i = 0; i < 200; i++) await app.inject({ method: 'GET', url: '/v1/entries/0', headers: { authorization: `Bearer ${junkToken(-i - 1, 5000)}` } })
  const before = heap()
  let refused = 0
  for (let i = 0; i < 10_000; i++) {
    const res = await app.inject({ method: 'GET', url: '/v1/entries/0', headers: { authorization: `Bearer ${junkToken(i, 5000)}` } })
    if (res.statusCode === 401) refused++
  }
  const grown = (heap() - before) / 2 ** 20
  t.equal(refused, 10_000, 'every junk token refused')
  // The tokens themselves are ~68 MB; remembering them by digest keeps ~1 MB.
  t.ok(grown < 16, `heap grew ${grown.toFixed(1)} MiB`)
})

t.test('a token longer than 8 KiB is refused before it is parsed', async (t) => {
  const { app } = await makeApp(t)
  const res = await app.inject({ method: 'GET', url: '/v1/entries/0', headers: { authorization: `Bearer ${junkToken(1, 9000)}` } })
  t.equal(res.statusCode, 401)
  t.match(res.json().detail, /longer than 8192 bytes/)
})

t.test('refused requests from one address are cut off before auth; other addresses and honest traffic are not', async (t) => {
  const { app, auth } = await makeApp(t, { RATE_LIMIT_REFUSED_MAX: '20' })
  const good = await auth('submitter')
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'GET', url: `/nowhere/${i}`, remoteAddress: '203.0.113.7' })
    t.equal(res.statusCode, 404)
  }
  const cut = await app.inject({ method: 'POST', url: '/v1/records', headers: good, payload: EVIDENCE, remoteAddress: '203.0.113.7' })
  t.equal(cut.statusCode, 429, 'the flooding address is refused even with a good token')
  t.match(cut.headers['content-type'], /^application\/problem\+json/)
  const other = await app.inject({ method: 'POST', url: '/v1/records', headers: good, payload: EVIDENCE, remoteAddress: '203.0.113.8' })
  t.equal(other.statusCode, 201, 'another address is served')
  for (let i = 0; i < 50; i++) {
    const ok = await app.inject({ method: 'POST', url: '/v1/records', headers: good, payload: { ...EVIDENCE, id: `EV-${i}` }, remoteAddress: '203.0.113.9' })
    t.equal(ok.statusCode, 201)
  }
})

t.test('X-Forwarded-For decides the address only when TRUST_PROXY names the proxy', async (t) => {
  for (const [trust, separated] of [['', false], ['127.0.0.1', true]] as const) {
    const { app } = await makeApp(t, { RATE_LIMIT_REFUSED_MAX: '3', TRUST_PROXY: trust })
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-forwarded-for': '198.51.100.1' } })
    const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-forwarded-for': '198.51.100.2' } })
    t.equal(res.statusCode, separated ? 200 : 429, `TRUST_PROXY="${trust}"`)
  }
})

t.test('tokens living longer than AUTH_MAX_TOKEN_TTL are refused, by the server and by the token command', async (t) => {
  const { app, dataDir } = await makeApp(t, { AUTH_MAX_TOKEN_TTL: '1d' })
  const config = loadConfig({ DATA_DIR: dataDir })
  const key = await loadTokenKey(dataDir, false)
  const long = await mintToken(key, { roles: ['submitter'], sub: 'p', ttlSeconds: 3 * 86400, issuer: config.auth.issuer, audience: config.auth.audience })
  const res = await app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${long}` }, payload: EVIDENCE })
  t.equal(res.statusCode, 401)
  t.match(res.json().detail, /AUTH_MAX_TOKEN_TTL/)
  const short = await mintToken(key, { roles: ['submitter'], sub: 'p', ttlSeconds: 3600, issuer: config.auth.issuer, audience: config.auth.audience })
  t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${short}` }, payload: EVIDENCE })).statusCode, 201)
  const cli = await run(process.execPath, [CLI, 'token', '--role', 'submitter', '--ttl', '999999999d'], { env: { ...process.env, DATA_DIR: dataDir } })
    .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e)
  t.equal(cli.code, 2)
  t.match(cli.stderr, /longer than this ledger accepts/)
})

t.test('a compressed body is a 415 that says to send it uncompressed', async (t) => {
  const { app, auth } = await makeApp(t)
  const res = await app.inject({
    method: 'POST', url: '/v1/records', payload: gzipSync(JSON.stringify(EVIDENCE)),
    headers: { ...(await auth('submitter')), 'content-type': 'application/json', 'content-encoding': 'gzip' },
  })
  t.equal(res.statusCode, 415)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json().detail, /Content-Encoding gzip is not accepted/)
})

t.test('/metrics is private when METRICS=private, and by default once an identity provider is configured', async (t) => {
  const { app, auth } = await makeApp(t, { METRICS: 'private' })
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: await auth('submitter') })).statusCode, 403)
  t.equal((await app.inject({ url: '/metrics', headers: await auth('auditor') })).statusCode, 200)
  t.equal(loadConfig({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).metrics, 'private')
  t.equal(loadConfig({}).metrics, 'public')
})

/** Sends raw bytes to a listening app and returns the raw answer. */
async function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(bytes))
    let out = ''
    s.on('data', (d) => { out += d })
    s.on('end', () => resolve(out))
    s.on('close', () => resolve(out))
    s.on('error', reject)
  })
}

t.test('Node-level refusals (oversized headers, Content-Length with Transfer-Encoding) are problem+json', async (t) => {
  const { app } = await makeApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const big = await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(big, /^HTTP\/1\.1 431 /)
  t.match(big, /content-type: application\/problem\+json/i)
  t.match(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4)), { status: 431, type: 'urn:evidence-ledger:problem:headers-too-large' })
  const smuggle = await raw(port, 'POST /v1/records HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n')
  t.match(smuggle, /^HTTP\/1\.1 400 /)
  t.match(smuggle, /content-type: application\/problem\+json/i)
  t.match(JSON.parse(smuggle.slice(smuggle.indexOf('\r\n\r\n') + 4)), { status: 400, type: 'urn:evidence-ledger:problem:validation' })
})

t.test('a token made with another DATA_DIR says so, at the CLI and at the server', async (t) => {
  const { app } = await makeApp(t)
  const other = tempDir(t, 'el-other-')
  const cli = await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env: { ...process.env, DATA_DIR: other } })
  t.match(cli.stderr, /no dev token key in .*; made one at .*token-key\.jwk\.json \(a server must use DATA_DIR=/)
  t.match(cli.stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'stdout is still only the token')
  const res = await app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${cli.stdout.trim()}` }, payload: EVIDENCE })
  t.equal(res.statusCode, 401)
  t.match(res.json().detail, /token signature is invalid \(it was made with dev key "dev-\w+", this server's dev key is "dev-\w+": was the token made with another DATA_DIR\?\)/)
})
