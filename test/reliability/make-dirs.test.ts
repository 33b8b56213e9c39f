import t from 'tap'
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeDirs } from '../../src/make-dirs.ts'

t.test('makeDirs creates missing parents, accepts what exists, and fails plainly where Node would spin', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'el-mkdirs-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  const deep = join(root, 'a', 'b', 'c')
  makeDirs(deep, 0o700)
  t.ok(statSync(deep).isDirectory(), 'three levels made')
  t.equal(statSync(deep).mode & 0o777, 0o700, 'with the mode asked for')
  makeDirs(deep)
  t.ok(statSync(deep).isDirectory(), 'an existing directory is fine')
  writeFileSync(join(root, 'file'), 'x')
  t.throws(() => makeDirs(join(root, 'file', 'sub')), { code: 'ENOTDIR' }, 'a file in the way')
  t.throws(() => makeDirs(join(root, 'file')), { code: 'ENOTDIR' }, 'a file where the directory should be')
  const pseudo = (root: string) => ({ name: 'ConfigError', message: `it is on a pseudo file system (${root}), not a disk` })
  t.throws(() => makeDirs('/proc/self/el-mkdirs/x'), pseudo('/proc'), '/proc refuses at once instead of hanging')
  t.throws(() => makeDirs('/sys/el-mkdirs'), pseudo('/sys'), '/sys')
  // A name of this run only, removed even if the check ever lets it through: a fixed name
  // left behind once made every later run on the machine see it as already there.
  const inDev = `/dev/el-mkdirs-${process.pid}-${Date.now()}`
  t.teardown(() => rmSync(inDev, { recursive: true, force: true }))
  t.throws(() => makeDirs(`${inDev}/x`), pseudo('/dev'), '/dev (a tmpfs where root could make it)')
  t.notOk(existsSync(inDev), 'and nothing was made there')
  symlinkSync('/dev', join(root, 'to-dev'))
  t.throws(() => makeDirs(join(root, 'to-dev', inDev.slice('/dev/'.length))), pseudo('/dev'), 'through a symlink too')
  t.notOk(existsSync(inDev))
  t.throws(() => makeDirs('/dev'), { name: 'ConfigError', message: 'cannot use /dev: it is on a pseudo file system (/dev)' }, 'an existing directory under /dev is refused too')
  t.throws(() => makeDirs(join(root, 'to-dev')), { name: 'ConfigError', message: 'it is on a pseudo file system (/dev)' }, 'also when a symlink to it exists')
  makeDirs(join(root, 'devices', 'proc'))
  t.ok(statSync(join(root, 'devices', 'proc')).isDirectory(), 'names that merely look alike are fine')
})
