// Decorates the app with `timestamping` (the RFC 3161 stamping loop, TSA_URL + TSA_CERT) and
// `timestamps` (the stored tokens), both null without TSA_URL. Registered after witnessing:
// with a witness policy, only checkpoints that met the quorum are stamped.
import fp from 'fastify-plugin'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { parsePemCertificates } from '../chain/timestamp.ts'
import { ConfigError } from './config.ts'
import { TimestampStore } from './timestamp-store.ts'
import { Timestamping, stampSource } from './timestamping.ts'

declare module 'fastify' {
  interface FastifyInstance {
    timestamping: Timestamping | null
    timestamps: TimestampStore | null
  }
}

export interface TimestampingPluginOptions {
  dataDir: string
  tsa?: { url: string; certPath: string; intervalMs: number }
}

export function loadTsaCertificates(path: string): Uint8Array[] {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`TSA_CERT: cannot read ${path}: ${(e as Error).message}`)
  }
  try {
    return parsePemCertificates(pem)
  } catch (e) {
    throw new ConfigError(`TSA_CERT ${path}: ${(e as Error).message}`)
  }
}

/** Where stored tokens live inside DATA_DIR. */
export function timestampsPath(dataDir: string): string {
  return join(dataDir, 'timestamps')
}

async function timestampingPlugin(app: FastifyInstance, opts: TimestampingPluginOptions): Promise<void> {
  if (opts.tsa === undefined) {
    app.decorate('timestamping', null)
    app.decorate('timestamps', null)
    return
  }
  const trust = loadTsaCertificates(opts.tsa.certPath)
  const store = new TimestampStore(timestampsPath(opts.dataDir))
  await store.open()
  const source = stampSource(app.ledger.log, app.witnessing)
  const timestamping = new Timestamping({ source, store, url: opts.tsa.url, trust, logger: app.log, minIntervalMs: opts.tsa.intervalMs })
  app.decorate('timestamping', timestamping)
  app.decorate('timestamps', store)
  app.addHook('onReady', async () => timestamping.start())
  app.addHook('onClose', async () => {
    await timestamping.close()
    await store.close()
  })
}

export default fp(timestampingPlugin, { name: 'timestamping', fastify: '5.x', dependencies: ['ledger', 'witnessing'] })
