import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { BatchBody, MAX_BATCH, RecordBody } from '../schemas/records.ts'
import { EntryId } from '../schemas/fields.ts'
import { ProblemSchema, ReceiptSchema, StatementSchema, bodyProblemResponses, problemResponses } from '../schemas/responses.ts'
import { KINDS, type Kind } from '../../chain/statement.ts'

// Bodies are validated by the ledger service (per kind, per batch item) so that a bad
// batch item gets its own problem instead of failing the whole batch; the schemas here
// document the contract.
const passBody = () => (data: unknown) => ({ value: data })

export default async function recordRoutes(app: FastifyInstance): Promise<void> {
  app.post('/v1/records', {
    config: { roles: ['submitter'] },
    validatorCompiler: passBody,
    schema: {
      summary: 'Notarize one record (or a hash-only commitment)',
      tags: ['records'],
      security: [{ bearer: [] }],
      body: RecordBody,
      response: { 200: ReceiptSchema, 201: ReceiptSchema, ...bodyProblemResponses },
    },
  }, async (request, reply) => {
    const result = await app.ledger.notarize(request.body, request.principal!.sub)
    app.countAppends(String(result.status))
    if (result.problem) throw new ProblemError('conflict', result.problem.detail ?? 'conflict', { index: result.problem.index })
    return reply.code(result.status as 200 | 201).send(result.receipt)
  })

  app.post('/v1/records::batch', {
    config: { roles: ['submitter'] },
    validatorCompiler: passBody,
    // A full batch answers with ~1.5 MB of receipts; V8's JSON.stringify writes that about
    // twice as fast as the schema-generated serializer. The schema still documents it, and
    // every value in it is built by the ledger service from typed receipts and problems.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      summary: `Notarize up to ${MAX_BATCH} records in one block; per-item results in request order`,
      tags: ['records'],
      security: [{ bearer: [] }],
      body: BatchBody,
      response: {
        200: Type.Object({
          results: Type.Array(Type.Object({
            status: Type.Integer(),
            receipt: Type.Optional(ReceiptSchema),
            problem: Type.Optional(ProblemSchema),
          }, { additionalProperties: false })),
        }, { additionalProperties: false }),
        ...bodyProblemResponses,
      },
    },
  }, async (request) => {
    const body = request.body as { records?: unknown }
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).some((k) => k !== 'records')) {
      throw new ProblemError('validation', 'body must be {"records": [...]}')
    }
    const records = body.records
    if (!Array.isArray(records) || records.length === 0 || records.length > MAX_BATCH) {
      throw new ProblemError('validation', `records must be an array of 1 to ${MAX_BATCH} record bodies`)
    }
    const results = await app.ledger.notarizeBatch(records, request.principal!.sub)
    for (const r of results) app.countAppends(String(r.status))
    return { results }
  })

  app.get('/v1/records/:kind/:id', {
    config: { roles: ['auditor', 'court', 'admin'] },
    schema: {
      summary: 'Statement and receipt of one record; the payload only for court and admin',
      tags: ['records'],
      security: [{ bearer: [] }],
      params: Type.Object({ kind: Type.Union(KINDS.map((k) => Type.Literal(k))), id: EntryId }),
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
    const { kind, id } = request.params as { kind: Kind; id: string }
    const view = await app.ledger.record(kind, id)
    if (!view) throw new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const mayReadPayload = request.principal!.roles.some((r) => r === 'court' || r === 'admin')
    return {
      statement: view.statement,
      receipt: view.receipt,
      redacted: view.payload === null && (await app.ledger.isRedacted(view.index)),
      ...(mayReadPayload ? { payload: view.payload } : {}),
    }
  })
}
