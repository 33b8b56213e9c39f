// Memory of another process, from /proc (Linux), split the way issue 18 needs it: RSS as
// `ps` shows it is anonymous memory (the process's own: JS heap, native allocations,
// LevelDB's memtables) plus file-backed pages, and LevelDB maps its table files with mmap,
// so every page a random read touches counts as RSS until the table is closed.
import { readFileSync } from 'node:fs'

export interface ProcMemory {
  /** kB, as `ps` shows it (VmRSS). */
  rss: number
  /** kB, the highest RSS so far (VmHWM). */
  peak: number
  anon: number
  file: number
  /** LevelDB table files (*.ldb) mapped right now, and their resident kB. */
  tables: { mapped: number; rss: number }
  /**
   * Anonymous kB by the look of its mappings (a heuristic, Linux x64 glibc): V8 heap pages
   * are 256 KiB mappings, malloc's main arena is [heap] and its thread arenas start at 64 MiB
   * boundaries (LevelDB, Buffers, libuv and V8 internals allocate there), the rest is other.
   */
  anonBy: { v8Pages: number; malloc: number; other: number }
}

function statusKb(status: string, name: string): number {
  const line = status.split('\n').find((l) => l.startsWith(name))
  return Number(/(\d+) kB/.exec(line ?? '')?.[1] ?? NaN)
}

export function procMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  // /proc/<pid>/smaps: a header line per mapping (its path last), then its fields.
  const tables = { mapped: 0, rss: 0 }
  const anonBy = { v8Pages: 0, malloc: 0, other: 0 }
  let kind: keyof typeof anonBy | 'table' | 'file' = 'other'
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (header) {
      const start = BigInt(`0x${header[1]}`)
      const size = BigInt(`0x${header[2]}`) - start
      const name = header[3].trim()
      if (name.endsWith('.ldb')) kind = 'table'
      else if (name === '[heap]' || (name === '' && start % (64n << 20n) === 0n)) kind = 'malloc'
      else if (name === '' && size === 256n << 10n) kind = 'v8Pages'
      else if (name === '') kind = 'other'
      else kind = 'file'
      if (kind === 'table') tables.mapped++
    } else if (kind === 'table' && line.startsWith('Rss:')) {
      tables.rss += Number(/(\d+) kB/.exec(line)?.[1] ?? 0)
    } else if (kind !== 'table' && kind !== 'file' && line.startsWith('Anonymous:')) {
      anonBy[kind] += Number(/(\d+) kB/.exec(line)?.[1] ?? 0)
    }
  }
  return { rss: statusKb(status, 'VmRSS:'), peak: statusKb(status, 'VmHWM:'), anon: statusKb(status, 'RssAnon:'), file: statusKb(status, 'RssFile:'), tables, anonBy }
}
