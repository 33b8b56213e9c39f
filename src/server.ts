// The only file that listens. Turns every startup fault into one clear line and a
// non-zero exit; SIGTERM drains in-flight appends and closes LevelDB.
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { loadConfig, type Config } from './config.ts'
import { describeStartupError } from './startup-errors.ts'

export async function serve(config: Config = loadConfig()): Promise<FastifyInstance> {
  const app = await buildApp(config, { logger: { level: config.logLevel } })
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'draining and closing')
    app.close().then(() => process.exit(0), (e: unknown) => {
      console.error(`evidence-ledger: error while closing: ${(e as Error).message}`)
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (e) {
    await app.close().catch(() => undefined)
    throw e
  }
  return app
}

export async function main(): Promise<void> {
  try {
    await serve()
  } catch (e) {
    console.error(`evidence-ledger: ${describeStartupError(e)}`)
    process.exit(1)
  }
}
