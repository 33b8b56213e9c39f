import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { RecordParams, SubmitterQuery } from '../schemas/params.ts'
import { ReceiptSchema, problemResponses } from '../schemas/responses.ts'
import { ADMIN_ROLES, addressedOwner } from './roles.ts'

const erasureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.delete('/v1/records/:kind/:id/payload', {
    config: { roles: ADMIN_ROLES },
    schema: {
      summary: 'Erase a record and its salt (PIPL right to erasure); appends a redaction entry. Every proof stays valid. ?submitter= whose record (ids are unique per submitter).',
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: RecordParams,
      querystring: SubmitterQuery,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 201: ReceiptSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    const owner = addressedOwner(request.principal!, request.query.submitter, () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`))
    const receipt = await app.ledger.erasePayload(kind, id, request.body.reason, request.principal!.sub, owner)
    return reply.code(201).send(receipt)
  })
}

export default erasureRoutes
