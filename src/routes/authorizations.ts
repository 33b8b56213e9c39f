import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { validationProblem } from '../../plugins/validation-problems.ts'
import { isRealTime, unrealTimeIssue } from '../record-validation.ts'
import { Rfc3339, withExample } from '../schemas/fields.ts'
import { DataCategory, IdParams, SubmitterName } from '../schemas/params.ts'
import { ReceiptSchema, problemResponses } from '../schemas/responses.ts'
import { READ_ROLES, addressedOwner } from './roles.ts'

const authorizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/authorizations/:id/status', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'Was this authorization in force at a moment, for a data category and purpose?',
      description: 'Roles auditor, court, admin. The status of a data authorization at `at` (default: now): active, expired, revoked, not-yet-valid, or not-covered (the category or purpose asked about is not authorized), with the reason in words and the receipts that prove it (the authorization, and its revocation if any) against the current checkpoint. Revocation takes effect at its ledger time. `?submitter=` names whose authorization. `410` when its terms were erased; `409` when it was notarized hash-only.',
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: IdParams,
      querystring: Type.Object({
        at: Type.Optional(withExample(Rfc3339, '2026-12-01T08:00:00+08:00', 'the moment asked about (default: now)')),
        category: Type.Optional(DataCategory),
        purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'compared with the authorized purpose, ignoring case and spacing', examples: ['贷前审查及授信审批'] })),
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
    if (q.at !== undefined && !isRealTime(q.at)) throw validationProblem([unrealTimeIssue('query', '/at', q.at)])
    const at = q.at ?? new Date().toISOString()
    const owner = addressedOwner(request.principal!, q.submitter, () => new ProblemError('not-found', `data-authorization ${id} is not on the ledger`))
    return app.ledger.authorizationStatus(id, { at, category: q.category, purpose: q.purpose }, owner)
  })
}

export default authorizationRoutes
