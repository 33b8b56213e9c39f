import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { isRealTime } from '../record-validation.ts'
import { Rfc3339 } from '../schemas/fields.ts'
import { DataCategory, IdParams, SubmitterName } from '../schemas/params.ts'
import { ReceiptSchema, problemResponses } from '../schemas/responses.ts'
import { READ_ROLES, addressedOwner } from './roles.ts'

const authorizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/authorizations/:id/status', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'Was this authorization in force at a moment, for a data category and purpose? With the receipts that prove it.',
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: IdParams,
      querystring: Type.Object({
        at: Type.Optional(Rfc3339),
        category: Type.Optional(DataCategory),
        purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
        submitter: Type.Optional(SubmitterName),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          status: Type.Union(['active', 'expired', 'revoked', 'not-yet-valid', 'not-covered'].map((s) => Type.Literal(s))),
          reason: Type.String(),
          at: Type.String(),
          authorization: ReceiptSchema,
          revocation: Type.Union([ReceiptSchema, Type.Null()]),
          checkpoint: Type.String(),
        }),
        ...problemResponses,
        410: problemResponses[404],
      },
    },
  }, async (request) => {
    const { id } = request.params
    const q = request.query
    if (q.at !== undefined && !isRealTime(q.at)) throw new ProblemError('validation', 'at: not a real date-time')
    const at = q.at ?? new Date().toISOString()
    const owner = addressedOwner(request.principal!, q.submitter, () => new ProblemError('not-found', `data-authorization ${id} is not on the ledger`))
    return app.ledger.authorizationStatus(id, { at, category: q.category, purpose: q.purpose }, owner)
  })
}

export default authorizationRoutes
