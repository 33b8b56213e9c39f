// Child process for the crash test: appends concurrently until killed, printing one line
// per acknowledged entry ("<index> <leafHash>"), only after its block is durable.
import { hexToBytes } from '../../chain/encoding.ts'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { Log } from '../../chain/log.ts'
import { useNodeCrypto } from '../../chain/node-crypto.ts'
import { ORIGIN, request } from './fixtures.ts'

const dir = process.env.CRASH_DIR!
const seed = hexToBytes(process.env.CRASH_SEED!)
useNodeCrypto()
const log = await Log.openAt(dir, { origin: ORIGIN, signer: signerFromSeed(ORIGIN, seed) })
let next = log.size * 10 + 1_000_000 * Number(process.env.CRASH_ROUND ?? 0)
process.stdout.write(`ready ${log.size}\n`)

async function worker(): Promise<void> {
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 5)
    const group = Array.from({ length: n }, () => request(next++))
    const outcomes = await log.append(group)
    let lines = ''
    for (const o of outcomes) if (o.status === 'created') lines += `${o.index} ${o.receipt.entry.leafHash}\n`
    process.stdout.write(lines)
  }
}
await Promise.all(Array.from({ length: 16 }, worker))
