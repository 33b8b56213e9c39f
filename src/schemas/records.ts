// Request bodies of POST /v1/records and /v1/records:batch (docs/formats.md), derived from
// the record kinds. Declarations only: src/record-validation.ts checks bodies against them.
import { Type } from '@sinclair/typebox'
import { CLIENT_KINDS, type ClientKind } from '../../chain/statement.ts'
import { RECORD_KINDS } from '../kinds/index.ts'
import { BusinessId, ClientKindSchema, Commitment, Uscc, schemaKit, strict } from './fields.ts'

type RecordSchemas = { [K in ClientKind]: ReturnType<(typeof RECORD_KINDS)[K]['schema']> }

export const RECORD_SCHEMAS = Object.fromEntries(CLIENT_KINDS.map((k) => [k, RECORD_KINDS[k].schema(schemaKit)])) as RecordSchemas

const recordBody = (kind: ClientKind) =>
  Type.Object({ kind: Type.Literal(kind), record: RECORD_SCHEMAS[kind] }, { ...strict, title: `${kind} record` })

export const HashOnlyBody = Type.Object({
  kind: ClientKindSchema,
  id: BusinessId,
  subject: Uscc,
  commitment: Commitment,
}, { ...strict, title: 'hash-only (the record never leaves the client)' })

export const RecordBody = Type.Union([...CLIENT_KINDS.map(recordBody), HashOnlyBody])

export const MAX_BATCH = 1000
export const BatchBody = Type.Object({
  records: Type.Array(RecordBody, { minItems: 1, maxItems: MAX_BATCH }),
}, strict)
