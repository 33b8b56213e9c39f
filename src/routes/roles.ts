// Who may call which route (docs/api.md); plugins/auth.ts enforces a route's config.roles.
import type { Principal, Role } from '../../plugins/auth.ts'
import { ProblemError } from '../../plugins/problems.ts'

export const SUBMIT_ROLES = ['submitter'] as const satisfies readonly Role[]
/** Statements, entries, blocks, subject histories and consent status. */
export const READ_ROLES = ['auditor', 'court', 'admin'] as const satisfies readonly Role[]
/** Records themselves (payloads) and evidence bundles: what a court is shown. */
export const EVIDENCE_ROLES = ['court', 'admin'] as const satisfies readonly Role[]
export const ADMIN_ROLES = ['admin'] as const satisfies readonly Role[]
/**
 * Whose record of a kind+id a read addresses (ids are unique per submitter). Auditors,
 * courts and admins name any submitter with ?submitter= (or none: the ledger.resolve rules);
 * any other caller only ever reaches its own records, and naming another submitter is
 * answered exactly as an id that does not exist (`notFound`), so it learns nothing. No
 * route admits a submitter-only token today; this keeps one that does from reading across.
 */
export function addressedOwner(principal: Principal, submitter: string | undefined, notFound: () => ProblemError): string | undefined {
  if (READ_ROLES.some((r) => principal.roles.includes(r))) return submitter
  if (submitter !== undefined && submitter !== principal.sub) throw notFound()
  return principal.sub
}
