// Path and query parameters shared by the routes.
import { Type } from '@sinclair/typebox'
import { DATA_CATEGORIES } from '../kinds/data-authorization.ts'
import { EXPECTED } from '../../plugins/validation-problems.ts'
import { EXAMPLE_SUBMITTER } from '../kinds/example-enterprise.ts'
import { BusinessId, ClientKindSchema, EntryId, KindSchema, Uscc } from './fields.ts'

/**
 * A non-negative integer written in decimal, handed to the handler as a number. The
 * pattern runs first, on the text, so what Ajv's number coercion alone would accept
 * ("1e3", "007", "0x10", " 5") stays a 400 with the pattern message.
 */
const WHOLE_NUMBER = { [EXPECTED]: 'a whole number written in decimal digits, like 42 (no sign, no leading zero)' }
export const DecimalInteger = Type.Unsafe<number>({
  allOf: [Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', ...WHOLE_NUMBER }), Type.Integer({ minimum: 0, ...WHOLE_NUMBER })],
  ...WHOLE_NUMBER,
})
/** A DecimalInteger with its own OpenAPI example (what "Try it out" fills in). */
export const DecimalIntegerExample = (example: number, description?: string) =>
  Type.Unsafe<number>({ ...DecimalInteger, examples: [String(example)], ...(description ? { description } : {}) })

export const DataCategory = Type.Union(DATA_CATEGORIES.map((c) => Type.Literal(c)), { examples: ['tax'] })

/** Any entry by kind and id, redactions included. */
export const EntryParams = Type.Object({ kind: KindSchema, id: EntryId })
/** A client record by kind and business id. */
export const RecordParams = Type.Object({ kind: ClientKindSchema, id: BusinessId })
export const IdParams = Type.Object({ id: BusinessId })
export const IndexParams = Type.Object({ index: DecimalIntegerExample(0, 'Entry index (position in the log, from 0)') })
export const HeightParams = Type.Object({ height: DecimalIntegerExample(0, 'Block height (from 0)') })
export const UsccParams = Type.Object({ uscc: Uscc })

/**
 * Business ids are unique per submitter (docs/api.md): whose record of a kind+id a reader
 * means. A token subject (plugins/auth.ts: 1–256 printable characters).
 */
export const SubmitterName = Type.String({ minLength: 1, maxLength: 256, description: 'The submitter (token subject) whose record is meant', examples: [EXAMPLE_SUBMITTER] })
export const SubmitterQuery = Type.Object({ submitter: Type.Optional(SubmitterName) }, { additionalProperties: false })
