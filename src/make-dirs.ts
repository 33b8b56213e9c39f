// Creates a directory and its missing parents one level at a time. Node 20's
// mkdirSync(path, {recursive: true}) never returns under /proc (mkdir there fails with
// ENOENT although the parent exists, and the recursive walk retries forever), so
// DATA_DIR=/proc/x hung the service instead of failing. One plain mkdir per level turns
// every such case into an ordinary error carrying its code and path.
import { mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'

export function makeDirs(path: string, mode?: number): void {
  const missing: string[] = []
  for (let p = path; ; p = dirname(p)) {
    try {
      if (statSync(p).isDirectory()) break
      const e: NodeJS.ErrnoException = new Error(`ENOTDIR: not a directory, mkdir '${p}'`)
      Object.assign(e, { code: 'ENOTDIR', path: p, syscall: 'mkdir' })
      throw e
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    missing.push(p)
    if (dirname(p) === p) break
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p, { mode })
    } catch (e) {
      // Another process may have made it meanwhile: that is what we wanted.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw e
    }
  }
}
