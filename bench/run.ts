// `npm run bench [-- core http audit]`: runs the named benches (all by default) in one
// process, so the large log is built once and every ratio has its baseline from this run.
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { runAuditBench } from './audit.ts'
import { runCoreBench } from './core.ts'
import { runHttpBench } from './http.ts'
import { runHugeBench } from './huge.ts'
import { runWitnessBench } from './witness.ts'
import { runTimestampBench } from './timestamp.ts'

useNodeCrypto()

const BENCHES: Record<string, () => Promise<void>> = { core: runCoreBench, http: runHttpBench, audit: runAuditBench, witness: runWitnessBench, timestamp: runTimestampBench, huge: runHugeBench }
const chosen = process.argv.slice(2).filter((a) => a !== '--')
for (const name of chosen) if (!BENCHES[name]) throw new Error(`unknown bench "${name}"; choose from ${Object.keys(BENCHES).join(', ')}`)
console.log(`evidence-ledger bench — node ${process.version}, ${new Date().toISOString()}`)
for (const name of chosen.length ? chosen : Object.keys(BENCHES)) await BENCHES[name]()
process.exit(0)
