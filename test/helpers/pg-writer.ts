// Child process for the multi-instance tests: one ledger instance (a Log over the shared
// PostgreSQL database) appending concurrently until killed or told to stop (stdin closes),
// printing "<index> <leafHash> <id>" per acknowledged entry, only once its block committed.
// Every instance also submits the shared ids "S-<n>", so duplicates race across processes.
import { hexToBytes } from '../../chain/encoding.ts'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { Log } from '../../chain/log.ts'
import { useNodeCrypto } from '../../chain/node-crypto.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { ORIGIN, request } from './fixtures.ts'

useNodeCrypto()
const name = process.env.WRITER_NAME!
const log = await Log.open({ storage: await openPgStorage(process.env.DATABASE_URL!), origin: ORIGIN, signer: signerFromSeed(ORIGIN, hexToBytes(process.env.WRITER_SEED!)) })
process.stdout.write('ready\n')
let stopping = false
process.stdin.on('end', () => { stopping = true }).resume()
let next = 0
let shared = 0

async function worker(): Promise<void> {
  while (!stopping) {
    const n = 1 + Math.floor(Math.random() * 4)
    const group = Array.from({ length: n }, () => ({ ...request(0), id: `${name}-${next++}` }))
    // Same content from every instance: a replay, never a second entry.
    group.push({ ...request(0), id: `S-${shared++}` })
    const outcomes = await log.append(group)
    let lines = ''
    outcomes.forEach((o, i) => {
      if (o.status === 'created') lines += `${o.index} ${o.receipt.entry.leafHash} ${group[i].id}\n`
      else if (o.status === 'duplicate') lines += `${o.index} - ${group[i].id}\n`
    })
    process.stdout.write(lines)
  }
}
await Promise.all(Array.from({ length: 8 }, worker))
await log.close()
process.stdout.write('done\n')
