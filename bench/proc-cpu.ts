// CPU time of other processes, from /proc (Linux): a ledger instance by its pid, and the
// PostgreSQL server as the sum of its postmaster and every backend and worker it forked.
import { readdirSync, readFileSync } from 'node:fs'

const TICK_US = 1e6 / 100 // /proc CPU times are in USER_HZ ticks (100 on Linux)

/** Every process: its parent and its user + system CPU (µs) so far. */
function procStats(): Map<number, { ppid: number; cpu: number }> {
  const stats = new Map<number, { ppid: number; cpu: number }>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      // Fields after the command name, which may itself hold spaces and parentheses.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      stats.set(Number(d), { ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) * TICK_US })
    } catch {
      // A process that exited while we looked.
    }
  }
  return stats
}

/** user + system CPU (µs) one process has used so far. */
export function pidCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) * TICK_US
}

/**
 * user + system CPU (µs) of the PostgreSQL server whose data directory is `dataDir`: the
 * postmaster and its children. Backends that exited meanwhile are not counted (a pooled
 * client keeps its backend for the whole run).
 */
export function dbCpuUs(dataDir: string): number {
  const stats = procStats()
  let postmaster = -1
  for (const pid of stats.keys()) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) {
        postmaster = pid
        break
      }
    } catch {
      // gone
    }
  }
  let sum = 0
  for (const [pid, s] of stats) if (pid === postmaster || s.ppid === postmaster) sum += s.cpu
  return sum
}
