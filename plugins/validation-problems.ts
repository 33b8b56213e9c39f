// Turns schema validation errors, from Ajv (Fastify's validator for params and query) or
// from TypeBox (record bodies, the erasure body), into one readable `validation` problem:
// every bad field named, what is wrong with it and what would be right, e.g.
//   "category must be one of tax, invoice, …; at must be an RFC 3339 time with a zone, like
//    2026-12-01T08:00:00+08:00; unknown query parameter foo (this route takes at, …)"
// with the same list in an `errors` member: [{in, field, pointer, detail}].
import type { ErrorObject, Options as AjvOptions } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors'
import { Value } from '@sinclair/typebox/value'
import { ProblemError } from './problems.ts'

/**
 * Schema annotation: the words for what a valid value looks like, used in place of a
 * regular expression ("an RFC 3339 time with a zone, like 2026-12-01T08:00:00+08:00").
 * OpenAPI carries it as a vendor extension.
 */
export const EXPECTED = 'x-expected'

/**
 * Fastify's Ajv (params and query only: every body route has its own validator). allErrors
 * lists every bad parameter; the input is a URL, bounded by Node's header limit, so listing
 * all of them cannot be made expensive. verbose puts the failing schema in each error,
 * where EXPECTED and the allowed values are read from.
 */
export const AJV_OPTIONS: AjvOptions = {
  removeAdditional: false,
  allErrors: true,
  verbose: true,
  keywords: [EXPECTED, 'x-examples'],
}

export type RequestPart = 'body' | 'query' | 'path' | 'headers'

export interface FieldIssue {
  /** Which part of the request the field is in. */
  in: RequestPart
  /** The field as a person reads it: record.grantor.uscc, documents[0].sha256, at. */
  field: string
  /** RFC 6901 JSON pointer into that part. */
  pointer: string
  /** One sentence naming the field, what is wrong and what would be right. */
  detail: string
}

/** At most this many are listed; a body with thousands of bad fields is refused just the same. */
export const MAX_ISSUES = 20

interface RawIssue {
  pointer: string
  keyword: string
  /** The schema of the value at pointer (for additionalProperties: of the object holding it). */
  schema: Record<string, unknown> | undefined
  message: string
}

const PART_NAMES: Record<string, RequestPart> = { body: 'body', querystring: 'query', query: 'query', params: 'path', path: 'path', headers: 'headers' }

export function requestPart(context: string | undefined): RequestPart {
  return PART_NAMES[context ?? 'body'] ?? 'body'
}

