import t from 'tap'
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK } from 'jose'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'
import { loadTokenKey } from '../../src/keys.ts'
import { DEV_ISSUER, DEFAULT_AUDIENCE } from '../../src/config.ts'
import { ROLES, type Role } from '../../plugins/auth.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CLI } from '../../scripts/server-process.ts'

const run = promisify(execFile)

interface Endpoint { method: 'GET' | 'POST' | 'DELETE'; url: string; roles: Role[] | 'public'; payload?: unknown }

/** Every endpoint of docs/api.md with the roles that may call it. */
function endpoints(): Endpoint[] {
  const rec = sampleRecords(1)
  return [
    { method: 'POST', url: '/v1/records', roles: ['submitter'], payload: { kind: 'evidence', record: rec.evidence } },
    { method: 'POST', url: '/v1/records:batch', roles: ['submitter'], payload: { records: [{ kind: 'evidence', record: sampleRecords(2).evidence }] } },
    { method: 'GET', url: '/v1/records/evidence/EV-1', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/entries/0', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/blocks/0', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: `/v1/subjects/${uscc(1)}/entries`, roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/blocks?limit=5', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/entries?after=0&kind=evidence', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/search?q=evidence:EV-1', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/stats', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/stats?window=day', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: `/v1/search?q=${'ab'.repeat(32)}`, roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: `/v1/subjects/${uscc(1)}/authorizations?at=2026-12-01T08:00:00%2B08:00`, roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/authorizations/AUTH-1/status', roles: ['auditor', 'court', 'admin'] },
    { method: 'GET', url: '/v1/evidence/evidence/EV-1', roles: ['court', 'admin'] },
    { method: 'GET', url: '/v1/export', roles: ['admin'] },
    // Last: the one admin call erases EV-3's payload.
    { method: 'DELETE', url: '/v1/records/evidence/EV-3/payload', roles: ['admin'], payload: { reason: 'PIPL erasure request' } },
    { method: 'GET', url: '/v1/checkpoint', roles: 'public' },
    { method: 'GET', url: '/v1/keys', roles: 'public' },
    { method: 'GET', url: '/.well-known/jwks.json', roles: 'public' },
    { method: 'GET', url: '/v1/proofs/inclusion?index=0', roles: 'public' },
    { method: 'GET', url: '/v1/proofs/consistency?from=1&to=2', roles: 'public' },
    { method: 'GET', url: '/healthz', roles: 'public' },
    { method: 'GET', url: '/readyz', roles: 'public' },
    { method: 'GET', url: '/metrics', roles: 'public' },
    { method: 'GET', url: '/docs/json', roles: 'public' },
    { method: 'GET', url: '/console', roles: 'public' },
  ]
}

t.test('role × endpoint matrix: no token 401, wrong role 403, right role passes, public needs none', async (t) => {
  const { app, auth } = await makeApp(t)
  const submit = await auth('submitter')
  for (const body of [{ kind: 'evidence', record: sampleRecords(1).evidence }, { kind: 'data-authorization', record: sampleRecords(1)['data-authorization'] }, { kind: 'evidence', record: sampleRecords(3).evidence }]) {
    t.equal((await app.inject({ method: 'POST', url: '/v1/records', headers: submit, payload: body })).statusCode, 201)
  }
  for (const e of endpoints()) {
    const none = await app.inject({ method: e.method, url: e.url, payload: e.payload as object })
    if (e.roles === 'public') {
      t.equal(none.statusCode, 200, `${e.method} ${e.url} is public`)
      continue
    }
    t.equal(none.statusCode, 401, `${e.method} ${e.url} without token`)
    t.equal(none.json().type, 'urn:evidence-ledger:problem:unauthorized')
    const size = app.ledger.log.size
    for (const role of ROLES.filter((r) => !(e.roles as Role[]).includes(r))) {
      const res = await app.inject({ method: e.method, url: e.url, payload: e.payload as object, headers: await auth(role) })
      t.equal(res.statusCode, 403, `${e.method} ${e.url} as ${role}`)
      t.equal(res.json().type, 'urn:evidence-ledger:problem:forbidden')
    }
    t.equal(app.ledger.log.size, size, `${e.method} ${e.url}: refused calls wrote nothing`)
    for (const role of e.roles) {
      const res = await app.inject({ method: e.method, url: e.url, payload: e.payload as object, headers: await auth(role) })
      t.ok(res.statusCode >= 200 && res.statusCode < 300, `${e.method} ${e.url} as ${role}: ${res.statusCode} ${res.statusCode >= 300 ? res.body.slice(0, 200) : ''}`)
    }
  }
  const multi = await app.inject({ url: '/v1/entries/0', headers: await auth(['submitter', 'auditor']) })
  t.equal(multi.statusCode, 200, 'a token with several roles gets the union')
})

