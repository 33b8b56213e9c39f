import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { ProblemError } from '../../plugins/problems.ts'
import { typeboxValidatorCompiler } from '../../plugins/validation-problems.ts'
import { BatchBody, MAX_BATCH, RECORD_BODY_EXAMPLES, RecordBody } from '../schemas/records.ts'
import { EntryParams, SubmitterQuery } from '../schemas/params.ts'
import { ProblemSchema, ReceiptSchema, StatementSchema, bodyProblemResponses, problemResponses } from '../schemas/responses.ts'
import { EVIDENCE_ROLES, READ_ROLES, SUBMIT_ROLES, addressedOwner } from './roles.ts'
import { COMPACT_FORMAT, compactReceipts } from '../../chain/compact-receipts.ts'

// Record bodies skip Ajv; the ledger service checks them with validateRecordBody
// (src/record-validation.ts):
// - a batch must be checked item by item, so that a bad item gets its own problem while
//   the others are written;
// - a single record's problem details are part of the contract and name the exact field
//   of the kind's schema; Ajv's messages for this five-way anyOf name none. Checked in the
//   handler, after the preHandler rate limit, a bad body also still counts against the
//   submitter's limit, and an exhausted submitter still gets 429 rather than 400.
// The schemas document the bodies; the handlers see them as unknown, as nothing checked them yet.
// The other parts (the batch's query) are checked as on every route: an unknown or bad
// parameter is refused by name.
const passBody: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === 'body' ? (data: unknown) => ({ value: data }) : typeboxValidatorCompiler(route)
const unchecked = <T extends object>(schema: T) => Type.Unsafe<unknown>(schema)

const recordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/records', {
    config: { roles: SUBMIT_ROLES },
    validatorCompiler: passBody,
    schema: {
      summary: 'Notarize one record (or a hash-only commitment)',
      description: 'Role submitter. Send `{"kind", "record"}` for one of the four record kinds, or `{"kind", "id", "subject", "commitment"}` to notarize only a commitment (the record never leaves your systems). The examples tell one story: notarize the data authorization first, then the revocation finds it. Answers `201` with a receipt that verifies offline once the entry\'s block is durable; `200` with the original receipt when the same record was already notarized (a safe retry); `409` when your kind and id exist with different content. A refused body is a `400` problem listing every bad field (`errors`).',
      tags: ['records'],
      security: [{ bearer: [] }],
      body: unchecked({ ...RecordBody, 'x-examples': RECORD_BODY_EXAMPLES }),
      response: { 200: ReceiptSchema, 201: ReceiptSchema, ...bodyProblemResponses },
    },
  }, async (request, reply) => {
    const result = await app.ledger.notarize(request.body, request.principal!.sub)
    app.countAppends(String(result.status))
    const { status, receipt, problem } = result
    if (!receipt) throw new ProblemError('conflict', problem?.detail ?? 'conflict', { index: problem?.index })
    return reply.code(status as 200 | 201).send(receipt)
  })

  app.post('/v1/records::batch', {
    config: { roles: SUBMIT_ROLES },
    validatorCompiler: passBody,
    // A full batch answers with ~1.5 MB of receipts; V8's JSON.stringify writes that about
    // twice as fast as the schema-generated serializer. The schema still documents it, and
    // every value in it is built by the ledger service from typed receipts and problems.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      summary: `Notarize up to ${MAX_BATCH} records in one block; per-item results in request order`,
      description: 'Role submitter. `{"records": [...]}` with 1 to 1000 bodies, each exactly as for POST /v1/records. All new entries are written in one block; the answer is `200` with one result per item, in request order: `{status, receipt}` or `{status, problem}`. A bad item gets its own problem and does not stop the others. `?receipts=compact` (or `Prefer: receipts=compact`) answers in the compact form, with shared values and proof hashes said once.',
      tags: ['records'],
      security: [{ bearer: [] }],
      body: unchecked(BatchBody),
      querystring: Type.Object({
        receipts: Type.Optional(Type.Literal('compact', { description: 'answer in the compact form (docs/api.md); the same as the header Prefer: receipts=compact', examples: ['compact'] })),
      }, { additionalProperties: false }),
      response: {
        200: Type.Union([
          Type.Object({
            results: Type.Array(Type.Object({
              status: Type.Integer(),
              receipt: Type.Optional(ReceiptSchema),
              problem: Type.Optional(ProblemSchema),
            }, { additionalProperties: false })),
          }, { additionalProperties: false }),
          Type.Object({
            format: Type.Literal(COMPACT_FORMAT),
            shared: Type.Unknown({ description: 'block, checkpoint, treeSize, time and submitter the compacted items share' }),
            nodes: Type.Array(Type.String(), { description: 'every distinct proof hash once' }),
            results: Type.Array(Type.Unknown(), { description: 'per item: status with index, leafHash, statement and path (positions in nodes), or a whole receipt, or a problem' }),
          }, { description: 'compact form, on request' }),
        ]),
        ...bodyProblemResponses,
      },
    },
  }, async (request, reply) => {
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).some((k) => k !== 'records')) {
      throw new ProblemError('validation', 'body must be {"records": [...]}')
    }
    const records = 'records' in body ? body.records : undefined
    if (!Array.isArray(records) || records.length === 0 || records.length > MAX_BATCH) {
      throw new ProblemError('validation', `records must be an array of 1 to ${MAX_BATCH} record bodies`)
    }
    const results = await app.ledger.notarizeBatch(records, request.principal!.sub)
    for (const r of results) app.countAppends(String(r.status))
    if (request.query.receipts === 'compact' || /(?:^|[\s,;])receipts=compact(?:$|[\s,;])/.test(String(request.headers.prefer ?? ''))) {
      reply.header('preference-applied', 'receipts=compact')
      return compactReceipts(results)
    }
    return { results }
  })

  app.get('/v1/records/:kind/:id', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'Statement and receipt of one record; the record itself only for court and admin',
      description: 'Roles auditor, court, admin. The entry of this kind and id: its statement, its receipt (with an inclusion proof to the current checkpoint), whether its payload was erased, and for court and admin the record and salt (`payload`). Ids are unique per submitter: name whose record with `?submitter=` (needed when several submitters used the id: `409` lists them). `404` when there is none.',
      tags: ['records'],
      security: [{ bearer: [] }],
      params: EntryParams,
      querystring: SubmitterQuery,
      response: {
        200: Type.Object({
          statement: StatementSchema,
          receipt: ReceiptSchema,
          redacted: Type.Boolean(),
          payload: Type.Optional(Type.Union([Type.Null(), Type.Object({ record: Type.Unknown(), salt: Type.String() })])),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { kind, id } = request.params
    const notFound = () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const view = await app.ledger.record(kind, id, addressedOwner(request.principal!, request.query.submitter, notFound))
    if (!view) throw notFound()
    const mayReadPayload = EVIDENCE_ROLES.some((r) => request.principal!.roles.includes(r))
    return {
      statement: view.statement,
      receipt: view.receipt,
      redacted: view.payload === null && (await app.ledger.isRedacted(view.index)),
      ...(mayReadPayload ? { payload: view.payload } : {}),
    }
  })
}

export default recordRoutes
