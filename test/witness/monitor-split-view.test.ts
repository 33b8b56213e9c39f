// monitor --peer: the ledger's checkpoint compared with another view of the same ledger (a
// mirror's /tlog/checkpoint here; a witness's monitoring endpoint works the same). A forked
// copy signed with the same key is a split view, reported with both signed checkpoints and
// exit 3; a peer that cannot be reached is exit 4, not a split view.
import t from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { comparePeer } from '../../src/commands/monitor.ts'
import { verifyCheckpoint } from '../../chain/verify.ts'
import { CLI, freePort } from '../../scripts/server-process.ts'
import { makeApp } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { appendEvidence as append, forkOf, listen } from '../helpers/forked-ledgers.ts'

const run = promisify(execFile)

t.test('monitor --peer: consistent peers pass, a forked view is a split view with evidence, an unreachable peer is not', async (t) => {
  const a = await makeApp(t)
  await append(a, 0, 10)
  const b = await forkOf(t, a)
  const urlA = await listen(a)
  const urlB = await listen(b)
  const vkey = a.app.ledger.log.signer.vkey
  const noteA = () => a.app.ledger.log.checkpoint()

  t.match(await comparePeer(urlA, vkey, noteA(), `${urlB}/tlog/checkpoint`), { kind: 'consistent', message: /same tree of size 10/ }, 'identical copies agree')
  await append(a, 100, 3)
  t.match(await comparePeer(urlA, vkey, noteA(), `${urlB}/tlog/checkpoint`), { kind: 'consistent', message: /consistent/ }, 'a peer that is behind but a prefix is fine')

  // B diverges: same key, another history.
  await append(b, 500, 5)
  const split = await comparePeer(urlA, vkey, noteA(), `${urlB}/tlog/checkpoint`)
  t.equal(split.kind, 'split-view')
  if (split.kind === 'split-view') {
    t.ok(verifyCheckpoint(split.evidence[0], vkey).ok && verifyCheckpoint(split.evidence[1], vkey).ok, 'both pieces of evidence carry valid ledger signatures')
    t.not(split.evidence[0], split.evidence[1])
  }
  await append(b, 600, 1) // sizes now differ the other way
  t.match(await comparePeer(urlA, vkey, noteA(), `${urlB}/tlog/checkpoint`), { kind: 'split-view' })

  const other = await makeApp(t)
  const urlOther = await listen(other)
  t.match(await comparePeer(urlA, vkey, noteA(), `${urlOther}/tlog/checkpoint`), { kind: 'bad-signature' }, 'another ledger\'s checkpoint is not evidence')

  // The CLI, once: exit 3 with both notes on stderr; exit 4 for a dead peer; 0 when all agree.
  const dir = tempDir(t)
  const keyFile = join(dir, 'ledger.vkey')
  writeFileSync(keyFile, vkey + '\n')
  const cli = (args: string[]) => run(process.execPath, [CLI, 'monitor', urlA, '--key', keyFile, '--once', '--state', join(dir, 'state.json'), ...args])
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e)
  const splitRun = await cli(['--peer', `${urlB}/tlog/checkpoint`])
  t.equal(splitRun.code, 3, 'split view has its own exit code')
  t.match(splitRun.stderr, /ALERT SPLIT VIEW/)
  t.ok(splitRun.stderr.includes(noteA()) && splitRun.stderr.includes(b.app.ledger.log.checkpoint()), 'both signed checkpoints are printed as evidence')
  const dead = await cli(['--peer', `http://127.0.0.1:${await freePort()}/tlog/checkpoint`])
  t.equal(dead.code, 4, 'an unreachable peer is exit 4, not a split view')
  const fine = await cli(['--peer', `${urlA}/tlog/checkpoint`])
  t.equal(fine.code, 0)
  const ledgerDown = await run(process.execPath, [CLI, 'monitor', `http://127.0.0.1:${await freePort()}`, '--key', keyFile, '--once', '--state', join(dir, 'state2.json')]).then(() => ({ code: 0 }), (e: { code: number }) => e)
  t.equal(ledgerDown.code, 4, 'an unreachable ledger is exit 4')
})
