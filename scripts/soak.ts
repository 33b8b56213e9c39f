// `npm run soak [-- --seconds 60 --connections 50]`: the real server under steady load
// (loopback, bounded). Prints errors (must be 0), req/s, p99 and the server's RSS at
// start and end. Not part of CI.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startServer, waitExit, CLI } from './server-process.ts'

const run = promisify(execFile)
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : dflt
}
const SECONDS = arg('seconds', 60)
const CONNECTIONS = arg('connections', 50)

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

const dataDir = mkdtempSync(join(tmpdir(), 'el-soak-'))
const server = await startServer({ DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000000' })
try {
  const token = (await run(process.execPath, [CLI, 'token', '--role', 'submitter'], { env: { ...process.env, DATA_DIR: dataDir } })).stdout.trim()
  const rssStart = rssMiB(server.child.pid!)
  const spec = join(dataDir, 'load.json')
  writeFileSync(spec, JSON.stringify({
    url: `${server.url}/v1/records`, connections: CONNECTIONS, seconds: SECONDS,
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ kind: 'evidence', record: { evidenceId: 'SOAK-[<id>]', subject: '91350100M000100Y43', title: 'soak', documents: [{ name: 'a.pdf', sha256: 'ab'.repeat(32), size: 1 }] } }),
  }))
  const { stdout } = await run(process.execPath, ['--import', 'tsx', new URL('../bench/load.ts', import.meta.url).pathname, spec], { maxBuffer: 1 << 24 })
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as { rps: number; p50: number; p99: number; errors: number; non2xx: number }
  const rssEnd = rssMiB(server.child.pid!)
  const size = await fetch(`${server.url}/readyz`).then((x) => x.json()) as { treeSize: number }
  console.log(`soak ${SECONDS} s at ${CONNECTIONS} connections`)
  console.log(`errors ${r.errors + r.non2xx} (transport ${r.errors}, non-2xx ${r.non2xx})`)
  console.log(`req/s ${Math.round(r.rps)}  p50 ${r.p50} ms  p99 ${r.p99} ms`)
  console.log(`server RSS ${rssStart.toFixed(0)} MiB at start, ${rssEnd.toFixed(0)} MiB at end; tree size ${size.treeSize}`)
  process.exitCode = r.errors + r.non2xx === 0 ? 0 : 1
} finally {
  server.child.kill('SIGTERM')
  await waitExit(server.child)
  rmSync(dataDir, { recursive: true, force: true })
}
