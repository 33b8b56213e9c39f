// Who may call which route (docs/api.md); plugins/auth.ts enforces a route's config.roles.
import type { Role } from '../../plugins/auth.ts'

export const SUBMIT_ROLES = ['submitter'] as const satisfies readonly Role[]
/** Statements, entries, blocks, subject histories and consent status. */
export const READ_ROLES = ['auditor', 'court', 'admin'] as const satisfies readonly Role[]
/** Records themselves (payloads) and evidence bundles: what a court is shown. */
export const EVIDENCE_ROLES = ['court', 'admin'] as const satisfies readonly Role[]
export const ADMIN_ROLES = ['admin'] as const satisfies readonly Role[]
