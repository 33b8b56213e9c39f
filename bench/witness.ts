// Witnessing bench: awaited appends/s through the ledger service (100 concurrent callers,
// notarize → durable block → receipt) with no WITNESS_POLICY, then with a policy of three
// real `evidence-ledger witness` processes on loopback (quorum 2). Witnessing runs beside
// the sequencer and never blocks it; what it costs is CPU: the ledger's (consistency proofs,
// HTTP, checking cosignatures: the µs/append column) and, on one small machine, the three
// witness processes' too. Also printed: how far the newest witnessed checkpoint trails the
// tree at the end of the run.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { CLI, freePort, startServer, type ServerProcess } from '../scripts/server-process.ts'
import { fmt, ratio, tempDir, uscc } from './fixture.ts'
import { printTable } from './core.ts'

const run = promisify(execFile)
const SECONDS = Number(process.env.BENCH_WITNESS_SECONDS ?? 10)
const CALLERS = 100
const ORIGIN = 'bench.example/witnessed'

async function appendsPerSecond(dataDir: string, policy?: string): Promise<{ rate: number; size: number; witnessedSize: number | null; cpuUs: number }> {
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LEDGER_ORIGIN: ORIGIN, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), ...(policy ? { WITNESS_POLICY: policy } : {}) }))
  await app.ready()
  let n = 0
  let done = 0
  const end = performance.now() + SECONDS * 1000
  const caller = async () => {
    while (performance.now() < end) {
      const i = n++
      await app.ledger.notarize({ kind: 'evidence', record: { evidenceId: `EV-${policy ? 'w' : 'n'}-${i}`, subject: uscc(i % 1000), title: '贷款合同及放款凭证', documents: [{ name: 'contract.pdf', sha256: 'ab'.repeat(32), size: 204_800 }] } }, 'bench')
      done++
    }
  }
  const started = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: CALLERS }, caller))
  const rate = done / ((performance.now() - started) / 1000)
  const used = process.cpuUsage(cpu)
  const cpuUs = (used.user + used.system) / done
  const size = app.ledger.log.size
  const witnessedSize = app.witnessing?.status().witnessedSize ?? null
  await app.close()
  return { rate, size, witnessedSize, cpuUs }
}

export async function runWitnessBench(): Promise<void> {
  console.log(`\n== witness: ${CALLERS} concurrent notarize callers, ${SECONDS} s per scenario, 3 witness processes ==`)
  const ledger = tempDir('el-bench-wl-')
  const { stdout } = await run(process.execPath, [CLI, 'keygen'], { env: { ...process.env, DATA_DIR: ledger.dir, LEDGER_ORIGIN: ORIGIN } })
  const vkey = stdout.trim()
  const witnesses: ServerProcess[] = []
  const dirs: { remove(): void }[] = [ledger]
  const lines = [`log ${vkey}`]
  try {
    for (const i of [1, 2, 3]) {
      const dir = tempDir(`el-bench-w${i}-`)
      dirs.push(dir)
      const port = await freePort()
      const w = await startServer({ DATA_DIR: dir.dir, PORT: String(port) }, undefined, ['witness', '--name', `w${i}.bench.example/w`, '--log', vkey])
      witnesses.push(w)
      const wv = (await run(process.execPath, [CLI, 'witness', 'vkey'], { env: { ...process.env, DATA_DIR: dir.dir } })).stdout.trim()
      lines.push(`witness w${i} ${wv} ${w.url}`)
    }
    lines.push('group two 2 w1 w2 w3', 'quorum two', '')
    const policy = join(ledger.dir, 'policy.txt')
    writeFileSync(policy, lines.join('\n'))
    const none = await appendsPerSecond(join(ledger.dir, 'none'))
    const withW = await appendsPerSecond(ledger.dir, policy)
    printTable([
      ['scenario', 'appends/s', 'vs none', 'ledger CPU µs/append', 'tree size', 'witnessed size at end'],
      ['no WITNESS_POLICY', fmt(none.rate), '1.00×', fmt(none.cpuUs), String(none.size), '—'],
      ['3 witnesses, quorum 2', fmt(withW.rate), ratio(withW.rate, none.rate), fmt(withW.cpuUs), String(withW.size), String(withW.witnessedSize ?? 'none')],
    ])
  } finally {
    for (const w of witnesses) w.child.kill('SIGTERM')
    for (const d of dirs) d.remove()
  }
}
