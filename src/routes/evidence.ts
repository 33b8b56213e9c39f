import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { buildBundle } from '../evidence-bundle.ts'
import { EntryParams, SubmitterQuery } from '../schemas/params.ts'
import { EvidenceBundleSchema, problemResponses } from '../schemas/responses.ts'
import { EVIDENCE_ROLES, addressedOwner } from './roles.ts'

const evidenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/evidence/:kind/:id', {
    config: { roles: EVIDENCE_ROLES },
    schema: {
      summary: 'Evidence bundle (docs/formats.md): verify offline with `evidence-ledger verify` or the /verify page',
      tags: ['evidence'],
      security: [{ bearer: [] }],
      params: EntryParams,
      querystring: SubmitterQuery,
      response: { 200: EvidenceBundleSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    const notFound = () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const bundle = await buildBundle(app.ledger, kind, id, addressedOwner(request.principal!, request.query.submitter, notFound))
    if (!bundle) throw notFound()
    reply.header('content-disposition', `attachment; filename="evidence-${kind}-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`)
    return bundle
  })
}

export default evidenceRoutes
