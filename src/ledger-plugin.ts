// Opens the log (DATA_DIR's LevelDB, or PostgreSQL when DATABASE_URL is set) and decorates
// the app with the ledger service. Closing the app drains queued appends before the store
// closes, so SIGTERM loses nothing acknowledged.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Log } from '../chain/log.ts'
import type { CheckpointKeys } from '../chain/checkpoint-keys.ts'
import { openLevelStorage, type LevelTuning } from '../chain/storage.ts'
import { LedgerService } from './ledger-service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    ledger: LedgerService
    checkpointKeys: CheckpointKeys
    /** False while a shared database is unreachable (readiness answers 503). */
    ledgerReady(): boolean
  }
}

export interface LedgerPluginOptions {
  storePath: string
  databaseUrl?: string
  /** DATA_DIR's LevelDB only. */
  leveldb?: LevelTuning
  origin: string
  keys: CheckpointKeys
}

/**
 * How often an instance over a shared database looks for blocks other instances wrote, so
 * its size, height and /v1/checkpoint trail theirs by at most about this long.
 */
const REFRESH_MS = 200

async function ledgerPlugin(app: FastifyInstance, opts: LedgerPluginOptions): Promise<void> {
  // The PostgreSQL driver (~15 MB of a process's memory with pg) loads only when configured.
  const storage = opts.databaseUrl
    ? await (await import('../chain/pg-store.ts')).openPgStorage(opts.databaseUrl)
    : await openLevelStorage(opts.storePath, opts.leveldb)
  let log: Log
  try {
    log = await Log.open({ storage, origin: opts.origin, signer: opts.keys.signer, retiredKeys: opts.keys.retired })
  } catch (e) {
    await storage.close()
    throw e
  }
  let ready = true
  let timer: NodeJS.Timeout | undefined
  if (opts.databaseUrl) {
    const tick = () => {
      log.refresh().then(() => { ready = true }, () => { ready = false }).finally(() => {
        if (timer !== undefined) timer = setTimeout(tick, REFRESH_MS).unref()
      })
    }
    timer = setTimeout(tick, REFRESH_MS).unref()
  }
  app.decorate('ledger', new LedgerService(log))
  app.decorate('checkpointKeys', opts.keys)
  app.decorate('ledgerReady', () => ready)
  app.addHook('onClose', async () => {
    clearTimeout(timer)
    timer = undefined
    await log.close()
  })
}

export default fp(ledgerPlugin, { name: 'ledger', fastify: '5.x' })
