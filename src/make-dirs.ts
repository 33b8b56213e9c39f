// Creates a directory and its missing parents one level at a time. Node 20's
// mkdirSync(path, {recursive: true}) never returns under /proc (mkdir there fails with
// ENOENT although the parent exists, and the recursive walk retries forever), so
// DATA_DIR=/proc/x hung the service instead of failing. One plain mkdir per level turns
// every such case into an ordinary error carrying its code and path.
import { chmodSync, mkdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ConfigError } from './config.ts'

// Kernel and device file systems: nothing there is a disk. /proc and /sys refuse a
// directory (with odd errors), and /dev, a tmpfs, takes one as root and loses the
// ledger and its signing key at the next reboot.
const PSEUDO_FS = ['/proc', '/sys', '/dev']

export function makeDirs(path: string, mode?: number): void {
  const missing: string[] = []
  let ancestor = path
  for (; ; ancestor = dirname(ancestor)) {
    try {
      if (statSync(ancestor).isDirectory()) break
      const e: NodeJS.ErrnoException = new Error(`ENOTDIR: not a directory, mkdir '${ancestor}'`)
      Object.assign(e, { code: 'ENOTDIR', path: ancestor, syscall: 'mkdir' })
      throw e
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    missing.push(ancestor)
    if (dirname(ancestor) === ancestor) break
  }
  // Checked by the path as given and by where its nearest existing ancestor really is (a
  // symlink may lead into /dev); also when the directory already exists, because a ledger
  // kept in an existing /dev/shm directory is lost at reboot just the same.
  const under = (p: string) => PSEUDO_FS.find((root) => p === root || p.startsWith(`${root}/`))
  const pseudo = under(resolve(path)) ?? under(realpathSync(ancestor))
  if (pseudo) throw new ConfigError(`cannot ${missing.length ? 'create' : 'use'} ${path}: it is on a pseudo file system (${pseudo}), not a disk; choose a DATA_DIR on a real disk`)
  if (missing.length === 0) return
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p, { mode })
    } catch (e) {
      // Another process may have made it meanwhile: that is what we wanted.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw e
    }
  }
}

/**
 * A directory only its owner may enter: made 0700, and tightened to 0700 if an earlier
 * version left it 0755 — its files hold records, and a directory others cannot enter
 * keeps them out even where an old table file is still 0644.
 */
export function makeOwnerOnlyDir(path: string): void {
  makeDirs(path, 0o700)
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o700)
}
