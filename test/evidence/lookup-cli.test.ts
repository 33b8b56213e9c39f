// `get`, `search` and `loginfo` against a real running ledger, in words and as JSON; `get`
// verifies the inclusion proof itself and fails against a key it does not trust.
import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { CLI, startServer } from '../../scripts/server-process.ts'
import { tempDir, testSigner, uscc } from '../helpers/fixtures.ts'

const run = promisify(execFile)

t.test('get, search and loginfo against a running ledger', async (t) => {
  const dir = tempDir(t, 'el-lookup-')
  const server = await startServer({ DATA_DIR: dir })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const env = { ...process.env, DATA_DIR: dir, EVIDENCE_LEDGER_URL: server.url }
  const submitter = (await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env })).stdout.trim()
  const auditor = (await run(process.execPath, [CLI, 'token', '--role', 'auditor'], { env })).stdout.trim()
  const receipts = []
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${server.url}/v1/records`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${submitter}` },
      body: JSON.stringify({ kind: 'evidence', id: `EV-${i}`, subject: uscc(i % 2), commitment: 'sha256:' + String(i).repeat(64).slice(0, 64) }),
    })
    receipts.push(await res.json() as { entry: { index: number; leafHash: string } })
  }
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => run(process.execPath, [CLI, ...args], { env: { ...env, EVIDENCE_LEDGER_TOKEN: auditor, ...extra } })
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e)

  const byId = await cli(['get', '--id', 'evidence:EV-3'])
  t.equal(byId.code, 0, byId.stderr)
  t.match(byId.stdout, /entry 3 \(block 3\)/)
  t.match(byId.stdout, /PASS  inclusion: entry 3 is included in the tree of size 5/)
  t.match(byId.stdout, /VERIFIED: entry 3 is in the ledger's signed tree of size 5/)
  const byLeaf = await cli(['get', '--leaf', receipts[1].entry.leafHash, '--json'])
  const j = JSON.parse(byLeaf.stdout) as { entry: { index: number }; verified: boolean }
  t.equal(j.entry.index, 1)
  t.equal(j.verified, true)
  const otherKey = testSigner().vkey
  const distrust = await cli(['get', '--index', '2', '--key', otherKey])
  t.equal(distrust.code, 1, 'a key the ledger did not sign with: not verified')
  t.match(distrust.stdout, /NOT VERIFIED/)

  const search = await cli(['search', uscc(1)])
  t.equal(search.code, 0)
  t.match(search.stdout, /2 entries by enterprise \(USCC\)/)
  const byCommitment = await cli(['search', 'sha256:' + '3'.repeat(64)])
  t.equal(byCommitment.code, 0)
  t.match(byCommitment.stdout, /1 entry by commitment:\n\nentry 3 /)
  const docRes = await fetch(`${server.url}/v1/records`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${submitter}` },
    body: JSON.stringify({ kind: 'evidence', record: { evidenceId: 'EV-DOC', subject: uscc(1), title: '合同', documents: [{ name: 'c.pdf', sha256: 'e7'.repeat(32), size: 3 }] } }),
  })
  t.equal(docRes.status, 201)
  const byDocument = await cli(['search', 'e7'.repeat(32)])
  t.match(byDocument.stdout, /1 entry by a document's SHA-256 \(in the record\):\n\nentry 5 /)
  t.equal(((JSON.parse((await cli(['search', 'e7'.repeat(32), '--json'])).stdout)) as { matched: string }).matched, 'document')
  const notALeaf = await cli(['get', '--leaf', 'e7'.repeat(32)])
  t.equal(notALeaf.code === 0, false, 'get --leaf takes only a leaf hash, not a document hash')
  const none = await cli(['search', 'evidence:NOPE'])
  t.equal(none.code, 1)
  t.match(none.stdout, /nothing matches evidence:NOPE/)

  const info = await cli(['loginfo'])
  t.match(info.stdout, /tree size  6 entries/)
  t.match(info.stdout, /signed by  localhost\/evidence-ledger \(only the operator vouches/)
  t.equal((JSON.parse((await cli(['loginfo', '--json'])).stdout) as { treeSize: number }).treeSize, 6)

  const noToken = await cli(['search', 'EV-1'], { EVIDENCE_LEDGER_TOKEN: '' })
  t.equal(noToken.code, 2)
  t.match(noToken.stderr, /needs an auditor token/)
  const down = await cli(['loginfo', '--url', 'http://127.0.0.1:9'])
  t.equal(down.code, 2)
  t.match(down.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/)
})
