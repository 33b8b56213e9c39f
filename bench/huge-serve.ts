// The serving process of bench/huge.ts: the real app over the huge log's data directory,
// in its own process so its RSS is the server's alone. Prints {port, token, pid} once listening;
// over the IPC channel it answers 'memory' with what it holds inside (ServerMemory).
import type { AddressInfo } from 'node:net'
import { getHeapSpaceStatistics } from 'node:v8'
import type { LogCacheStats } from '../chain/log.ts'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadTokenKey } from '../src/keys.ts'
import { mintToken } from '../src/tokens.ts'
import { leveldbEnv, ORIGIN } from './fixture.ts'

useNodeCrypto()
const dataDir = process.argv[2]
const config = loadConfig({ ...leveldbEnv(), DATA_DIR: dataDir, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), LEDGER_ORIGIN: ORIGIN })
const app = await buildApp(config)
await app.listen({ port: 0, host: '127.0.0.1' })
const token = await mintToken(await loadTokenKey(dataDir, true), { roles: ['submitter', 'auditor'], sub: 'bench', ttlSeconds: 3600, issuer: config.auth.issuer, audience: config.auth.audience })
process.stdout.write(JSON.stringify({ port: (app.server.address() as AddressInfo).port, token, pid: process.pid }) + '\n')

export interface ServerMemory {
  /** process.memoryUsage(), bytes. */
  usage: NodeJS.MemoryUsage
  /** V8's young generation (new space), bytes: its size is set at start (--max-semi-space-size). */
  newSpace: number
  log: LogCacheStats
}

process.on('message', (m) => {
  if (m !== 'memory') return
  const report: ServerMemory = {
    usage: process.memoryUsage(),
    newSpace: getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0,
    log: app.ledger.log.cacheStats(),
  }
  process.send?.(report)
})
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
