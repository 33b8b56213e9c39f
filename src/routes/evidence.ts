import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { KINDS, type Kind } from '../../chain/statement.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { problemResponses } from '../schemas/responses.ts'
import { buildBundle } from '../evidence-bundle.ts'
import { EntryId } from '../schemas/fields.ts'

export default async function evidenceRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v1/evidence/:kind/:id', {
    config: { roles: ['court', 'admin'] },
    schema: {
      summary: 'Evidence bundle (docs/formats.md): verify offline with `evidence-ledger verify` or the /verify page',
      tags: ['evidence'],
      security: [{ bearer: [] }],
      params: Type.Object({ kind: Type.Union(KINDS.map((k) => Type.Literal(k))), id: EntryId }),
      response: { ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params as { kind: Kind; id: string }
    const bundle = await buildBundle(app.ledger, kind, id)
    if (!bundle) throw new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    reply.header('content-disposition', `attachment; filename="evidence-${kind}-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`)
    return bundle
  })
}