// Several errors on one field (a missing field is also "not a string"): the first of these wins.
const PRIORITY = ['required', 'additionalProperties', 'type', 'anyOf', 'enum', 'const', 'pattern', 'format',
  'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'uniqueItems']
const rank = (keyword: string) => {
  const i = PRIORITY.indexOf(keyword)
  return i < 0 ? PRIORITY.length : i
}

/** Ajv's errors (verbose) as field issues, one per field, in the order Ajv found them. */
export function issuesFromAjv(errors: readonly ErrorObject[], context: string | undefined): FieldIssue[] {
  const raw = errors.map((e): RawIssue => {
    const parent = e.parentSchema as Record<string, unknown> | undefined
    if (e.keyword === 'required') {
      const name = String(e.params.missingProperty)
      return { pointer: `${e.instancePath}/${escape(name)}`, keyword: 'required', schema: propertySchema(parent, name), message: e.message ?? '' }
    }
    if (e.keyword === 'additionalProperties') {
      return { pointer: `${e.instancePath}/${escape(String(e.params.additionalProperty))}`, keyword: 'additionalProperties', schema: parent, message: e.message ?? '' }
    }
    return { pointer: e.instancePath, keyword: e.keyword, schema: parent, message: e.message ?? '' }
  })
  return toIssues(raw, requestPart(context))
}

const TYPEBOX_KEYWORDS: Partial<Record<ValueErrorType, string>> = {
  [ValueErrorType.ObjectRequiredProperty]: 'required',
  [ValueErrorType.ObjectAdditionalProperties]: 'additionalProperties',
  [ValueErrorType.String]: 'type', [ValueErrorType.Integer]: 'type', [ValueErrorType.Number]: 'type',
  [ValueErrorType.Boolean]: 'type', [ValueErrorType.Object]: 'type', [ValueErrorType.Array]: 'type', [ValueErrorType.Null]: 'type',
  [ValueErrorType.Union]: 'anyOf', [ValueErrorType.Literal]: 'const',
  [ValueErrorType.StringPattern]: 'pattern', [ValueErrorType.StringFormat]: 'format',
  [ValueErrorType.StringMinLength]: 'minLength', [ValueErrorType.StringMaxLength]: 'maxLength',
  [ValueErrorType.IntegerMinimum]: 'minimum', [ValueErrorType.NumberMinimum]: 'minimum',
  [ValueErrorType.IntegerMaximum]: 'maximum', [ValueErrorType.NumberMaximum]: 'maximum',
  [ValueErrorType.ArrayMinItems]: 'minItems', [ValueErrorType.ArrayMaxItems]: 'maxItems', [ValueErrorType.ArrayUniqueItems]: 'uniqueItems',
}

/**
 * TypeBox's errors as field issues. TypeBox finds them lazily, so at most `limit` are read:
 * a hostile body with a million unknown fields costs no more than one with a few.
 */
export function issuesFromTypebox(errors: Iterable<ValueError>, part: RequestPart, prefix = '', limit = 4 * MAX_ISSUES): FieldIssue[] {
  const raw: RawIssue[] = []
  for (const e of errors) {
    raw.push({ pointer: prefix + e.path, keyword: TYPEBOX_KEYWORDS[e.type] ?? 'other', schema: e.schema as Record<string, unknown>, message: e.message })
    if (raw.length >= limit) break
  }
  return toIssues(raw, part)
}

/** One issue of a rule the schema cannot state (a check character, a real date). */
export function fieldIssue(part: RequestPart, pointer: string, detail: string): FieldIssue {
  const field = fieldName(pointer, part)
  return { in: part, field, pointer, detail: `${field} ${detail}` }
}

/** The 400 problem listing the issues: detail says them all in one line, `errors` one by one. */
export function validationProblem(issues: readonly FieldIssue[]): ProblemError {
  const listed = issues.slice(0, MAX_ISSUES)
  const more = issues.length - listed.length
  const detail = listed.map((i) => i.detail).join('; ') + (more > 0 ? `; and ${more} more` : '')
  return new ProblemError('validation', detail || 'the request is invalid', { errors: listed })
}

/**
 * A validator compiler over TypeBox's compiler, refusing with validationProblem. Bodies are
 * checked as sent (Fastify's Ajv would coerce 1 to "1"); params and query are converted
 * from their text first, as Ajv does.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema as TSchema)
  const part = requestPart(httpPart)
  return (value: unknown) => {
    const converted = part === 'body' ? value : Value.Convert(schema as TSchema, value)
    if (check.Check(converted)) return { value: converted }
    return { error: validationProblem(issuesFromTypebox(check.Errors(converted), part)) }
  }
}

function toIssues(raw: RawIssue[], part: RequestPart): FieldIssue[] {
  const best = new Map<string, RawIssue>()
  for (const r of raw) {
    const seen = best.get(r.pointer)
    if (!seen || rank(r.keyword) < rank(seen.keyword)) best.set(r.pointer, r)
  }
  // Map keeps first-seen order: fields are listed in the order the validator met them.
  return [...best.values()].map((r) => {
    const field = fieldName(r.pointer, part)
    return { in: part, field, pointer: r.pointer, detail: sentence(r, field, part) }
  })
}

function sentence(r: RawIssue, field: string, part: RequestPart): string {
  const s = r.schema ?? {}
  if (r.keyword === 'required') return `${field} is required`
  if (r.keyword === 'additionalProperties') {
    const allowed = Object.keys((s.properties as object | undefined) ?? {})
    const name = unescape(r.pointer.split('/').at(-1) ?? '')
    if (part === 'query') return `unknown query parameter ${name} (${allowed.length ? `this route takes ${allowed.join(', ')}` : 'this route takes none'})`
    return `${field} is not a known field${allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}`
  }
  return `${field} ${mustBe(r.keyword, s) ?? r.message}`
}

/** "must be …" for a keyword's failure, from the schema that failed; undefined if nothing better than the validator's words. */
function mustBe(keyword: string, s: Record<string, unknown>): string | undefined {
  const expected = typeof s[EXPECTED] === 'string' ? `must be ${s[EXPECTED]}` : undefined
  switch (keyword) {
    case 'anyOf': case 'enum': case 'const': {
      const values = allowedValues(s)
      if (values) return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`
      return expected ?? 'does not match any of the allowed forms'
    }
    case 'type':
      return expected ?? `must be ${typeWords(s)}`
    case 'pattern': case 'format':
      return expected ?? `must match ${String(s.pattern ?? s.format)}`
    case 'minLength': case 'maxLength':
      return expected ?? `must be ${typeWords(s)}`
    case 'minimum': case 'maximum':
      return `must be ${range(s.minimum, s.maximum)}`
    case 'minItems': case 'maxItems':
      return `must hold ${range(s.minItems, s.maxItems)} item${s.maxItems === 1 ? '' : 's'}`
    case 'uniqueItems':
      return 'must not list the same item twice'
    default:
      return expected
  }
}

function allowedValues(s: Record<string, unknown>): string[] | undefined {
  if (Array.isArray(s.enum)) return s.enum.map(String)
  if ('const' in s) return [String(s.const)]
  const branches = s.anyOf
  if (Array.isArray(branches) && branches.every((b) => typeof b === 'object' && b !== null && 'const' in b)) {
    return branches.map((b: { const: unknown }) => String(b.const))
  }
  return undefined
}

function typeWords(s: Record<string, unknown>): string {
  switch (s.type) {
    case 'string': {
      const min = typeof s.minLength === 'number' ? s.minLength : 0
      if (typeof s.maxLength === 'number') return `a string of ${min === 0 ? 'at most' : `${min} to`} ${s.maxLength} characters`
      return min > 0 ? `a string of at least ${min} character${min === 1 ? '' : 's'}` : 'a string'
    }
    case 'integer': return s.minimum === undefined && s.maximum === undefined ? 'a whole number' : `a whole number from ${range(s.minimum, s.maximum)}`
    case 'number': return 'a number'
    case 'boolean': return 'true or false'
    case 'object': return 'an object'
    case 'array': return 'an array'
    case 'null': return 'null'
    default: return 'of another type'
  }
}

function range(min: unknown, max: unknown): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`
  if (min !== undefined) return `at least ${min}`
  return `at most ${max}`
}

function propertySchema(parent: Record<string, unknown> | undefined, name: string): Record<string, unknown> | undefined {
  return (parent?.properties as Record<string, Record<string, unknown>> | undefined)?.[name]
}

/** record/grantor/uscc → record.grantor.uscc; documents/0/sha256 → documents[0].sha256; the whole part → its name. */
function fieldName(pointer: string, part: RequestPart): string {
  if (pointer === '') return part
  let out = ''
  for (const seg of pointer.slice(1).split('/').map(unescape)) out += /^(0|[1-9][0-9]*)$/.test(seg) ? `[${seg}]` : out === '' ? seg : `.${seg}`
  return out
}

const escape = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1')
const unescape = (s: string) => s.replaceAll('~1', '/').replaceAll('~0', '~')