t.test('a cached token stops working when it expires', async (t) => {
  const { app, dataDir } = await makeApp(t)
  const key = await loadTokenKey(dataDir, true)
  // 2–3 s ahead: a 1–2 s window was overrun on a loaded 2-core machine before the first request.
  const exp = Math.floor(Date.now() / 1000) + 3
  const token = await new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('short-lived').setExpirationTime(exp).sign(key.privateKey)
  const headers = { authorization: `Bearer ${token}` }
  t.equal((await app.inject({ url: '/v1/entries/0', headers })).statusCode, 404, 'valid: passes auth (no entry 0 yet)')
  t.equal((await app.inject({ url: '/v1/entries/0', headers })).statusCode, 404, 'second use is served from the cache')
  await sleep(exp * 1000 - Date.now() + 50)
  const late = await app.inject({ url: '/v1/entries/0', headers })
  t.equal(late.statusCode, 401, 'after exp the cached verification is not reused')
  t.match(late.json().detail, /expired/)
})

t.test('roles outside the known set grant nothing', async (t) => {
  const { app, dataDir } = await makeApp(t)
  const key = await loadTokenKey(dataDir, true)
  const token = await new SignJWT({ roles: ['root', 'Admin', 42] }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('x').setExpirationTime('5m').sign(key.privateKey)
  t.equal((await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${token}` } })).statusCode, 403)
  const noRoles = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('x').setExpirationTime('5m').sign(key.privateKey)
  t.equal((await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${noRoles}` } })).statusCode, 403)
})

t.test('bad tokens are 401: expired, wrong issuer, wrong audience, alg none, tampered, foreign key, garbage', async (t) => {
  const { app, dataDir } = await makeApp(t)
  const key = await loadTokenKey(dataDir, true)
  const base = (claims: Partial<{ iss: string; aud: string; exp: number }> = {}) =>
    new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setIssuer(claims.iss ?? DEV_ISSUER).setAudience(claims.aud ?? DEFAULT_AUDIENCE).setSubject('x')
      .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
  const good = await base().sign(key.privateKey)
  const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const [h, p, s] = good.split('.')
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString())
  const elevated = Buffer.from(JSON.stringify({ ...payload, roles: ['admin'] })).toString('base64url')
  const bad: Record<string, string> = {
    expired: await base({ exp: Math.floor(Date.now() / 1000) - 10 }).sign(key.privateKey),
    'wrong issuer': await base({ iss: 'someone-else' }).sign(key.privateKey),
    'wrong audience': await base({ aud: 'other-service' }).sign(key.privateKey),
    'alg none': new UnsecuredJWT({ roles: ['auditor'], sub: 'x', iss: DEV_ISSUER, aud: DEFAULT_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600 }).encode(),
    'tampered payload': `${h}.${elevated}.${s}`,
    'tampered signature': `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    'foreign key': await base().sign(foreign.privateKey),
    'HS256 with the public key as secret': await new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('x').setExpirationTime('10m')
      .sign(new TextEncoder().encode(JSON.stringify(key.publicJwk))),
    garbage: 'not.a.jwt',
  }
  t.equal((await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${good}` } })).statusCode, 404, 'the good token passes auth')
  for (const [what, token] of Object.entries(bad)) {
    const res = await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 401, what)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`)
  }
  const basic = await app.inject({ url: '/v1/entries/0', headers: { authorization: 'Basic dXNlcjpwYXNz' } })
  t.equal(basic.statusCode, 401)
})

t.test('a refused token is refused again without another signature check; a not-yet-valid one is checked again', async (t) => {
  const { app, dataDir } = await makeApp(t)
  const key = await loadTokenKey(dataDir, true)
  const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const signed = (k: CryptoKey, nbf?: number) => {
    const jwt = new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .setIssuer(DEV_ISSUER).setAudience(DEFAULT_AUDIENCE).setSubject('x').setExpirationTime('10m')
    return (nbf === undefined ? jwt : jwt.setNotBefore(nbf)).sign(k)
  }
  // jose verifies through WebCrypto: count the signature checks it asks for.
  const subtle = globalThis.crypto.subtle
  const original = subtle.verify.bind(subtle)
  let checks = 0
  subtle.verify = (...args: Parameters<SubtleCrypto['verify']>) => {
    checks++
    return original(...args)
  }
  t.teardown(() => { subtle.verify = original })
  const ask = async (token: string) => {
    const res = await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${token}` } })
    return { status: res.statusCode, detail: res.json().detail as string }
  }
  const forged = await signed(foreign.privateKey)
  const first = await ask(forged)
  t.same(first, { status: 401, detail: 'token signature is invalid' })
  t.equal(checks, 1, 'the first refusal costs one signature check')
  for (let i = 0; i < 50; i++) t.same(await ask(forged), first, `refusal ${i + 2} says the same`)
  t.equal(checks, 1, 'the next 50 cost none')

  const early = await signed(key.privateKey, Math.floor(Date.now() / 1000) + 3600)
  checks = 0
  t.equal((await ask(early)).status, 401)
  t.equal((await ask(early)).status, 401)
  t.equal(checks, 2, 'a token that is only not yet valid is checked each time (it will become valid)')

  checks = 0
  const good = await signed(key.privateKey)
  t.equal((await ask(good)).status, 404, 'a good token still passes')
  t.equal((await ask(good)).status, 404)
  t.equal(checks, 1, 'and is checked once (the verified-token cache)')
})

