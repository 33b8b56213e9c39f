// A real TSA (openssl ts -reply behind HTTP, test/helpers/tsa.ts) in a process of its own, so
// the timestamp bench measures the ledger's CPU without the TSA's. Writes the TSA's
// certificate to argv[2], prints its URL on stdout, serves until killed.
import { writeFileSync } from 'node:fs'
import { startTsa } from '../test/helpers/tsa.ts'

const cleanups: (() => unknown)[] = []
const tsa = await startTsa({ teardown: (fn) => { cleanups.push(fn) } })
writeFileSync(process.argv[2], tsa.keys.tsaPem)
process.stdout.write(tsa.url + '\n')
process.on('SIGTERM', async () => {
  for (const fn of cleanups.reverse()) await fn()
  process.exit(0)
})
