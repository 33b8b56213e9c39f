// The serving process of bench/huge.ts: the real app over the huge log's data directory,
// in its own process so its RSS is the server's alone. Prints {port, token, pid} once listening.
import type { AddressInfo } from 'node:net'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { loadTokenKey } from '../src/keys.ts'
import { mintToken } from '../src/tokens.ts'
import { ORIGIN } from './fixture.ts'

useNodeCrypto()
const dataDir = process.argv[2]
const config = loadConfig({ DATA_DIR: dataDir, RATE_LIMIT_MAX: String(Number.MAX_SAFE_INTEGER), LEDGER_ORIGIN: ORIGIN })
const app = await buildApp(config)
await app.listen({ port: 0, host: '127.0.0.1' })
const token = await mintToken(await loadTokenKey(dataDir, true), { roles: ['submitter', 'auditor'], sub: 'bench', ttlSeconds: 3600, issuer: config.auth.issuer, audience: config.auth.audience })
process.stdout.write(JSON.stringify({ port: (app.server.address() as AddressInfo).port, token, pid: process.pid }) + '\n')
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
