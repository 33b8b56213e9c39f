// The record kinds clients may notarize, one entry each; adding a kind is adding its file
// and one line here. Isomorphic (web/verify.ts imports it): no TypeBox, no Node.
import type { ClientKind } from '../../chain/statement.ts'
import type { KindLabels, RecordKind } from './kind.ts'
import { financingApplication } from './financing-application.ts'
import { dataAuthorization } from './data-authorization.ts'
import { authorizationRevocation } from './authorization-revocation.ts'
import { evidence } from './evidence.ts'

export const RECORD_KINDS = {
  'financing-application': financingApplication,
  'data-authorization': dataAuthorization,
  'authorization-revocation': authorizationRevocation,
  evidence,
} as const satisfies Record<ClientKind, RecordKind>

// Redactions are written by the ledger itself (erasure), never by a client: labels only.
const REDACTION_LABELS: KindLabels = { kind: '删除记录 Redaction', fields: { reason: '原因' } }

/** The labels of a statement's kind; undefined for a kind this ledger does not know. */
export function kindLabels(kind: string): KindLabels | undefined {
  if (kind === 'redaction') return REDACTION_LABELS
  return Object.hasOwn(RECORD_KINDS, kind) ? RECORD_KINDS[kind as ClientKind].labels : undefined
}

/** The business id a record names (docs/formats.md). */
export function recordId(kind: ClientKind, record: Record<string, unknown>): string {
  return record[RECORD_KINDS[kind].idField] as string
}

/** The USCC a record names itself; null when its subject comes from the entry it amends. */
export function recordSubject(kind: ClientKind, record: Record<string, unknown>): string | null {
  const rule = RECORD_KINDS[kind].subject
  if ('party' in rule) return (record[rule.party] as { uscc: string }).uscc
  if ('field' in rule) return record[rule.field] as string
  return null
}

/** Where the subject sits in a request body, as problem details name it. */
export function subjectPath(kind: ClientKind): string | null {
  const rule = RECORD_KINDS[kind].subject
  if ('party' in rule) return `record.${rule.party}.uscc`
  if ('field' in rule) return `record.${rule.field}`
  return null
}

/** The field holding the party (uscc and name) a record is about; undefined if none. */
export function partyField(kind: string): string | undefined {
  if (!Object.hasOwn(RECORD_KINDS, kind)) return undefined
  const rule = RECORD_KINDS[kind as ClientKind].subject
  return 'party' in rule ? rule.party : undefined
}

/** The kind a record of this kind amends, if any (see SubjectRule). */
export function amendedKind(kind: ClientKind): ClientKind | undefined {
  const rule = RECORD_KINDS[kind].subject
  return 'amends' in rule ? rule.amends : undefined
}
