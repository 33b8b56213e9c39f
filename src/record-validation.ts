// Checks one record body against its kind's schema, then what JSON Schema cannot say (USCC
// check character, real dates, well-formed text, rules across fields). A refusal lists
// every bad field it found (plugins/validation-problems.ts), so the body is dispatched on
// kind and mode before the schema runs: errors then name fields of that kind's schema.
// The fast path is one compiled TypeBox Check; errors are only collected for a body that
// failed it.
import { unsafeTextReason } from '../chain/text-rules.ts'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { CLIENT_KINDS, isValidUscc, type ClientKind } from '../chain/statement.ts'
import { fieldIssue, issuesFromTypebox, type FieldIssue, type RequestPart } from '../plugins/validation-problems.ts'
import { RECORD_KINDS, subjectPath } from './kinds/index.ts'
import type { RecordKind } from './kinds/kind.ts'
import { ClientKindSchema, Rfc3339, Uscc } from './schemas/fields.ts'
import { HashOnlyBody, RECORD_SCHEMAS } from './schemas/records.ts'

export type ParsedBody =
  | { mode: 'record'; kind: ClientKind; record: Record<string, unknown> }
  | { mode: 'hash'; kind: ClientKind; id: string; subject: string; commitment: string }

export type BodyCheck = { ok: true; body: ParsedBody } | { ok: false; issues: FieldIssue[] }

const checkers = {} as Record<ClientKind, TypeCheck<TSchema>>
for (const k of CLIENT_KINDS) checkers[k] = TypeCompiler.Compile<TSchema>(RECORD_SCHEMAS[k])
const hashOnlyChecker = TypeCompiler.Compile(HashOnlyBody)
const kindChecker = TypeCompiler.Compile(ClientKindSchema)
const KIND_LIST = CLIENT_KINDS.join(', ')
const TEXT_RULE = 'text must be well-formed Unicode without control, bidi or other invisible formatting characters'

export function validateRecordBody(input: unknown): BodyCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail([fieldIssue('body', '', 'must be a JSON object: {"kind", "record"} or {"kind", "id", "subject", "commitment"}')])
  const body = input as Record<string, unknown>
  if (!kindChecker.Check(body.kind)) return fail([fieldIssue('body', '/kind', `must be one of ${KIND_LIST}`)])
  const kind = body.kind
  const badText = findBadText(body)
  if (badText) return fail([badText])
  if ('record' in body) {
    const extra = Object.keys(body).filter((k) => k !== 'kind' && k !== 'record')
    if (extra.length > 0) return fail(extra.map((k) => fieldIssue('body', `/${k}`, 'is not a known field next to record (a body is {"kind", "record"})')))
    const checker = checkers[kind]
    const record = body.record as Record<string, unknown>
    if (!checker.Check(record)) {
      // Also the rules JSON Schema cannot state, for the fields whose shape was right.
      const issues = issuesFromTypebox(checker.Errors(record), 'body', '/record')
      const flagged = new Set(issues.map((i) => i.pointer))
      return fail([...issues, ...semanticIssues(kind, record, false).filter((i) => !flagged.has(i.pointer))])
    }
    const semantic = semanticIssues(kind, record, true)
    if (semantic.length === 0) {
      const spec: RecordKind = RECORD_KINDS[kind]
      const broken = spec.rule?.(record)
      if (broken) semantic.push(fieldIssue('body', `/record/${broken.field}`, broken.detail))
    }
    if (semantic.length > 0) return fail(semantic)
    return { ok: true, body: { mode: 'record', kind, record } }
  }
  if (!hashOnlyChecker.Check(body)) {
    if (!('commitment' in body)) return fail([fieldIssue('body', '/commitment', 'is required: send either record or commitment')])
    const issues = issuesFromTypebox(hashOnlyChecker.Errors(body), 'body')
    if (isUsccShaped(body.subject) && !isValidUscc(body.subject)) issues.push(usccIssue('/subject'))
    return fail(issues)
  }
  if (!isValidUscc(body.subject)) return fail([usccIssue('/subject')])
  return { ok: true, body: { mode: 'hash', kind, id: body.id, subject: body.subject, commitment: body.commitment } }
}

function fail(issues: FieldIssue[]): BodyCheck {
  return { ok: false, issues }
}

/** A refused text value, with the character and where it is (chain/text-rules.ts). */
export function textIssue(part: RequestPart, pointer: string, why: string): FieldIssue {
  return fieldIssue(part, pointer, `is refused: ${why}; ${TEXT_RULE}`)
}

const usccIssue = (pointer: string) =>
  fieldIssue('body', pointer, 'has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error')

const USCC_SHAPE = new RegExp(Uscc.pattern!)
const RFC3339_SHAPE = new RegExp(Rfc3339.pattern!)
const isUsccShaped = (v: unknown): v is string => typeof v === 'string' && USCC_SHAPE.test(v)

/** The issue of an RFC 3339 text that isRealTime refused, for a body or query field. */
export function unrealTimeIssue(part: RequestPart, pointer: string, value: string): FieldIssue {
  return fieldIssue(part, pointer, `must be a real moment: ${value} does not exist on the calendar or clock`)
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

// Where each kind's subject USCC sits in its record, as path segments (null: from the entry it amends).
const SUBJECT_SEGMENTS = Object.fromEntries(CLIENT_KINDS.map((k) => [k, subjectPath(k)?.split('.').slice(1) ?? null])) as Record<ClientKind, string[] | null>

/**
 * The rules a schema cannot state. `shaped`: the record passed its schema, so its fields
 * are there and well-formed (the hot path checks nothing twice); otherwise each field is
 * checked only if it has the right shape, and a wrong shape is left to the schema's issue.
 */
function semanticIssues(kind: ClientKind, r: Record<string, unknown>, shaped: boolean): FieldIssue[] {
  const issues: FieldIssue[] = []
  if (typeof r !== 'object' || r === null) return issues
  const spec: RecordKind = RECORD_KINDS[kind]
  for (const f of spec.timeFields) {
    const v = r[f]
    if ((shaped || (typeof v === 'string' && RFC3339_SHAPE.test(v))) && !isRealTime(v as string)) {
      issues.push(unrealTimeIssue('body', `/record/${f}`, String(v)))
    }
  }
  const segments = SUBJECT_SEGMENTS[kind]
  if (segments !== null) {
    let v: unknown = r
    for (const k of segments) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined
    if ((shaped || isUsccShaped(v)) && !isValidUscc(v)) issues.push(usccIssue(`/record/${segments.join('/')}`))
  }
  return issues
}

/**
 * The first string (or key) a person could be misled by (chain/text-rules.ts), as an issue.
 * The path is kept as segments and made a pointer only for the one refused value: valid
 * bodies, the hot path, build no strings.
 */
function findBadText(v: unknown, path: (string | number)[] = [], depth = 0): FieldIssue | null {
  if (depth > 8) return null // schemas bound depth; deeper values fail validation anyway
  if (typeof v === 'string') {
    const why = unsafeTextReason(v)
    return why ? textIssue('body', pointerOf(path), why) : null
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && i < 1000; i++) {
      path.push(i)
      const bad = findBadText(v[i], path, depth + 1)
      path.pop()
      if (bad) return bad
    }
    return null
  }
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      const why = unsafeTextReason(k)
      if (why) return fieldIssue('body', pointerOf(path), `has a field name that is refused: ${why}; ${TEXT_RULE}`)
      path.push(k)
      const bad = findBadText(x, path, depth + 1)
      path.pop()
      if (bad) return bad
    }
  }
  return null
}

const pointerOf = (path: (string | number)[]) => path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')
