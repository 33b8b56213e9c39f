// Assembles evidence bundles (docs/formats.md) from the log: the record and salt (unless erased),
// the statement, its proof against its block's checkpoint, the block header, and the
// later statements that ref it (revocations, redactions).
import { BUNDLE_FORMAT, type EvidenceBundle } from '../chain/verify.ts'
import type { Kind } from '../chain/statement.ts'
import type { LedgerService } from './ledger-service.ts'

/** `owner`: whose record of kind+id (ids are unique per submitter); see LedgerService.resolve. */
export async function buildBundle(ledger: LedgerService, kind: Kind, id: string, owner?: string): Promise<EvidenceBundle | undefined> {
  const view = await ledger.record(kind, id, owner)
  if (!view) return undefined
  const block = await ledger.log.block(view.receipt.block.height)
  if (!block) throw new Error(`block ${view.receipt.block.height} is missing`)
  const related = await ledger.related(view.index)
  const redacted = related.some((r) => r.statement.kind === 'redaction')
  return {
    format: BUNDLE_FORMAT,
    statement: view.statement,
    record: view.payload?.record ?? null,
    salt: view.payload?.salt ?? null,
    redacted,
    entry: view.receipt.entry,
    inclusion: view.receipt.inclusion,
    checkpoint: view.receipt.checkpoint,
    block: block.header,
    related: related.map((r) => r.statement),
    issuedAt: new Date().toISOString(),
  }
}
