// Record schemas (docs/formats.md), strict: unknown fields rejected, every string and array
// bounded. The same compiled checkers validate single and batch bodies.
import { unsafeTextReason } from '../../chain/text-rules.ts'
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { isValidUscc, type ClientKind } from '../../chain/statement.ts'

const strict = { additionalProperties: false } as const

export const Uscc = Type.String({
  pattern: '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$',
  description: 'Unified Social Credit Code (GB 32100-2015), check character verified',
  examples: ['91350100M000100Y43'],
})
export const BusinessId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
  description: 'Client business id, unique per kind: letters, digits, . _ : -',
  examples: ['AUTH-2026-000123'],
})
/**
 * An entry's id as the ledger stores it, for read routes: a client business id, or a
 * redaction's `<kind>:<business id>`, which can run past the 128 characters of the
 * longest business id (24-character kind + ":" + 128).
 */
export const EntryId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,152}$',
  description: 'Entry id: a business id, or for a redaction "<kind>:<business id>"',
  examples: ['AUTH-2026-000123', 'evidence:EV-2026-0042'],
})
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
export const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lowercase hex' })
export const Rfc3339 = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$',
  description: 'RFC 3339 date-time',
  examples: ['2026-11-23T10:00:00.000Z'],
})
export const Commitment = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })
const Decimal = Type.String({ pattern: '^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,4})?$', description: 'decimal string, e.g. "500000.00"' })
const Document = Type.Object({
  name: Text(200),
  sha256: Sha256Hex,
  size: Type.Integer({ minimum: 0, maximum: 2 ** 40 }),
}, strict)

export const DATA_CATEGORIES = ['tax', 'invoice', 'social-security', 'housing-fund', 'utilities', 'customs', 'real-estate', 'judicial', 'credit', 'other'] as const
export const DataCategory = Type.Union(DATA_CATEGORIES.map((c) => Type.Literal(c)))
export const CONSENT_METHODS = ['e-signature', 'click-wrap', 'in-person', 'rpa-login'] as const

export const FinancingApplication = Type.Object({
  applicationId: BusinessId,
  applicant: Type.Object({ uscc: Uscc, name: Text(200) }, strict),
  product: Text(100),
  amount: Type.Object({ value: Decimal, currency: Type.Literal('CNY') }, strict),
  termMonths: Type.Integer({ minimum: 1, maximum: 600 }),
  purpose: Text(500),
  submittedAt: Rfc3339,
  channel: Text(50),
  attachments: Type.Array(Document, { maxItems: 50 }),
}, strict)

export const DataAuthorization = Type.Object({
  authorizationId: BusinessId,
  grantor: Type.Object({ uscc: Uscc, name: Text(200), representative: Type.Optional(Text(100)) }, strict),
  grantee: Type.Object({ institutionCode: Text(64), name: Text(200) }, strict),
  dataCategories: Type.Array(DataCategory, { minItems: 1, maxItems: DATA_CATEGORIES.length, uniqueItems: true }),
  purpose: Text(500),
  validFrom: Rfc3339,
  validUntil: Rfc3339,
  consentMethod: Type.Union(CONSENT_METHODS.map((m) => Type.Literal(m))),
  consentTextSha256: Sha256Hex,
}, strict)

export const AuthorizationRevocation = Type.Object({
  authorizationId: BusinessId,
  revokedAt: Rfc3339,
  reason: Text(500),
}, strict)

export const EvidenceRecord = Type.Object({
  evidenceId: BusinessId,
  subject: Uscc,
  title: Text(200),
  documents: Type.Array(Document, { minItems: 1, maxItems: 100 }),
}, strict)

export const RECORD_SCHEMAS = {
  'financing-application': FinancingApplication,
  'data-authorization': DataAuthorization,
  'authorization-revocation': AuthorizationRevocation,
  evidence: EvidenceRecord,
} satisfies Record<ClientKind, TSchema>

export type FinancingApplicationRecord = Static<typeof FinancingApplication>
export type DataAuthorizationRecord = Static<typeof DataAuthorization>
export type AuthorizationRevocationRecord = Static<typeof AuthorizationRevocation>
export type EvidenceRecordT = Static<typeof EvidenceRecord>

export const ClientKindSchema = Type.Union([
  Type.Literal('financing-application'), Type.Literal('data-authorization'),
  Type.Literal('authorization-revocation'), Type.Literal('evidence'),
])

const recordBody = <K extends ClientKind>(kind: K) =>
  Type.Object({ kind: Type.Literal(kind), record: RECORD_SCHEMAS[kind] }, { ...strict, title: `${kind} record` })

export const HashOnlyBody = Type.Object({
  kind: ClientKindSchema,
  id: BusinessId,
  subject: Uscc,
  commitment: Commitment,
}, { ...strict, title: 'hash-only (the record never leaves the client)' })

/** POST /v1/records body, as documented. Validation uses validateRecordBody for clear errors. */
export const RecordBody = Type.Union([
  recordBody('financing-application'),
  recordBody('data-authorization'),
  recordBody('authorization-revocation'),
  recordBody('evidence'),
  HashOnlyBody,
])

export const MAX_BATCH = 1000
export const BatchBody = Type.Object({
  records: Type.Array(RecordBody, { minItems: 1, maxItems: MAX_BATCH }),
}, strict)

export type ParsedBody =
  | { mode: 'record'; kind: ClientKind; record: Record<string, unknown> }
  | { mode: 'hash'; kind: ClientKind; id: string; subject: string; commitment: string }

