// Starts a real witness (`node bin/evidence-ledger.js witness …`) on a free loopback port
// and waits for /readyz, like scripts/server-process.ts does for `serve`.
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { CLI, freePort, type ServerProcess } from '../../scripts/server-process.ts'

export async function startWitness(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()))
  const child = spawn(process.execPath, [CLI, 'witness', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => { out += d })
  child.stderr!.on('data', (d: Buffer) => { out += d })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`witness exited with ${child.exitCode}: ${out.trim()}`)
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, output: () => out }
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  child.kill('SIGKILL')
  throw new Error(`witness did not become ready in ${timeoutMs} ms: ${out.trim()}`)
}
