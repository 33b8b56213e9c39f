// `evidence-ledger audit`: re-verifies the whole log in DATA_DIR, or in DATABASE_URL when set
// (chain/audit.ts).
import { auditLog, type AuditReport } from '../../chain/audit.ts'
import { loadConfig } from '../config.ts'
import { openConfiguredStorage, trustedVkeys } from './data-dir.ts'
import { progressBar } from './progress.ts'

export async function runAudit(opts: { json?: boolean; key?: string[]; strict?: boolean }): Promise<number> {
  const config = loadConfig()
  const vkeys = trustedVkeys(config, opts.key)
  const storage = await openConfiguredStorage(config, true)
  const bar = opts.json ? { update() {}, stop() {} } : progressBar('audit')
  const started = performance.now()
  let report: AuditReport
  try {
    report = await auditLog(storage, { vkeys, origin: config.origin, onProgress: (d, t) => bar.update(d, t), strictStatements: opts.strict })
  } finally {
    bar.stop()
    await storage.close()
  }
  const seconds = (performance.now() - started) / 1000
  const rate = Math.round(report.entries / Math.max(seconds, 0.001))
  if (opts.json) process.stdout.write(JSON.stringify({ ...report, seconds, rate }) + '\n')
  else if (report.ok) process.stdout.write(`audit OK: ${report.entries} entries in ${report.blocks} blocks, root ${report.root}; ${seconds.toFixed(2)} s, ${rate} entries/s\n`)
  else process.stdout.write(`${failureLine(report)}\n(verified ${report.entries} entries in ${report.blocks} blocks before it)\n`)
  return report.ok ? 0 : 1
}

/** "audit FAILED at entry 4: leaf hash …", not "… at entry 4: entry 4: leaf hash …". */
export function failureLine(report: AuditReport): string {
  const at = report.position ? `${report.position.what} ${report.position.index}` : 'an unknown position'
  const error = report.error ?? 'unknown error'
  return `audit FAILED at ${at}: ${error.startsWith(`${at}: `) ? error.slice(at.length + 2) : error}`
}
