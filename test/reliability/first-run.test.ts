// What a newcomer sees: a first start says where it listens, where the data is, that keys
// were made and which verifier key to publish, and what to try next; the CLI's progress
// and failure lines read as plain words.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CLI, startServer, waitExit } from '../../scripts/server-process.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { timeLeft } from '../../src/commands/progress.ts'
import { failureLine } from '../../src/commands/audit.ts'

const run = promisify(execFile)

t.test('the first start prints where it listens, the data directory, the new keys, the verifier key and three next steps', async (t) => {
  const dir = tempDir(t, 'el-first-')
  const first = await startServer({ DATA_DIR: dir })
  t.teardown(() => { first.child.kill('SIGKILL') })
  const keys = await (await fetch(`${first.url}/v1/keys`)).json() as { keys: { vkey: string; current: boolean }[] }
  const vkey = keys.keys.find((k) => k.current)!.vkey
  const out = first.output()
  t.match(out, `evidence-ledger is serving on ${first.url}`)
  t.match(out, `data directory  ${dir} (new: a checkpoint signing key and a dev token key were generated`)
  t.match(out, `verifier key    ${vkey}`)
  t.match(out, /1\. TOKEN=\$\(DATA_DIR=.* npx evidence-ledger token --role submitter\)/)
  t.match(out, `curl -s -X POST ${first.url}/v1/records`)
  t.match(out, `open ${first.url}/docs`)
  first.child.kill('SIGTERM')
  await waitExit(first.child)
  const second = await startServer({ DATA_DIR: dir })
  t.teardown(() => { second.child.kill('SIGKILL') })
  t.notMatch(second.output(), '(new:', 'a later start does not claim new keys')
  second.child.kill('SIGTERM')
  await waitExit(second.child)
  const json = await startServer({ DATA_DIR: dir, LOG_FORMAT: 'json', LOG_LEVEL: 'info' })
  t.teardown(() => { json.child.kill('SIGKILL') })
  json.child.kill('SIGTERM')
  await waitExit(json.child)
  t.notMatch(json.output(), 'evidence-ledger is serving', 'LOG_FORMAT=json prints only JSON lines')
  for (const line of json.output().trim().split('\n')) t.doesNotThrow(() => JSON.parse(line), `a JSON line: ${line.slice(0, 60)}`)
})

t.test('progress and failure lines read as words', async (t) => {
  t.equal(timeLeft(12.2), '13 s')
  t.equal(timeLeft(185), '3 min')
  t.equal(timeLeft(7500), '2 h 05 min')
  t.equal(failureLine({ ok: false, entries: 4, blocks: 2, root: '', position: { what: 'entry', index: 4 }, error: 'entry 4: leaf hash does not match' } as never),
    'audit FAILED at entry 4: leaf hash does not match', 'the position is said once')
})

t.test('export --url without a token says what to pass, not raw 401 JSON', async (t) => {
  const res = await run(process.execPath, [CLI, 'export', '--url', 'http://127.0.0.1:9', '--out', `${tempDir(t)}/x.ndjson`], { env: { ...process.env, EVIDENCE_LEDGER_TOKEN: '' } })
    .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e)
  t.equal(res.code, 2)
  t.match(res.stderr, /export --url needs an admin token: pass --token <jwt> or set EVIDENCE_LEDGER_TOKEN/)
})
