// Checks one record body against its kind's schema, then what JSON Schema cannot say (USCC
// check character, real dates, well-formed text, rules across fields). Errors name the
// exact field, so the body is dispatched on kind and mode before the schema runs.
import { unsafeTextReason } from '../chain/text-rules.ts'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { CLIENT_KINDS, isValidUscc, type ClientKind } from '../chain/statement.ts'
import { RECORD_KINDS, recordSubject, subjectPath } from './kinds/index.ts'
import type { RecordKind } from './kinds/kind.ts'
import { ClientKindSchema } from './schemas/fields.ts'
import { HashOnlyBody, RECORD_SCHEMAS } from './schemas/records.ts'

export type ParsedBody =
  | { mode: 'record'; kind: ClientKind; record: Record<string, unknown> }
  | { mode: 'hash'; kind: ClientKind; id: string; subject: string; commitment: string }

export type BodyCheck = { ok: true; body: ParsedBody } | { ok: false; detail: string }

const checkers = {} as Record<ClientKind, TypeCheck<TSchema>>
for (const k of CLIENT_KINDS) checkers[k] = TypeCompiler.Compile<TSchema>(RECORD_SCHEMAS[k])
const hashOnlyChecker = TypeCompiler.Compile(HashOnlyBody)
const kindChecker = TypeCompiler.Compile(ClientKindSchema)
const KIND_LIST = CLIENT_KINDS.join(', ')

export function validateRecordBody(input: unknown): BodyCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail('body must be a JSON object')
  const body = input as Record<string, unknown>
  if (!kindChecker.Check(body.kind)) return fail(`kind must be one of ${KIND_LIST}`)
  const kind = body.kind
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
  return { ok: true, body: { mode: 'hash', kind, id: body.id, subject: body.subject, commitment: body.commitment } }
}

function fail(detail: string): BodyCheck {
  return { ok: false, detail }
}

function describe(prefix: string, e: { path: string; message: string } | undefined): string {
  if (!e) return `${prefix || 'body'} is invalid`
  const path = (prefix + e.path.replaceAll('/', '.')).replace(/^\./, '')
  return `${path || 'body'}: ${e.message}`
}

/** An RFC 3339 text that also names a real moment (no 30 February, no 24:00). */
export function isRealTime(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})/.exec(s)
  if (!m) return false
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number)
  const probe = new Date(Date.UTC(y, mo - 1, d))
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d &&
    h < 24 && mi < 60 && se < 60 && Number.isFinite(Date.parse(s))
}

// Runs on a record that passed its schema, so the fields it reads are there and typed.
function checkRecordSemantics(kind: ClientKind, r: Record<string, unknown>): string | null {
  const spec: RecordKind = RECORD_KINDS[kind]
  for (const f of spec.timeFields) if (!isRealTime(r[f] as string)) return `record.${f}: not a real date-time`
  const uscc = recordSubject(kind, r)
  if (uscc !== null && !isValidUscc(uscc)) return `${subjectPath(kind)}: USCC check character is wrong`
  return spec.rule?.(r) ?? null
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
