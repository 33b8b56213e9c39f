// TSA_URL and TSA_CERT: both or neither, an http(s) URL, a PEM that holds a certificate;
// every refusal is a one-line configuration error at start, never a stamping loop that can
// only fail.
import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { describeStartupError } from '../../src/startup-errors.ts'
import { makeApp } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'

t.test('TSA_URL and TSA_CERT are checked at start', async (t) => {
  t.equal(loadConfig({}).tsa, undefined, 'neither: no time-stamping')
  t.throws(() => loadConfig({ TSA_URL: 'http://tsa.example/' }), new ConfigError('TSA_URL and TSA_CERT go together: the TSA\'s address and the PEM file of its certificate (or its CA)'))
  t.throws(() => loadConfig({ TSA_CERT: '/x.pem' }), ConfigError)
  t.throws(() => loadConfig({ TSA_URL: 'not a url', TSA_CERT: '/x.pem' }), /TSA_URL is not a URL: not a url/)
  t.throws(() => loadConfig({ TSA_URL: 'ftp://tsa.example/', TSA_CERT: '/x.pem' }), /TSA_URL must be an http\(s\) URL/)
  t.same(loadConfig({ TSA_URL: 'https://tsa.example/ts', TSA_CERT: '/etc/tsa.pem' }).tsa, { url: 'https://tsa.example/ts', certPath: '/etc/tsa.pem', intervalMs: 1000 })
  t.equal(loadConfig({ TSA_URL: 'https://tsa.example/ts', TSA_CERT: '/etc/tsa.pem', TSA_INTERVAL: '0.25' }).tsa?.intervalMs, 250)
  t.equal(loadConfig({ TSA_URL: 'https://tsa.example/ts', TSA_CERT: '/etc/tsa.pem', TSA_INTERVAL: '0' }).tsa?.intervalMs, 0)
  t.throws(() => loadConfig({ TSA_URL: 'https://tsa.example/ts', TSA_CERT: '/etc/tsa.pem', TSA_INTERVAL: '1m' }), /TSA_INTERVAL must be a number of seconds like 1 or 0.5, got "1m"/)

  const dir = tempDir(t)
  const notPem = join(dir, 'not.pem')
  writeFileSync(notPem, 'hello\n')
  for (const [path, message] of [
    [join(dir, 'missing.pem'), /^configuration: TSA_CERT: cannot read .*missing\.pem: ENOENT/],
    [notPem, /^configuration: TSA_CERT .*not\.pem: no "-----BEGIN CERTIFICATE-----" block found$/],
  ] as const) {
    const e = await makeApp(t, { TSA_URL: 'http://127.0.0.1:9/', TSA_CERT: path }).then(() => null, (err: unknown) => err)
    t.ok(e instanceof ConfigError)
    t.match(describeStartupError(e), message)
  }
})

t.test('without TSA_URL: no timestamping in /readyz, /v1/timestamps says why, bundles have no member', async (t) => {
  const { app } = await makeApp(t)
  t.notOk('timestamping' in (await app.inject({ url: '/readyz' })).json())
  const r = await app.inject({ url: '/v1/timestamps' })
  t.equal(r.statusCode, 404)
  t.match(r.json().detail, /no TSA_URL/)
  t.match((await app.inject({ url: '/metrics' })).body, /ledger_timestamped_tree_size -1\n/)
})
