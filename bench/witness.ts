// Witnessing bench: awaited appends/s through the ledger service (100 concurrent callers,
// notarize → durable block → receipt) with no WITNESS_POLICY, then with a policy of three
// real `evidence-ledger witness` processes on loopback (quorum 2). Witnessing runs beside
// the sequencer and never blocks it; what it costs is CPU: the ledger's (consistency proofs,
// HTTP, checking cosignatures: the µs/append column) and, on one small machine, the three
// witness processes' too. Also printed: how far the newest witnessed checkpoint trails the
// tree at the end of the run.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { CLI, freePort, startServer, waitExit, type ServerProcess } from '../scripts/server-process.ts'
import { generateSigner } from '../chain/checkpoint.ts'
import { toBase64 } from '../chain/encoding.ts'
import { consistencyProof } from '../chain/tree.ts'
import { MemoryNodes } from '../test/helpers/memory-nodes.ts'
import { awaitedAppends, benchRequest, fmt, openBenchLog, ratio, signer, tempDir } from './fixture.ts'
import { parsePolicy } from '../chain/policy.ts'
import { Witnessing } from '../src/witnessing.ts'
import { printTable } from './core.ts'

const run = promisify(execFile)
const SECONDS = Number(process.env.BENCH_WITNESS_SECONDS ?? 10)
const CALLERS = 100
const ORIGIN = 'bench.example/witnessed'

interface Run { rate: number; size: number; witnessedSize: number | null; cpuUs: number; rounds: number }

let runs = 0
let next = 0 // entry ids for the round bench's log

async function appendsPerSecond(dataDir: string, policy?: string, roundMs?: number): Promise<Run> {
  const run = runs++ // ids unique across runs on one log: a repeated id is a cheap replay, not an append
  const app = await buildApp(loadConfig({
    DATA_DIR: dataDir, LEDGER_ORIGIN: ORIGIN, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER),
    ...(policy ? { WITNESS_POLICY: policy } : {}), ...(roundMs !== undefined ? { WITNESS_ROUND_MS: String(roundMs) } : {}),
  }))
  await app.ready()
  const { rate, cpuUs } = await awaitedAppends(app, String(run), SECONDS, CALLERS)
  const size = app.ledger.log.size
  const witnessedSize = app.witnessing?.status().witnessedSize ?? null
  const rounds = app.witnessing?.rounds ?? 0
  await app.close()
  return { rate, size, witnessedSize, cpuUs, rounds }
}

/** utime + stime of a process in µs, from /proc (Linux; clock ticks of 10 ms). */
function processCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}

/**
 * The witness process alone: LOGS ledgers (one signer and one in-memory tree each), each
 * sending checkpoint after checkpoint (one entry more every time, with its consistency
 * proof), LOGS requests in flight. Every request is checked, cosigned and synced to disk
 * before its answer. Bodies are made before the clock starts; the witness's CPU is read
 * from /proc, so "per core" does not count the bench's own client work.
 */
async function addCheckpointRate(): Promise<string[][]> {
  const LOGS = 8
  const PER_LOG = Number(process.env.BENCH_WITNESS_ADDS ?? 400)
  const logs = Array.from({ length: LOGS }, (_, j) => ({ signer: generateSigner(`bench.example/log${j}`), nodes: new MemoryNodes(), bodies: [] as string[] }))
  for (const l of logs) {
    for (let size = 1; size <= PER_LOG; size++) {
      l.nodes.append(randomBytes(32))
      const proof = size === 1 ? [] : await consistencyProof(l.nodes, size - 1, size)
      const note = l.signer.signCheckpoint({ origin: l.signer.name, size, root: l.nodes.range.root() })
      l.bodies.push(`old ${size - 1}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${note}`)
    }
  }
  const dir = tempDir('el-bench-wrate-')
  const w = await startServer({ DATA_DIR: dir.dir }, undefined, ['witness', '--name', 'rate.bench.example/w', ...logs.flatMap((l) => ['--log', l.signer.vkey])])
  try {
    const cpu0 = processCpuUs(w.child.pid!)
    const t0 = performance.now()
    let refused = 0
    await Promise.all(logs.map(async (l) => {
      for (const body of l.bodies) {
        const r = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body })
        await r.arrayBuffer()
        if (r.status !== 200) refused++
      }
    }))
    const seconds = (performance.now() - t0) / 1000
    const cpuUs = (processCpuUs(w.child.pid!) - cpu0) / (LOGS * PER_LOG)
    if (refused > 0) throw new Error(`${refused} add-checkpoint requests were not cosigned`)
    return [
      ['add-checkpoint (witness process)', 'cosigned/s (wall)', 'witness CPU µs each', 'cosigned/s on one core'],
      [`${LOGS} logs × ${PER_LOG}, ${LOGS} in flight`, fmt((LOGS * PER_LOG) / seconds), fmt(cpuUs), fmt(1e6 / cpuUs)],
    ]
  } finally {
    w.child.kill('SIGTERM')
    await waitExit(w.child)
    dir.remove()
  }
}

/**
 * The ledger's CPU for one witnessing round, apart from appends (which the shared machine's
 * load makes too noisy to subtract from): ROUNDS times, append one entry, then wait until
 * every witness has cosigned it; the same loop without witnessing is the baseline. The
 * difference over ROUNDS is what one round (three add-checkpoint calls, their consistency
 * proofs, three cosignature checks, the stored cosignatures) costs the ledger process.
 */
