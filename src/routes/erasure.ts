import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { unsafeTextReason } from '../../chain/text-rules.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { typeboxValidatorCompiler, validationProblem } from '../../plugins/validation-problems.ts'
import { textIssue } from '../record-validation.ts'
import { RecordParams, SubmitterQuery } from '../schemas/params.ts'
import { ReceiptSchema, problemResponses } from '../schemas/responses.ts'
import { ADMIN_ROLES, addressedOwner } from './roles.ts'

const erasureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.delete('/v1/records/:kind/:id/payload', {
    config: { roles: ADMIN_ROLES },
    // Fastify's Ajv coerces types (coerceTypes: 'array'), so a reason of 1, true or ["x"]
    // became the string "1", "true" or "x" and was written into the redaction record. The
    // body is checked by TypeBox's compiler instead, which never converts a body (params
    // and query it converts, Value.Convert, as Ajv did).
    validatorCompiler: typeboxValidatorCompiler,
    schema: {
      summary: 'Erase a record and its salt (PIPL right to erasure); appends a redaction entry',
      description: 'Role admin. Deletes the stored record and salt of one entry and appends a `redaction` entry that says so, with your reason (1 to 500 characters of plain text). The entry, its commitment and every proof stay valid; bundles then carry `record: null`. `?submitter=` names whose record (ids are unique per submitter). `201` with the redaction\'s receipt; `409` if already erased or hash-only. Cannot be undone.',
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: RecordParams,
      querystring: SubmitterQuery,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, description: 'why the record is erased; written into the redaction entry' }) }, {
        additionalProperties: false,
        examples: [{ reason: '企业依《个人信息保护法》第四十七条申请删除，工单 PIPL-2026-0077' }],
      }),
      response: { 201: ReceiptSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    // The reason becomes redaction record text: the text rules of record fields (a lone
    // surrogate used to reach the canonicalizer and answer 500).
    const why = unsafeTextReason(request.body.reason)
    if (why !== null) throw validationProblem([textIssue('body', '/reason', why)])
    const owner = addressedOwner(request.principal!, request.query.submitter, () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`))
    const receipt = await app.ledger.erasePayload(kind, id, request.body.reason, request.principal!.sub, owner)
    return reply.code(201).send(receipt)
  })
}

export default erasureRoutes
