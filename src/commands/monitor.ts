// `evidence-ledger monitor <url> --key <vkey>`: watches a ledger's checkpoints and proves
// each new one consistent with the last one it accepted. A bad signature, a shrinking
// tree or a fork (split view) is an alert: a log line, and exit 2 in --once mode.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { bytesToHex, hexToBytes } from '../../chain/encoding.ts'
import { verifyCheckpoint, verifyConsistency } from '../../chain/verify.ts'
import { readVkey } from './verify.ts'

interface MonitorState {
  size: number
  root: string
  checkpoint: string
  seenAt: string
}

export type MonitorVerdict =
  | { ok: true; message: string; state: MonitorState }
  | { ok: false; alert: string }

/** One poll: fetch, verify, compare with the last accepted state. */
export async function checkOnce(url: string, vkey: string, last: MonitorState | null): Promise<MonitorVerdict> {
  const res = await fetch(new URL('/v1/checkpoint', url))
  if (!res.ok) return { ok: false, alert: `cannot fetch the checkpoint: HTTP ${res.status}` }
  const note = await res.text()
  const v = verifyCheckpoint(note, vkey)
  if (!v.ok) return { ok: false, alert: `BAD SIGNATURE: ${v.reason}` }
  const state: MonitorState = { size: v.checkpoint.size, root: bytesToHex(v.checkpoint.root), checkpoint: note, seenAt: new Date().toISOString() }
  if (last === null) return { ok: true, message: `first checkpoint: size ${state.size}, root ${state.root}`, state }
  if (state.size < last.size) return { ok: false, alert: `TREE SHRANK from ${last.size} to ${state.size}` }
  if (state.size === last.size) {
    return state.root === last.root
      ? { ok: true, message: `unchanged at size ${state.size}`, state }
      : { ok: false, alert: `FORK: two different roots for size ${state.size} (${last.root} and ${state.root})` }
  }
  const p = await fetch(new URL(`/v1/proofs/consistency?from=${last.size}&to=${state.size}`, url))
  if (!p.ok) return { ok: false, alert: `FORK suspected: no consistency proof from ${last.size} to ${state.size} (HTTP ${p.status})` }
  const { hashes } = (await p.json()) as { hashes: string[] }
  let proof: Uint8Array[]
  try {
    proof = hashes.map(hexToBytes)
  } catch {
    return { ok: false, alert: 'FORK suspected: malformed consistency proof' }
  }
  if (!verifyConsistency(last.size, state.size, proof, hexToBytes(last.root), v.checkpoint.root)) {
    return { ok: false, alert: `FORK: the tree of size ${state.size} is not an extension of the one of size ${last.size} this monitor saw` }
  }
  return { ok: true, message: `grew ${last.size} → ${state.size}, consistent`, state }
}

function loadState(path: string): MonitorState | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as MonitorState) : null
}

function saveState(path: string, s: MonitorState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2) + '\n')
  renameSync(`${path}.tmp`, path)
}

export async function runMonitor(url: string, opts: { key: string; state: string; once?: boolean; interval: string }): Promise<number> {
  const vkey = readVkey(opts.key)
  const intervalMs = Math.max(1, Number(opts.interval)) * 1000
  for (;;) {
    let verdict: MonitorVerdict
    try {
      verdict = await checkOnce(url, vkey, loadState(opts.state))
    } catch (e) {
      verdict = { ok: false, alert: `cannot reach ${url}: ${(e as Error).message}` }
    }
    const stamp = new Date().toISOString()
    if (verdict.ok) {
      saveState(opts.state, verdict.state)
      process.stdout.write(`${stamp} ok ${verdict.message}\n`)
      if (opts.once) return 0
    } else {
      // The state keeps the last good checkpoint: it is the evidence against the fork.
      process.stderr.write(`${stamp} ALERT ${verdict.alert}\n`)
      if (opts.once) return 2
    }
    await sleep(intervalMs)
  }
}
