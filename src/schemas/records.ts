// Request bodies of POST /v1/records and /v1/records:batch (docs/formats.md), derived from
// the record kinds. Declarations only: src/record-validation.ts checks bodies against them.
// Their examples are the kinds' own (src/kinds/), wrapped in the body.
import { Type } from '@sinclair/typebox'
import { CLIENT_KINDS, type ClientKind } from '../../chain/statement.ts'
import { RECORD_KINDS } from '../kinds/index.ts'
import { EXAMPLE_USCC } from '../kinds/example-enterprise.ts'
import { BusinessId, ClientKindSchema, Commitment, Uscc, schemaKit, strict } from './fields.ts'

type RecordSchemas = { [K in ClientKind]: ReturnType<(typeof RECORD_KINDS)[K]['schema']> }

export const RECORD_SCHEMAS = Object.fromEntries(CLIENT_KINDS.map((k) => [k, RECORD_KINDS[k].schema(schemaKit)])) as RecordSchemas

/** A kind's example record as a request body. */
export function exampleBody(kind: ClientKind): { kind: ClientKind; record: unknown } {
  return { kind, record: (RECORD_SCHEMAS[kind].examples as unknown[])[0] }
}

const recordBody = (kind: ClientKind) =>
  Type.Object({ kind: Type.Literal(kind), record: RECORD_SCHEMAS[kind] }, { ...strict, title: `${kind} record`, examples: [exampleBody(kind)] })

const hashOnlyExample = {
  kind: 'evidence', id: 'EV-2026-000043', subject: EXAMPLE_USCC,
  commitment: 'sha256:3f0c9a4e8d1b7c25e6a0f4d9b2c8e1a7f5d3b9c0e2a4f6d8b1c3e5a7f9d0b2c4',
}

export const HashOnlyBody = Type.Object({
  kind: ClientKindSchema,
  id: BusinessId,
  subject: Uscc,
  commitment: Commitment,
}, { ...strict, title: 'hash-only (the record never leaves the client)', examples: [hashOnlyExample] })

export const RecordBody = Type.Union([...CLIENT_KINDS.map(recordBody), HashOnlyBody])

// Named, for the POST /v1/records body (`x-examples` becomes the media type's examples):
// /docs offers one per kind, in the order that tells the story (the revocation needs its
// authorization first).
const EXAMPLE_ORDER: ClientKind[] = ['data-authorization', 'financing-application', 'evidence', 'authorization-revocation']
export const RECORD_BODY_EXAMPLES = {
  ...Object.fromEntries(EXAMPLE_ORDER.map((k) => [k, { summary: RECORD_KINDS[k].labels.kind, value: exampleBody(k) }])),
  'hash-only': { summary: 'Hash-only evidence: only the commitment leaves the client', value: hashOnlyExample },
}

export const MAX_BATCH = 1000
const batchExample = {
  records: [
    {
      kind: 'financing-application',
      record: { ...(exampleBody('financing-application').record as object), applicationId: 'APP-2026-000002', amount: { value: '1200000.00', currency: 'CNY' }, termMonths: 24 },
    },
    { ...hashOnlyExample, id: 'EV-2026-000044', commitment: 'sha256:8a1f3c5e7b9d0f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a' },
  ],
}
export const BatchBody = Type.Object({
  records: Type.Array(RecordBody, { minItems: 1, maxItems: MAX_BATCH }),
}, { ...strict, examples: [batchExample] })
