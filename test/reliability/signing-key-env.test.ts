// The checkpoint signing key from the environment (LEDGER_SIGNING_KEY / _FILE): how N
// instances share one key without a shared disk. The key is used as given and never
// written into DATA_DIR; bad or conflicting keys are refused in words that never echo the
// secret; and instances over one database that sign with different keys are refused.
import t from 'tap'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { generateSigner } from '../../chain/checkpoint.ts'
import { verifyCheckpoint } from '../../chain/verify.ts'
import { parseVkey } from '../../chain/note.ts'
import { buildApp } from '../../src/app.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { ORIGIN, tempDir } from '../helpers/fixtures.ts'
import { startPostgres } from '../helpers/postgres.ts'

const base = { LEDGER_ORIGIN: ORIGIN }

t.test('LEDGER_SIGNING_KEY signs the checkpoints and no key file is made', async (t) => {
  const signer = generateSigner(ORIGIN)
  const h = await makeApp(t, { LEDGER_SIGNING_KEY: signer.skey })
  t.equal((await h.app.inject({ url: '/v1/keys' })).json().keys[0].vkey, signer.vkey, '/v1/keys names the given key')
  const created = await h.app.inject({ method: 'POST', url: '/v1/records', headers: await h.auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(1).evidence } })
  t.equal(created.statusCode, 201)
  t.ok(verifyCheckpoint(created.json().checkpoint, parseVkey(signer.vkey)).ok, 'the receipt\'s checkpoint verifies under it')
  t.notOk(verifyCheckpoint(created.json().checkpoint, parseVkey(generateSigner(ORIGIN).vkey)).ok, 'and not under another key')
  t.notOk(existsSync(join(h.dataDir, 'keys', 'checkpoint.skey')), 'DATA_DIR holds no signing key')
})

t.test('LEDGER_SIGNING_KEY_FILE reads the key from a file (an orchestrator\'s mounted secret)', async (t) => {
  const signer = generateSigner(ORIGIN)
  const dir = tempDir(t)
  const file = join(dir, 'skey')
  writeFileSync(file, signer.skey + '\n')
  const h = await makeApp(t, { LEDGER_SIGNING_KEY_FILE: file })
  t.equal(h.app.checkpointKeys.signer.vkey, signer.vkey)
})

t.test('bad or conflicting keys are refused, and the refusal never echoes the secret', async (t) => {
  const signer = generateSigner(ORIGIN)
  const dir = tempDir(t)
  const build = (env: NodeJS.ProcessEnv) => Promise.resolve().then(() => buildApp(loadConfig({ ...base, DATA_DIR: dir, ...env })))
  t.throws(() => loadConfig({ ...base, LEDGER_SIGNING_KEY: signer.skey, LEDGER_SIGNING_KEY_FILE: '/x' }), /not both/)
  t.throws(() => loadConfig({ ...base, LEDGER_SIGNING_KEY_FILE: join(dir, 'missing') }), /LEDGER_SIGNING_KEY_FILE cannot be read: ENOENT/)
  const garbled = signer.skey.slice(0, -6) + 'AAAAAA'
  const refused = await build({ LEDGER_SIGNING_KEY: garbled }).then(() => null, (e: Error) => e)
  t.type(refused, ConfigError)
  t.match(refused?.message, /LEDGER_SIGNING_KEY is not a usable checkpoint signing key/)
  t.notMatch(refused?.message, garbled.split('+')[4], 'the key is not in the message')
  await t.rejects(build({ LEDGER_SIGNING_KEY: generateSigner('other.example/log').skey }), /for "other\.example\/log", but LEDGER_ORIGIN is/)
  // DATA_DIR already has its own key file: two sources that disagree.
  mkdirSync(join(dir, 'keys'), { recursive: true, mode: 0o700 })
  writeFileSync(join(dir, 'keys', 'checkpoint.skey'), generateSigner(ORIGIN).skey + '\n', { mode: 0o600 })
  await t.rejects(build({ LEDGER_SIGNING_KEY: signer.skey }), /are different signing keys/)
})

const server = await startPostgres(t)
if ('skip' in server) {
  t.test('instances over one database', { skip: server.skip }, async () => undefined)
} else {
  t.test('two instances over one database with one LEDGER_SIGNING_KEY and separate DATA_DIRs make one log', async (t) => {
    const signer = generateSigner(ORIGIN)
    const url = await server.newDatabase()
    const a = await makeApp(t, { DATABASE_URL: url, LEDGER_SIGNING_KEY: signer.skey })
    const b = await makeApp(t, { DATABASE_URL: url, LEDGER_SIGNING_KEY: signer.skey })
    t.not(a.dataDir, b.dataDir)
    for (const [h, n] of [[a, 1], [b, 2], [a, 3]] as const) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: await h.auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(n).evidence } })
      t.equal(res.statusCode, 201)
      t.ok(verifyCheckpoint(res.json().checkpoint, parseVkey(signer.vkey)).ok)
    }
    await a.app.ledger.log.refresh()
    await b.app.ledger.log.refresh()
    t.equal(a.app.ledger.log.size, 3)
    t.equal(b.app.ledger.log.checkpoint(), a.app.ledger.log.checkpoint(), 'both serve the same checkpoint')
  })

  t.test('an instance with another key over the same database is refused, at start and while running', async (t) => {
    const url = await server.newDatabase()
    const a = await makeApp(t, { DATABASE_URL: url, LEDGER_SIGNING_KEY: generateSigner(ORIGIN).skey })
    // B starts while the database is still empty: nothing to compare its key with yet.
    const b = await makeApp(t, { DATABASE_URL: url, LEDGER_SIGNING_KEY: generateSigner(ORIGIN).skey })
    t.equal((await a.app.inject({ method: 'POST', url: '/v1/records', headers: await a.auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(1).evidence } })).statusCode, 201)
    await t.rejects(b.app.ledger.log.refresh(), /every instance over one database must use the same signing key/, 'B refuses to adopt A\'s checkpoint')
    const res = await b.app.inject({ method: 'POST', url: '/v1/records', headers: await b.auth('submitter'), payload: { kind: 'evidence', record: sampleRecords(2).evidence } })
    t.equal(res.statusCode, 503, 'and does not append after it: unavailable, not an internal error')
    t.match(res.headers['content-type'], /application\/problem\+json/)
    t.match(res.json().detail, /stopped writing/)
    t.notMatch(res.body, /LEDGER_SIGNING_KEY|vkey|\+[0-9a-f]{8}\+/, 'the client is not told about keys')
    // Its own refresh finds the same: readiness goes 503, so a balancer stops sending to it.
    let ready = 200
    for (let i = 0; i < 50 && ready !== 503; i++) {
      await sleep(100)
      ready = (await b.app.inject({ url: '/readyz' })).statusCode
    }
    t.equal(ready, 503, 'B reports itself not ready')
    t.equal((await a.app.inject({ url: '/readyz' })).statusCode, 200, 'A stays ready')
    t.equal(a.app.ledger.log.size, 1)
    // A third instance with yet another key cannot start at all.
    await t.rejects(makeApp(t, { DATABASE_URL: url, LEDGER_SIGNING_KEY: generateSigner(ORIGIN).skey }), /wrong signing key .*same one/)
  })
}
