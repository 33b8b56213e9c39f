import t from 'tap'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, startServer, waitExit } from '../../scripts/server-process.ts'
import { tempDir, uscc } from '../helpers/fixtures.ts'

const run = promisify(execFile)

t.test('backup while serving, restore into a new DATA_DIR: audits clean and serves the identical checkpoint', async (t) => {
  const dir = tempDir(t, 'el-bk-src-')
  const env = { ...process.env, DATA_DIR: dir }
  const server = await startServer({ DATA_DIR: dir })
  // If an assertion throws midway, a live server would keep this file running until tap's timeout.
  t.teardown(() => { server.child.kill('SIGKILL') })
  const token = (await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env })).stdout.trim()
  const admin = (await run(process.execPath, [CLI, 'token', '--role', 'admin', '--sub', 'ops'], { env })).stdout.trim()
  const post = (body: unknown) => fetch(`${server.url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
  // The record erased below carries words found nowhere else, to look for them on disk.
  const erasedWords = `erased-${process.pid}-${Date.now()}`
  for (let i = 0; i < 40; i++) await post({ kind: 'evidence', record: { evidenceId: `EV-${i}`, subject: uscc(i % 5), title: i === 3 ? erasedWords : `doc ${i}`, documents: [{ name: 'a.pdf', sha256: 'ab'.repeat(32), size: i }] } })
  await post({ kind: 'evidence', id: 'EV-HASH', subject: uscc(1), commitment: 'sha256:' + 'cd'.repeat(32) })
  const erased = await fetch(`${server.url}/v1/records/evidence/EV-3/payload`, { method: 'DELETE', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ reason: 'PIPL request' }) })
  t.equal(erased.status, 201)

  // Writers keep going while the backup is taken: it must be a consistent snapshot.
  let writing = true
  // Its failure is kept, not left as an unhandled rejection (which once hung this test).
  const writer = (async () => { let i = 100; while (writing) await post({ kind: 'evidence', record: { evidenceId: `EV-${i++}`, subject: uscc(2), title: 'live', documents: [{ name: 'b.pdf', sha256: 'ef'.repeat(32), size: 1 }] } }) })()
    .then(() => null, (e: unknown) => e)
  const backup = join(tempDir(t), 'backup.ndjson')
  // The writers stop whatever the export does: a failed export must fail the test, not hang it.
  const exported = await run(process.execPath, [CLI, 'export', '--url', server.url, '--token', admin, '--out', backup], { env })
    .finally(() => { writing = false })
  t.equal(await writer, null, 'the live writer saw no error')
  t.match(exported.stdout, /backup written/)
  const header = JSON.parse(readFileSync(backup, 'utf8').split('\n')[0]) as { size: number }
  t.ok(header.size >= 42, `backup holds ${header.size} entries`)

  const restored = tempDir(t, 'el-bk-dst-')
  mkdirSync(restored, { recursive: true })
  cpSync(join(dir, 'keys'), join(restored, 'keys'), { recursive: true })
  const imported = await run(process.execPath, [CLI, 'import', backup], { env: { ...process.env, DATA_DIR: restored } })
  t.match(imported.stdout, new RegExp(`restored and verified ${header.size} entries`))
  const audit = await run(process.execPath, [CLI, 'audit'], { env: { ...process.env, DATA_DIR: restored } })
  t.match(audit.stdout, new RegExp(`audit OK: ${header.size} entries`))

  const note = (url: string) => fetch(`${url}/v1/checkpoint`).then((r) => r.text())
  const checkpointAtBackup = readFileSync(backup, 'utf8').trim().split('\n').at(-1)!
  const copy = await startServer({ DATA_DIR: restored })
  t.teardown(() => { copy.child.kill('SIGKILL') })
  t.equal(await note(copy.url), (JSON.parse(checkpointAtBackup) as { checkpoint: string }).checkpoint, 'the restored service serves the identical checkpoint')
  const erasedView = await fetch(`${copy.url}/v1/records/evidence/EV-3`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json()) as { redacted: boolean; payload: unknown }
  t.equal(erasedView.redacted, true, 'the erasure survives the restore')
  t.equal(erasedView.payload, null)
  copy.child.kill('SIGTERM')
  server.child.kill('SIGTERM')
  t.equal((await waitExit(copy.child)).code, 0)
  t.equal((await waitExit(server.child)).code, 0)
  // Export + import is the documented way to remove erased records physically: LevelDB
  // keeps a deleted value in its log and tables, but the restored store never saw it.
  t.notOk(readFileSync(backup, 'utf8').includes(erasedWords), 'the backup does not carry the erased record')
  const holding = filesUnder(restored).filter((f) => readFileSync(f).includes(erasedWords))
  t.same(holding, [], 'no file of the restored DATA_DIR holds the erased record')
  t.comment(`the source DATA_DIR still holds it in ${filesUnder(dir).filter((f) => readFileSync(f).includes(erasedWords)).length} file(s)`)

  // Export refuses to write over a file, and a failed export leaves no file behind.
  const existing = join(tempDir(t), 'existing.ndjson')
  writeFileSync(existing, 'keep me')
  const over = await run(process.execPath, [CLI, 'export', '--out', existing], { env }).catch((e: { code: number; stderr: string }) => e)
  t.equal((over as { code: number }).code, 2, 'export over an existing file: exit 2')
  t.match((over as { stderr: string }).stderr, /^evidence-ledger: .*existing\.ndjson already exists; a backup is never written over another file\n$/)
  t.equal(readFileSync(existing, 'utf8'), 'keep me', 'and the file is untouched')
  const nowhere = join(tempDir(t), 'nowhere.ndjson')
  const failed = await run(process.execPath, [CLI, 'export', '--url', server.url, '--token', admin, '--out', nowhere], { env }).catch((e: { code: number; stderr: string }) => e)
  t.equal((failed as { code: number }).code, 2, 'export from a stopped service fails')
  t.notOk(existsSync(nowhere), 'and leaves no file that looks like a backup')
  const offline = join(tempDir(t), 'offline.ndjson')
  await run(process.execPath, [CLI, 'export', '--out', offline], { env })
  const offlineHeader = JSON.parse(readFileSync(offline, 'utf8').split('\n')[0]) as { size: number }
  t.ok(offlineHeader.size > header.size, `export from the stopped DATA_DIR holds all ${offlineHeader.size} entries`)

  // A tampered backup is refused, and leaves nothing half-restored behind.
  const lines = readFileSync(backup, 'utf8').split('\n')
  const block = JSON.parse(lines[5]) as { entries: { statement: string }[] }
  block.entries[0].statement = block.entries[0].statement.replace('"submitter":"dev-platform"', '"submitter":"mallory"')
  lines[5] = JSON.stringify(block)
  const tampered = join(tempDir(t), 'tampered.ndjson')
  writeFileSync(tampered, lines.join('\n'))
  const target = tempDir(t, 'el-bk-bad-')
  cpSync(join(dir, 'keys'), join(target, 'keys'), { recursive: true })
  const refused = await run(process.execPath, [CLI, 'import', tampered], { env: { ...process.env, DATA_DIR: target } }).catch((e: { code: number; stderr: string }) => e)
  t.equal((refused as { code: number }).code, 2)
  t.match((refused as { stderr: string }).stderr, /block \d+: statements give root/)
  t.notOk(existsSync(join(target, 'ledger')), 'a refused import leaves no log behind')
})

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? d.path, d.name))
}