t.test('with AUTH_JWKS_URL, tokens from the JWKS are accepted and the dev key is not trusted', async (t) => {
  const idp = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
  const { app, dataDir } = await makeApp(t, { AUTH_JWKS_URL: url, AUTH_ISSUER: 'https://idp.bank.example', AUTH_AUDIENCE: 'evidence-ledger-prod' })
  const idpToken = await new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
    .setIssuer('https://idp.bank.example').setAudience('evidence-ledger-prod').setSubject('auditor-7').setExpirationTime('5m').sign(idp.privateKey)
  t.equal((await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${idpToken}` } })).statusCode, 404, 'IdP token passes auth')
  const devKey = await loadTokenKey(dataDir, true)
  const devToken = await new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'EdDSA', kid: devKey.kid })
    .setIssuer('https://idp.bank.example').setAudience('evidence-ledger-prod').setSubject('x').setExpirationTime('5m').sign(devKey.privateKey)
  t.equal((await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${devToken}` } })).statusCode, 401, 'dev key is not trusted')
  const cli = await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env: { ...process.env, DATA_DIR: dataDir, AUTH_JWKS_URL: url, AUTH_ISSUER: 'https://idp.bank.example', AUTH_AUDIENCE: 'evidence-ledger-prod' } })
    .then(() => ({ code: 0, stdout: 'minted', stderr: '' }), (e: { code: number; stdout: string; stderr: string }) => e)
  t.not(cli.code, 0, 'the token command refuses in JWKS mode')
  t.equal(cli.stdout, '', 'and prints no token')
  t.match(cli.stderr, /AUTH_JWKS_URL is set/)
})

t.test('with AUTH_JWKS_URL, "key not known" is not remembered: a key rotated into the JWKS is accepted once jose may refetch', async (t) => {
  const old = await generateKeyPair('ES256')
  const next = await generateKeyPair('ES256')
  const jwk = async (k: CryptoKey, kid: string) => ({ ...(await exportJWK(k)), kid, alg: 'ES256', use: 'sig' })
  let keys = [await jwk(old.publicKey, 'idp-1')]
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => server.close())
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
  const { app } = await makeApp(t, { AUTH_JWKS_URL: url, AUTH_ISSUER: 'https://idp.bank.example', AUTH_AUDIENCE: 'evidence-ledger-prod' })
  const token = (k: CryptoKey, kid: string) => new SignJWT({ roles: ['auditor'] }).setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer('https://idp.bank.example').setAudience('evidence-ledger-prod').setSubject('auditor-7').setExpirationTime('5m').sign(k)
  const ask = async (jwt: string) => {
    const res = await app.inject({ url: '/v1/entries/0', headers: { authorization: `Bearer ${jwt}` } })
    return { status: res.statusCode, detail: res.statusCode === 401 ? res.json().detail as string : '' }
  }
  // Both jose's refetch cooldown (30 s) and the refusal memory (30 s) read Date.now():
  // move it by hand so the test needs no real waiting.
  const realNow = Date.now
  let offset = 0
  Date.now = () => realNow() + offset
  t.teardown(() => { Date.now = realNow })

  t.equal((await ask(await token(old.privateKey, 'idp-1'))).status, 404, 'the JWKS is fetched at t0')
  const rotated = await token(next.privateKey, 'idp-2')
  offset = 20_000 // inside jose's cooldown: no refetch, the key is not known
  t.same(await ask(rotated), { status: 401, detail: 'token key is not known' }, 'an unknown kid is refused')
  keys = [...keys, await jwk(next.publicKey, 'idp-2')]
  offset = 35_000 // cooldown over, but a remembered refusal (t0+20 s + 30 s) would still hold
  t.equal((await ask(rotated)).status, 404, 'after the rotation the same token passes: its refusal was not remembered')
})