export type BodyCheck = { ok: true; body: ParsedBody } | { ok: false; detail: string }

const checkers: Record<ClientKind, TypeCheck<TSchema>> = {
  'financing-application': TypeCompiler.Compile(FinancingApplication),
  'data-authorization': TypeCompiler.Compile(DataAuthorization),
  'authorization-revocation': TypeCompiler.Compile(AuthorizationRevocation),
  evidence: TypeCompiler.Compile(EvidenceRecord),
}
const hashOnlyChecker = TypeCompiler.Compile(HashOnlyBody)
const kindChecker = TypeCompiler.Compile(ClientKindSchema)

/**
 * Validates one record body: dispatches on kind and mode so that errors name the exact
 * field, then checks what JSON Schema cannot (USCC check character, real dates, text).
 */
export function validateRecordBody(input: unknown): BodyCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('body must be a JSON object')
  const body = input as Record<string, unknown>
  if (!kindChecker.Check(body.kind)) return fail(`kind must be one of ${Object.keys(RECORD_SCHEMAS).join(', ')}`)
  const kind = body.kind as ClientKind
  const badText = findBadText(body)
  if (badText) return fail(`${badText}; text must be well-formed Unicode without control, bidi or other invisible formatting characters`)
  if ('record' in body) {
    const extra = Object.keys(body).filter((k) => k !== 'kind' && k !== 'record')
    if (extra.length > 0) return fail(`unexpected field ${extra[0]} next to record`)
    const checker = checkers[kind]
    if (!checker.Check(body.record)) return fail(describe('record', checker.Errors(body.record).First()))
    const record = body.record as Record<string, unknown>
    const semantic = checkRecordSemantics(kind, record)
    if (semantic) return fail(semantic)
    return { ok: true, body: { mode: 'record', kind, record } }
  }
  if (!hashOnlyChecker.Check(body)) {
    if (!('commitment' in body)) return fail('body needs either record or commitment')
    return fail(describe('', hashOnlyChecker.Errors(body).First()))
  }
  if (!isValidUscc(body.subject)) return fail('subject: USCC check character is wrong')
  return { ok: true, body: { mode: 'hash', kind, id: body.id as string, subject: body.subject as string, commitment: body.commitment as string } }
}

function fail(detail: string): BodyCheck {
  return { ok: false, detail }
}

function describe(prefix: string, e: { path: string; message: string } | undefined): string {
  if (!e) return `${prefix || 'body'} is invalid`
  const path = (prefix + e.path.replaceAll('/', '.')).replace(/^\./, '')
  return `${path || 'body'}: ${e.message}`
}

export function isRealTime(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})/.exec(s)
  if (!m) return false
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number)
  const probe = new Date(Date.UTC(y, mo - 1, d))
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d &&
    h < 24 && mi < 60 && se < 60 && Number.isFinite(Date.parse(s))
}

const TIME_FIELDS: Record<ClientKind, string[]> = {
  'financing-application': ['submittedAt'],
  'data-authorization': ['validFrom', 'validUntil'],
  'authorization-revocation': ['revokedAt'],
  evidence: [],
}

function checkRecordSemantics(kind: ClientKind, r: Record<string, unknown>): string | null {
  for (const f of TIME_FIELDS[kind]) if (!isRealTime(r[f] as string)) return `record.${f}: not a real date-time`
  const uscc = recordSubject(kind, r)
  if (uscc !== null && !isValidUscc(uscc)) return `${subjectField(kind)}: USCC check character is wrong`
  if (kind === 'data-authorization' && Date.parse(r.validFrom as string) >= Date.parse(r.validUntil as string)) {
    return 'record.validUntil: must be after validFrom'
  }
  return null
}

function subjectField(kind: ClientKind): string {
  return { 'financing-application': 'record.applicant.uscc', 'data-authorization': 'record.grantor.uscc', 'authorization-revocation': '', evidence: 'record.subject' }[kind]
}

/** The business id of a record (docs/formats.md). */
export function recordId(kind: ClientKind, r: Record<string, unknown>): string {
  switch (kind) {
    case 'financing-application': return r.applicationId as string
    case 'data-authorization': return r.authorizationId as string
    case 'authorization-revocation': return r.authorizationId as string
    case 'evidence': return r.evidenceId as string
  }
}

/** The subject USCC a record names itself; a revocation takes its authorization's. */
export function recordSubject(kind: ClientKind, r: Record<string, unknown>): string | null {
  switch (kind) {
    case 'financing-application': return (r.applicant as { uscc: string }).uscc
    case 'data-authorization': return (r.grantor as { uscc: string }).uscc
    case 'authorization-revocation': return null
    case 'evidence': return r.subject as string
  }
}

/** Path and reason of the first string (or key) a person could be misled by (chain/text-rules.ts). */
function findBadText(v: unknown, path = 'body', depth = 0): string | null {
  if (depth > 8) return null // schemas bound depth; deeper values fail validation anyway
  if (typeof v === 'string') {
    const why = unsafeTextReason(v)
    return why ? `${path}: ${why}` : null
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && i < 1000; i++) {
      const bad = findBadText(v[i], `${path}[${i}]`, depth + 1)
      if (bad) return bad
    }
    return null
  }
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const why = unsafeTextReason(k)
      if (why) return `${path} key: ${why}`
      const bad = findBadText(x, `${path}.${k}`, depth + 1)
      if (bad) return bad
    }
  }
  return null
}
