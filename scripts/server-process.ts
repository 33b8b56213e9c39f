// Starts the real service (`node bin/evidence-ledger.js serve`) as a child process on a
// free loopback port and waits until it is ready. Shared by chaos, soak and tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

export const CLI = new URL('../bin/evidence-ledger.js', import.meta.url).pathname

export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

export interface ServerProcess {
  child: ChildProcess
  url: string
  output(): string
}

// Generous: a loaded 2-core CI machine can take long to start Node with the tsx loader.
// `args` picks the subcommand: `serve` by default, e.g. ['witness', '--name', …] for a witness.
export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000, args: readonly string[] = ['serve']): Promise<ServerProcess> {
  const port = Number(env.PORT ?? (await freePort()))
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => { out += d })
  child.stderr!.on('data', (d: Buffer) => { out += d })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${out.trim()}`)
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, output: () => out }
    } catch {
      // not listening yet
    }
    await sleep(50)
  }
  child.kill('SIGKILL')
  throw new Error(`server did not become ready in ${timeoutMs} ms: ${out.trim()}`)
}

export function waitExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  return new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })))
}
