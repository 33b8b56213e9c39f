// Ledger files hold record payloads and keys: only their owner may read them, whatever
// the umask of the shell that started the service; a signing key others can read is refused.
import t from 'tap'
import { execFile } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, startServer, waitExit } from '../../scripts/server-process.ts'
import { tempDir } from '../helpers/fixtures.ts'

const run = promisify(execFile)

function walk(dir: string): string[] {
  const out = [dir]
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...walk(p))
    else out.push(p)
  }
  return out
}

const mode = (p: string) => statSync(p).mode & 0o777

t.test('every file and directory the service creates in DATA_DIR is owner-only, even under umask 022', async (t) => {
  const dir = join(tempDir(t, 'el-perm-'), 'data')
  const previous = process.umask(0o022)
  t.teardown(() => { process.umask(previous) })
  const s = await startServer({ DATA_DIR: dir })
  t.teardown(() => { s.child.kill('SIGKILL') })
  const token = (await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env: { ...process.env, DATA_DIR: dir } })).stdout.trim()
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${s.url}/v1/records`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ kind: 'evidence', record: { evidenceId: `EV-${i}`, subject: '91350100M000100Y43', title: '借款合同', documents: [{ name: 'a.pdf', sha256: 'ab'.repeat(32), size: 1 }] } }),
    })
    t.equal(res.status, 201)
  }
  s.child.kill('SIGTERM')
  t.equal((await waitExit(s.child)).code, 0)
  const paths = walk(dir)
  t.ok(paths.length > 8, `looked at ${paths.length} paths`)
  const open = paths.filter((p) => (mode(p) & 0o077) !== 0).map((p) => `${p} ${mode(p).toString(8)}`)
  t.same(open, [], 'nothing readable by group or others')
  t.equal(mode(dir), 0o700, 'DATA_DIR is 0700')
})

t.test('a DATA_DIR left 0755 by an earlier version is tightened to 0700 at start', async (t) => {
  const dir = join(tempDir(t, 'el-perm-'), 'data')
  mkdirSync(dir, { mode: 0o755 })
  chmodSync(dir, 0o755)
  const s = await startServer({ DATA_DIR: dir })
  s.child.kill('SIGTERM')
  await waitExit(s.child)
  t.equal(mode(dir), 0o700)
})

t.test('a signing key readable by others refuses the start in one line that says how to fix it', async (t) => {
  const dir = join(tempDir(t, 'el-perm-'), 'data')
  const s = await startServer({ DATA_DIR: dir })
  s.child.kill('SIGTERM')
  await waitExit(s.child)
  const key = join(dir, 'keys', 'checkpoint.skey')
  chmodSync(key, 0o644)
  const res = await run(process.execPath, [CLI, 'serve'], { env: { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'fatal', PORT: '0' }, timeout: 20_000, killSignal: 'SIGKILL' })
    .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e)
  t.not(res.code, 0)
  const lines = res.stderr.trim().split('\n')
  t.equal(lines.length, 1, res.stderr)
  t.match(lines[0], /checkpoint signing key .*checkpoint\.skey is readable by other users \(mode 0644\); run: chmod 600 /)
})
