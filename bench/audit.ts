// Audit bench: full re-verification rate of a large log (target ≥ 200,000 entries/s).
// Run: node --import tsx bench/audit.ts
import { auditLog } from '../chain/audit.ts'
import { LevelStore } from '../chain/store.ts'
import { bigLog, fmt, ORIGIN, signer } from './fixture.ts'

export async function runAuditBench(): Promise<void> {
  console.log('\n== audit: full re-verification ==')
  const big = await bigLog()
  const store = new LevelStore(big.dir)
  await store.open()
  const started = performance.now()
  const report = await auditLog(store, { vkeys: [signer().vkey], origin: ORIGIN })
  const seconds = (performance.now() - started) / 1000
  await store.close()
  if (!report.ok) throw new Error(`bench log does not audit: ${report.error}`)
  const rate = report.entries / seconds
  console.log(`  ${fmt(report.entries)} entries, ${fmt(report.blocks)} blocks in ${seconds.toFixed(2)} s: ${fmt(rate)} entries/s (target ≥ 200,000: ${rate >= 200_000 ? 'met' : 'NOT met'})`)
}

if (import.meta.url === `file://${process.argv[1]}`) await runAuditBench()
