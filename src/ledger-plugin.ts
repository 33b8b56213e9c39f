// Opens the log on DATA_DIR and decorates the app with the ledger service. Closing the
// app drains queued appends before LevelDB closes, so SIGTERM loses nothing acknowledged.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Log } from '../chain/log.ts'
import type { CheckpointKeys } from '../chain/checkpoint-keys.ts'
import { LedgerService } from './ledger-service.ts'

declare module 'fastify' {
  interface FastifyInstance {
    ledger: LedgerService
    checkpointKeys: CheckpointKeys
  }
}

export interface LedgerPluginOptions {
  storePath: string
  origin: string
  keys: CheckpointKeys
}

async function ledgerPlugin(app: FastifyInstance, opts: LedgerPluginOptions): Promise<void> {
  const log = await Log.openAt(opts.storePath, { origin: opts.origin, signer: opts.keys.signer, retiredKeys: opts.keys.retired })
  app.decorate('ledger', new LedgerService(log))
  app.decorate('checkpointKeys', opts.keys)
  app.addHook('onClose', async () => {
    await log.close()
  })
}

export default fp(ledgerPlugin, { name: 'ledger', fastify: '5.x' })
