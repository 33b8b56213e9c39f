// The only file that listens. Turns every startup fault into one clear line and a
// non-zero exit; SIGTERM drains in-flight appends and closes LevelDB.
import { listenUntilSignalled } from './listen.ts'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { keysDir } from './keys.ts'
import { loadConfig, type Config } from './config.ts'
import { describeStartupError } from './startup-errors.ts'

export async function serve(config: Config = loadConfig()): Promise<FastifyInstance> {
  const firstStart = config.signingKey === undefined && !existsSync(join(keysDir(config.dataDir), 'checkpoint.skey'))
  const app = await buildApp(config, { logger: { level: config.logLevel } })
  await listenUntilSignalled(app, { port: config.port, host: config.host })
  if (process.env.LOG_FORMAT !== 'json') process.stdout.write(welcome(app, config, firstStart))
  return app
}

/**
 * What a person starting the service needs to know, in plain lines: pino's JSON says it
 * too, but not in a way a newcomer reads. LOG_FORMAT=json leaves only the machine logs.
 */
export function welcome(app: FastifyInstance, config: Config, firstStart: boolean): string {
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  const vkey = app.checkpointKeys.signer.vkey
  const dev = config.auth.jwksUrl === undefined
  const lines = [
    '',
    `evidence-ledger is serving on ${base}`,
    `  data directory  ${config.dataDir}${firstStart ? ' (new: a checkpoint signing key and a dev token key were generated in keys/, mode 0600)' : ''}`,
    `  verifier key    ${vkey}`,
    '                  publish it: receipts and evidence bundles are verified against this key alone',
    `  tokens          ${dev ? 'dev mode: `npx evidence-ledger token --role submitter` prints one (same DATA_DIR)' : `from your identity provider (${config.auth.jwksUrl})`}`,
    '',
    'Next:',
    `  1. TOKEN=$(DATA_DIR=${config.dataDir} npx evidence-ledger token --role submitter)`,
    `  2. curl -s -X POST ${base}/v1/records -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `       -d '{"kind":"evidence","id":"EV-1","subject":"91350100M000100Y43","commitment":"sha256:${'ab'.repeat(32)}"}'`,
    `  3. open ${base}/docs (API, try it out), ${base}/verify (check a receipt or bundle)`,
    '',
    'Logs follow as JSON lines (LOG_FORMAT=json prints only those).',
    '',
  ]
  return lines.join('\n')
}

export async function main(): Promise<void> {
  try {
    await serve()
  } catch (e) {
    console.error(`evidence-ledger: ${describeStartupError(e)}`)
    process.exit(1)
  }
}
