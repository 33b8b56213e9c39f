// `evidence-ledger witness`: opens the state, loads (or creates) the cosigner key and
// listens. PORT, HOST, DATA_DIR and LOG_LEVEL as for `serve`. SIGTERM/SIGINT close cleanly;
// kill -9 is safe too (state is synced before every reply).
import { listenUntilSignalled } from '../listen.ts'
import { join } from 'node:path'
import { parseVkey, type VerifierKey } from '../../chain/note.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { makeDirs } from '../make-dirs.ts'
import { buildWitnessApp } from './app.ts'
import { loadCosigner } from './keys.ts'
import { WitnessState } from './state.ts'
import { Witness } from './witness.ts'
import { Mirror } from './mirror.ts'
import type { FastifyInstance } from 'fastify'

export interface WitnessCommand {
  name: string
  log: string[]
  mirror?: string
  /** Entry bundles per stored batch while mirroring (--mirror-chunk). */
  mirrorChunkTiles?: number
}

export function parseLogKeys(vkeys: readonly string[]): VerifierKey[] {
  if (vkeys.length === 0) throw new ConfigError('give at least one --log <ledger vkey>')
  return vkeys.map((v) => {
    try {
      return parseVkey(v)
    } catch (e) {
      throw new ConfigError(`--log ${v}: ${(e as Error).message}`)
    }
  })
}

export async function serveWitness(cmd: WitnessCommand): Promise<FastifyInstance> {
  const config = loadConfig()
  const logs = parseLogKeys(cmd.log)
  makeDirs(config.dataDir)
  const cosigner = loadCosigner(config.dataDir, cmd.name)
  const state = new WitnessState(join(config.dataDir, 'witness'))
  await state.open()
  let mirror: Mirror | undefined
  if (cmd.mirror !== undefined) {
    const origins = [...new Set(logs.map((k) => k.name))]
    if (origins.length !== 1) throw new ConfigError(`--mirror copies one ledger: give --log keys of one origin only (got ${origins.join(', ')})`)
    try {
      new URL(cmd.mirror)
    } catch {
      throw new ConfigError(`--mirror ${cmd.mirror} is not a URL (the ledger's tlog-tiles prefix, e.g. https://ledger.example/tlog)`)
    }
    // Syncs run only once the app below listens, so the logger exists by the first report.
    const onProgress = (staged: number, target: number) => app.log.info({ staged, target }, `mirror: ${staged} of ${target} entries fetched`)
    mirror = new Mirror(origins[0], cmd.mirror, join(config.dataDir, 'mirror'), { chunkTiles: cmd.mirrorChunkTiles, onProgress })
    await mirror.open()
  }
  const witness = new Witness({ cosigner, logs, state, mirror })
  const app = await buildWitnessApp({ witness, logger: { level: config.logLevel } })
  if (mirror !== undefined && mirror.staged > mirror.size) app.log.info({ staged: mirror.staged, verified: mirror.size }, `mirror: resuming at entry ${mirror.staged} (entries ${mirror.size}..${mirror.staged - 1} fetched before, verified with the next checkpoint)`)
  app.addHook('onClose', async () => {
    await state.close()
    await mirror?.close()
  })
  await listenUntilSignalled(app, { port: config.port, host: config.host })
  app.log.info({ vkey: cosigner.vkey, origins: witness.origins() }, 'witness ready')
  return app
}