async function cpuPerRound(witnesses: readonly { name: string; vkey: string; url: string }[], transport: 'fetch' | 'node:http', logDir: string): Promise<number> {
  const ROUNDS = Number(process.env.BENCH_WITNESS_ROUNDS ?? 150)
  const policy = parsePolicy([...witnesses.map((w) => `witness ${w.name} ${w.vkey} ${w.url}`), 'group two 2 w1 w2 w3', 'quorum two', ''].join('\n'))
  const quiet = { info: () => {}, warn: () => {} }
  const measure = async (witnessing: boolean): Promise<number> => {
    // One log for every measurement (the witnesses remember it): it just grows.
    const log = await openBenchLog(logDir)
    let roundDone: () => void = () => {}
    const w = witnessing ? new Witnessing({ log, archive: log, policy, logger: quiet, roundMs: 0, onRound: () => roundDone(), ...(transport === 'fetch' ? { fetch } : {}) }) : null
    try {
      const cosigned = () => w === null || w.status().witnesses.every((x) => x.size === log.size)
      const appendAndWitness = async () => {
        await log.append([benchRequest(next++)])
        while (!cosigned()) await new Promise<void>((r) => { roundDone = r })
      }
      for (let i = 0; i < 5; i++) await appendAndWitness() // warm up: connections, the 409 that tells each witness's size
      const cpu = process.cpuUsage()
      for (let i = 0; i < ROUNDS; i++) await appendAndWitness()
      const used = process.cpuUsage(cpu)
      return (used.user + used.system) / ROUNDS
    } finally {
      await w?.close()
      await log.close()
    }
  }
  const base = await measure(false)
  const witnessed = await measure(true)
  return witnessed - base
}

export async function runWitnessBench(): Promise<void> {
  console.log(`\n== witness: ${CALLERS} concurrent notarize callers, ${SECONDS} s per scenario, 3 witness processes ==`)
  const ledger = tempDir('el-bench-wl-')
  const { stdout } = await run(process.execPath, [CLI, 'keygen'], { env: { ...process.env, DATA_DIR: ledger.dir, LEDGER_ORIGIN: ORIGIN } })
  const vkey = stdout.trim()
  const witnesses: ServerProcess[] = []
  const dirs: { remove(): void }[] = [ledger]
  const lines = [`log ${vkey}`]
  const named: { name: string; vkey: string; url: string }[] = []
  try {
    for (const i of [1, 2, 3]) {
      const dir = tempDir(`el-bench-w${i}-`)
      dirs.push(dir)
      const port = await freePort()
      // Also the round bench's log (the fixture key), a second ledger for the same witnesses.
      const w = await startServer({ DATA_DIR: dir.dir, PORT: String(port) }, undefined, ['witness', '--name', `w${i}.bench.example/w`, '--log', vkey, '--log', signer().vkey])
      witnesses.push(w)
      const wv = (await run(process.execPath, [CLI, 'witness', 'vkey'], { env: { ...process.env, DATA_DIR: dir.dir } })).stdout.trim()
      lines.push(`witness w${i} ${wv} ${w.url}`)
      named.push({ name: `w${i}`, vkey: wv, url: w.url })
    }
    lines.push('group two 2 w1 w2 w3', 'quorum two', '')
    const roundRows = [['ledger CPU per witnessing round (3 witnesses)', 'µs']]
    const roundLog = join(ledger.dir, 'rounds')
    await cpuPerRound(named, 'fetch', roundLog) // JIT warm-up, not shown
    for (const transport of ['fetch', 'node:http', 'fetch', 'node:http', 'fetch', 'node:http'] as const) roundRows.push([transport, fmt(await cpuPerRound(named, transport, roundLog))])
    printTable(roundRows)
    const policy = join(ledger.dir, 'policy.txt')
    writeFileSync(policy, lines.join('\n'))
    // Alternated, so a burst of load from elsewhere on a shared machine hits both alike.
    const roundMs = (process.env.BENCH_WITNESS_ROUND_MS ?? '0,250').split(',').map(Number)
    const rows: string[][] = [['scenario', 'appends/s', 'vs none', 'ledger CPU µs/append', 'rounds/s', 'tree size', 'witnessed size at end']]
    for (const ms of roundMs) {
      // One log for every run, so both pay the same for its growing tree and LevelDB's
      // compactions (CPU here counts every thread); the witnesses skip what they did not see.
      const none = await appendsPerSecond(ledger.dir)
      const withW = await appendsPerSecond(ledger.dir, policy, ms)
      rows.push(
        ['no WITNESS_POLICY', fmt(none.rate), '1.00×', fmt(none.cpuUs), '—', String(none.size), '—'],
        [`3 witnesses, quorum 2, WITNESS_ROUND_MS=${ms}`, fmt(withW.rate), ratio(withW.rate, none.rate), fmt(withW.cpuUs), fmt(withW.rounds / SECONDS), String(withW.size), String(withW.witnessedSize ?? 'none')],
      )
    }
    printTable(rows)
    printTable(await addCheckpointRate())
  } finally {
    for (const w of witnesses) w.child.kill('SIGTERM')
    for (const d of dirs) d.remove()
  }
}
