import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createServer } from 'node:net'
import { CLI, freePort, startServer, waitExit } from '../../scripts/server-process.ts'
import { tempDir } from '../helpers/fixtures.ts'

const run = promisify(execFile)

/**
 * Runs `serve` expecting it to refuse; returns its stderr. A hang fails after 20 s, and
 * SIGKILL, because a start-up stuck in a synchronous loop never acts on SIGTERM.
 */
async function refuses(t: Test, env: NodeJS.ProcessEnv, why: RegExp, label: string): Promise<void> {
  const res = await run(process.execPath, [CLI, 'serve'], { env: { ...process.env, LOG_LEVEL: 'fatal', HOST: '127.0.0.1', ...env }, timeout: 20_000, killSignal: 'SIGKILL' })
    .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e)
  t.not(res.code, 0, `${label}: non-zero exit`)
  const lines = res.stderr.trim().split('\n')
  t.equal(lines.length, 1, `${label}: one line (${res.stderr.trim()})`)
  t.match(lines[0], /^evidence-ledger: /, `${label}: names the program`)
  t.match(lines[0], why, label)
  t.notMatch(res.stderr, /\n\s+at /, `${label}: no stack trace`)
}


async function seeded(t: Test): Promise<string> {
  const dir = tempDir(t, 'el-start-')
  const s = await startServer({ DATA_DIR: dir })
  const token = (await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env: { ...process.env, DATA_DIR: dir } })).stdout.trim()
  for (let i = 0; i < 3; i++) {
    await fetch(`${s.url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ kind: 'evidence', id: `E-${i}`, subject: '91350100M000100Y43', commitment: 'sha256:' + 'ab'.repeat(32) }) })
  }
  s.child.kill('SIGTERM')
  t.equal((await waitExit(s.child)).code, 0, 'SIGTERM stops the service cleanly')
  return dir
}

t.test('startup faults give one clear line and a non-zero exit, never an empty or forked log', async (t) => {
  const file = join(tempDir(t), 'a-file')
  writeFileSync(file, 'x')
  await refuses(t, { DATA_DIR: join(file, 'data') }, /cannot (write|open)|ENOTDIR|not a directory/i, 'DATA_DIR below a regular file')
  const pseudo = (dir: string, root: string) => new RegExp(`^evidence-ledger: configuration: cannot create ${dir}: it is on a pseudo file system \\(${root}\\), not a disk; choose a DATA_DIR on a real disk$`)
  await refuses(t, { DATA_DIR: '/sys/evidence-ledger' }, pseudo('/sys/evidence-ledger', '/sys'), 'DATA_DIR under /sys')
  // Node's recursive mkdir spins forever here; the 20 s timeout of refuses() catches a hang.
  await refuses(t, { DATA_DIR: '/proc/evidence-ledger-test' }, pseudo('/proc/evidence-ledger-test', '/proc'), 'DATA_DIR under /proc')
  await refuses(t, { DATA_DIR: '/proc/self/evidence-ledger/data' }, pseudo('/proc/self/evidence-ledger/data', '/proc'), 'DATA_DIR deeper under /proc')
  // Root may create directories in /dev (a tmpfs): the ledger would vanish at reboot.
  await refuses(t, { DATA_DIR: '/dev/evidence-ledger-test/data' }, pseudo('/dev/evidence-ledger-test/data', '/dev'), 'DATA_DIR under /dev')
  t.notOk(existsSync('/dev/evidence-ledger-test'), 'and nothing is left in /dev')
  await refuses(t, { DATA_DIR: tempDir(t), PORT: 'eighty' }, /PORT must be a whole number/, 'bad PORT')

  const dir = await seeded(t)
  const wrongKey = join(tempDir(t), 'other')
  mkdirSync(wrongKey)
  cpSync(join(dir, 'ledger'), join(wrongKey, 'ledger'), { recursive: true })
  await refuses(t, { DATA_DIR: wrongKey }, /wrong signing key/, 'a log with a different signing key')
  t.same(readdirSync(join(wrongKey, 'keys')).sort(), ['checkpoint.skey', 'token-key.jwk.json'], 'a new key was generated but the log was not touched')

  const corrupt = join(tempDir(t), 'corrupt')
  cpSync(dir, corrupt, { recursive: true })
  for (const f of readdirSync(join(corrupt, 'ledger'))) {
    if (/^(MANIFEST|CURRENT)/.test(f)) writeFileSync(join(corrupt, 'ledger', f), 'garbage')
  }
  await refuses(t, { DATA_DIR: corrupt }, /corrupt|cannot open/i, 'corrupted LevelDB')

  const busy = createServer()
  const port = await freePort()
  await new Promise<void>((r) => busy.listen(port, '127.0.0.1', r))
  t.teardown(() => busy.close())
  await refuses(t, { DATA_DIR: dir, PORT: String(port) }, /port .*in use/i, 'port in use')

  // A read-only DATA_DIR that already holds a log (a read-only bind mount, where allowed).
  const ro = join(tempDir(t), 'ro')
  cpSync(dir, ro, { recursive: true })
  const mounted = await run('mount', ['-o', 'bind,ro', ro, ro]).then(() => true, () => false)
  if (mounted) {
    t.teardown(() => run('umount', [ro]).catch(() => undefined))
    await refuses(t, { DATA_DIR: ro }, /cannot (write|open)|read-only|EROFS/i, 'read-only DATA_DIR')
  } else {
    t.comment('read-only bind mount not permitted here: skipped that case')
  }

  const s = await startServer({ DATA_DIR: dir })
  const cp = await (await fetch(`${s.url}/v1/checkpoint`)).text()
  t.match(cp, /\n3\n/, 'after all the failed starts the log still holds its 3 entries')
  const second = await run(process.execPath, [CLI, 'serve'], { env: { ...process.env, DATA_DIR: dir, PORT: String(await freePort()), LOG_LEVEL: 'fatal' }, timeout: 20_000 }).catch((e: { code: number; stderr: string }) => e)
  t.not((second as { code: number }).code, 0, 'a second service on the same DATA_DIR refuses')
  t.match((second as { stderr: string }).stderr, /in use by another evidence-ledger process/)
  s.child.kill('SIGTERM')
  await waitExit(s.child)
  rmSync(corrupt, { recursive: true, force: true })
})
