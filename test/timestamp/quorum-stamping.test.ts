// With a witness policy only checkpoints that met the quorum are time-stamped: a real log, the
// ledger's Witnessing against a scripted witness (real cosigner key, fake fetch), the
// Timestamping loop and a real TSA (openssl ts over HTTP). While the witness refuses, appends
// go on and nothing is sent to the TSA; once it cosigns, the quorum checkpoint (with its
// cosignature) is stamped, and the token verifies for it.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { generateCosigner } from '../../chain/cosigner.ts'
import { parseNote } from '../../chain/note.ts'
import { parsePolicy } from '../../chain/policy.ts'
import { parsePemCertificates, verifyTimestampToken } from '../../chain/timestamp.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { TimestampStore } from '../../src/timestamp-store.ts'
import { Timestamping, stampSource } from '../../src/timestamping.ts'
import { Witnessing } from '../../src/witnessing.ts'
import { openLog, request, tempDir } from '../helpers/fixtures.ts'
import { OPENSSL, startTsa } from '../helpers/tsa.ts'
import { untilTrue } from '../helpers/eventually.ts'

if (!existsSync(OPENSSL)) throw new Error(`${OPENSSL} is missing: apt-get install openssl (.ci/run does)`)

const quiet = { info: () => {}, warn: () => {} }

t.test('only checkpoints that met the quorum are stamped', async (t) => {
  const tsa = await startTsa(t)
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  const witness = generateCosigner('w.example/w')
  const policy = parsePolicy(`log ${log.signer.vkey}\nwitness w ${witness.vkey} http://w.test/\nquorum w\n`)
  let cosigning = false
  const fakeFetch = (async (_input: string | URL | Request, init?: RequestInit) => {
    const body = String(init?.body)
    const note = body.slice(body.indexOf('\n\n') + 2)
    if (!cosigning) return new Response('down for maintenance', { status: 503 })
    return new Response(witness.cosign(parseNote(note).body, 1_700_000_000), { status: 200 })
  }) as typeof fetch
  const witnessing = new Witnessing({ log, policy, logger: quiet, fetch: fakeFetch, backoffMs: 50, maxBackoffMs: 100 })
  t.teardown(() => witnessing.close())
  const store = new TimestampStore(join(tempDir(t), 'timestamps'))
  await store.open()
  t.teardown(() => store.close())
  const stamping = new Timestamping({ source: stampSource(log, witnessing), store, url: tsa.url, trust: parsePemCertificates(tsa.keys.caPem), logger: quiet })
  t.teardown(() => stamping.close())
  await stamping.start()

  for (let i = 0; i < 5; i++) await log.append([request(i)])
  await untilTrue('the witness to be asked and refuse', () => witnessing.status().witnesses[0].consecutiveFailures > 0)
  t.equal(log.size, 5, 'appends went on without the witness')
  t.same(stamping.status(), { url: tsa.url, stamps: 'witness quorum', stampedSize: null, genTime: null, pendingSize: null, lastError: null, consecutiveFailures: 0 })
  t.equal(tsa.answered, 0, 'no request to the TSA for checkpoints without the quorum')

  cosigning = true
  await untilTrue('a stamped quorum checkpoint', () => stamping.status().stampedSize === 5)
  const stored = await store.get(5)
  t.ok(stored, 'the token is stored under its size')
  const note = stored!.checkpoint
  t.equal(parseNote(note).signatures.length, 2, 'the stamped checkpoint is the witnessed one: log signature + cosignature')
  t.equal(note, witnessing.witnessed()!.note)
  const v = await verifyTimestampToken(stored!.token, utf8ToBytes(parseNote(note).body), parsePemCertificates(tsa.keys.caPem))
  t.ok(v.ok, 'its token verifies for that checkpoint')
  t.equal(v.ok && v.genTime.toISOString(), stored!.genTime)
  t.equal(tsa.answered, 1)
})
