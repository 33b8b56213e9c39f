// RFC 3161 bench: (1) CPU per token verification (chain/timestamp.ts, WebCrypto) for an RSA
// and an ECDSA TSA; (2) awaited appends/s through the ledger service (100 concurrent callers)
// without TSA_URL, then with TSA_URL (TSA_INTERVAL 1 s, the default, and 0) pointing at a real TSA (Debian's `openssl ts -reply`
// behind HTTP, test/helpers/tsa.ts, in a process of its own) — twice each, alternating, since the box is shared.
// Stamping runs beside the sequencer, one request in flight; what it costs the ledger is
// CPU per stamped checkpoint (the request, verifying the token, one synced LevelDB write),
// and coalescing keeps the number of stamps to about one per TSA round trip.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { checkpointImprint, parsePemCertificates, timestampRequest, tokenFromResponse, verifyTimestampToken } from '../chain/timestamp.ts'
import { utf8ToBytes } from '../chain/encoding.ts'
import { parseNote } from '../chain/note.ts'
import { makeTsaKeys, opensslReply } from '../test/helpers/tsa.ts'
import { awaitedAppends, fmt, ratio, tempDir, TS_RUNNER } from './fixture.ts'
import { printTable } from './core.ts'

const SECONDS = Number(process.env.BENCH_TSA_SECONDS ?? 5)
const CALLERS = 100
const ORIGIN = 'bench.example/timestamped'
const NOTE = 'bench.example/timestamped\n5\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n\n\u2014 bench.example/timestamped AAAAAAAA\n'

/** test/helpers/tsa.ts takes tap's teardown; the bench collects and runs them itself. */
function teardowns(): { teardown(fn: () => unknown): void; run(): Promise<void> } {
  const fns: (() => unknown)[] = []
  return { teardown: (fn) => { fns.push(fn) }, run: async () => { for (const fn of fns.reverse()) await fn() } }
}

async function verifyCpu(keyType: 'rsa' | 'ec', owner: ReturnType<typeof teardowns>): Promise<number> {
  const keys = makeTsaKeys(owner, { keyType })
  const r = tokenFromResponse(await opensslReply(keys, timestampRequest(checkpointImprint(NOTE), new Uint8Array([1, 2, 3]))))
  if (!r.ok) throw new Error(r.reason)
  const body = utf8ToBytes(parseNote(NOTE).body)
  const certs = parsePemCertificates(keys.tsaPem)
  const n = 500
  for (let i = 0; i < 50; i++) await verifyTimestampToken(r.token, body, certs)
  const cpu = process.cpuUsage()
  for (let i = 0; i < n; i++) if (!(await verifyTimestampToken(r.token, body, certs)).ok) throw new Error('token failed')
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / n
}

async function appendsPerSecond(dataDir: string, label: string, tsa?: { url: string; certPath: string; interval: string }) {
  const app = await buildApp(loadConfig({ DATA_DIR: dataDir, LEDGER_ORIGIN: ORIGIN, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), ...(tsa ? { TSA_URL: tsa.url, TSA_CERT: tsa.certPath, TSA_INTERVAL: tsa.interval } : {}) }))
  await app.ready()
  const { rate, cpuUs } = await awaitedAppends(app, label, SECONDS, CALLERS)
  const result = { rate, cpuUs, size: app.ledger.log.size, height: app.ledger.log.height, stamped: app.timestamping?.status().stampedSize ?? null, requests: app.timestamping?.counts.get('granted') ?? 0 }
  await app.close()
  return result
}

export async function runTimestampBench(): Promise<void> {
  console.log(`\n== timestamp: token verification CPU; ${CALLERS} concurrent notarize callers, ${SECONDS} s per scenario, with and without TSA_URL ==`)
  const owner = teardowns()
  const dir = tempDir('el-bench-tsa-')
  let child: ChildProcess | null = null
  try {
    const rsa = await verifyCpu('rsa', owner)
    const ec = await verifyCpu('ec', owner)
    printTable([['token verification', 'CPU µs/token'], ['RSA-2048 TSA', fmt(rsa)], ['ECDSA P-256 TSA', fmt(ec)]])
    const certPath = join(dir.dir, 'tsa.pem')
    child = spawn(process.execPath, [TS_RUNNER, new URL('./tsa-process.ts', import.meta.url).pathname, certPath], { stdio: ['ignore', 'pipe', 'inherit'] })
    const [first] = await once(child.stdout!, 'data') as [Buffer]
    const url = first.toString().trim()
    const rows: string[][] = [['scenario', 'appends/s', 'vs none', 'ledger CPU µs/append', 'blocks', 'tokens', 'stamped size at end / tree size']]
    let base = 0
    for (const round of [1, 2]) {
      const none = await appendsPerSecond(join(dir.dir, `none${round}`), `n${round}`)
      base = none.rate
      rows.push([`no TSA_URL (run ${round})`, fmt(none.rate), '1.00×', fmt(none.cpuUs), String(none.height + 1), '—', '—'])
      for (const interval of ['1', '0']) {
        const withTsa = await appendsPerSecond(join(dir.dir, `tsa${round}-${interval}`), `t${round}-${interval}`, { url, certPath, interval })
        rows.push([`TSA_URL, TSA_INTERVAL=${interval} (run ${round})`, fmt(withTsa.rate), ratio(withTsa.rate, base), fmt(withTsa.cpuUs), String(withTsa.height + 1), String(withTsa.requests), `${withTsa.stamped ?? 'none'} / ${withTsa.size}`])
      }
    }
    printTable(rows)
  } finally {
    child?.kill('SIGTERM')
    await owner.run()
    dir.remove()
  }
}
