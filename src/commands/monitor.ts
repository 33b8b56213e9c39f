// `evidence-ledger monitor <url> --key <vkey> [--peer <checkpoint url>…]`: watches a ledger's
// checkpoints and proves each new one consistent with the last one it accepted. A bad
// signature, a shrinking tree or a fork is an alert: a log line, and exit 2 in --once mode.
// With --peer it also compares the ledger's checkpoint with what others were shown —
// witnesses' monitoring endpoints (<witness>/<hex sha256(origin)>/checkpoint) or mirrors'
// /tlog/checkpoint — and reports a split view with both signed checkpoints as evidence
// (exit 3). A ledger or peer that cannot be reached is not evidence of anything (exit 4).
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

export const EXIT = { ok: 0, alert: 2, splitView: 3, unreachable: 4 } as const

export type PeerVerdict =
  | { kind: 'consistent'; peer: string; message: string }
  | { kind: 'unreachable'; peer: string; message: string }
  | { kind: 'bad-signature'; peer: string; message: string }
  | { kind: 'split-view'; peer: string; message: string; evidence: [string, string] }

/**
 * The ledger's checkpoint against one peer's: both must be signed by the ledger key, and
 * the smaller tree must be a prefix of the larger one (a consistency proof from the ledger
 * itself). Two signed checkpoints that fail this are a split view, provable to anyone.
 */
export async function comparePeer(ledgerUrl: string, vkey: string, ledgerNote: string, peer: string): Promise<PeerVerdict> {
  let note: string
  try {
    const res = await fetch(peer, { signal: AbortSignal.timeout(10_000) })
    if (!res.ok) return { kind: 'unreachable', peer, message: `HTTP ${res.status}` }
    note = await res.text()
  } catch (e) {
    return { kind: 'unreachable', peer, message: (e as Error).message }
  }
  const theirs = verifyCheckpoint(note, vkey)
  // Not signed by the ledger key: the peer is confused or lying, not evidence against the ledger.
  if (!theirs.ok) return { kind: 'bad-signature', peer, message: `peer checkpoint is not signed by the ledger key: ${theirs.reason}` }
  const ours = verifyCheckpoint(ledgerNote, vkey)
  if (!ours.ok) return { kind: 'bad-signature', peer, message: `ledger checkpoint: ${ours.reason}` }
  const a = ours.checkpoint
  const b = theirs.checkpoint
  const split = (why: string): PeerVerdict => ({ kind: 'split-view', peer, message: why, evidence: [ledgerNote, note] })
  if (a.origin !== b.origin) return split(`origins differ: ${a.origin} and ${b.origin} under one key`)
  if (a.size === b.size) {
    return bytesToHex(a.root) === bytesToHex(b.root)
      ? { kind: 'consistent', peer, message: `same tree of size ${a.size}` }
      : split(`two different roots for size ${a.size}`)
  }
  const [small, big] = a.size < b.size ? [a, b] : [b, a]
  let proof: Uint8Array[]
  try {
    const res = await fetch(new URL(`/v1/proofs/consistency?from=${small.size}&to=${big.size}`, ledgerUrl), { signal: AbortSignal.timeout(10_000) })
    // The ledger cannot prove a size it claims not to have reached: that is itself the split.
    if (res.status === 400 && big === b) return split(`peer holds a signed tree of size ${b.size}, larger than the ledger's ${a.size}`)
    if (!res.ok) return { kind: 'unreachable', peer, message: `ledger consistency proof ${small.size} → ${big.size}: HTTP ${res.status}` }
    proof = ((await res.json()) as { hashes: string[] }).hashes.map(hexToBytes)
  } catch (e) {
    return { kind: 'unreachable', peer, message: `ledger consistency proof: ${(e as Error).message}` }
  }
  return verifyConsistency(small.size, big.size, proof, small.root, big.root)
    ? { kind: 'consistent', peer, message: `size ${b.size} is consistent with the ledger's ${a.size}` }
    : split(`the tree of size ${small.size} is not a prefix of the tree of size ${big.size}`)
}

function loadState(path: string): MonitorState | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as MonitorState) : null
}

function saveState(path: string, s: MonitorState): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(s, null, 2) + '\n')
  renameSync(`${path}.tmp`, path)
}

export async function runMonitor(url: string, opts: { key: string; state: string; once?: boolean; interval: string; peer?: string[] }): Promise<number> {
  const vkey = readVkey(opts.key)
  const intervalMs = Math.max(1, Number(opts.interval)) * 1000
  for (;;) {
    let verdict: MonitorVerdict
    let unreachable = false
    try {
      verdict = await checkOnce(url, vkey, loadState(opts.state))
    } catch (e) {
      verdict = { ok: false, alert: `UNREACHABLE: cannot reach ${url}: ${(e as Error).message}` }
      unreachable = true
    }
    const stamp = new Date().toISOString()
    let code: number = EXIT.ok
    if (verdict.ok) {
      saveState(opts.state, verdict.state)
      process.stdout.write(`${stamp} ok ${verdict.message}\n`)
      for (const peer of opts.peer ?? []) {
        const p = await comparePeer(url, vkey, verdict.state.checkpoint, peer)
        if (p.kind === 'consistent') {
          process.stdout.write(`${stamp} ok peer ${peer}: ${p.message}\n`)
        } else if (p.kind === 'split-view') {
          // Both notes are signed by the ledger key: together they prove the split to anyone.
          process.stderr.write(`${stamp} ALERT SPLIT VIEW with ${peer}: ${p.message}\n--- ledger ${url} showed:\n${p.evidence[0]}--- ${peer} was shown:\n${p.evidence[1]}---\n`)
          code = EXIT.splitView
        } else {
          process.stderr.write(`${stamp} ${p.kind === 'unreachable' ? 'UNREACHABLE' : 'ALERT'} peer ${peer}: ${p.message}\n`)
          if (code === EXIT.ok) code = p.kind === 'unreachable' ? EXIT.unreachable : EXIT.alert
        }
      }
    } else {
      // The state keeps the last good checkpoint: it is the evidence against the fork.
      process.stderr.write(`${stamp} ALERT ${verdict.alert}\n`)
      code = unreachable || verdict.alert.startsWith('cannot fetch') ? EXIT.unreachable : EXIT.alert
    }
    if (opts.once) return code
    await sleep(intervalMs)
  }
}
