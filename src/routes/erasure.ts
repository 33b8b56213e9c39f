import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { CLIENT_KINDS, type ClientKind } from '../../chain/statement.ts'
import { BusinessId } from '../schemas/fields.ts'
import { ReceiptSchema, problemResponses } from '../schemas/responses.ts'

export default async function erasureRoutes(app: FastifyInstance): Promise<void> {
  app.delete('/v1/records/:kind/:id/payload', {
    config: { roles: ['admin'] },
    schema: {
      summary: 'Erase a record and its salt (PIPL right to erasure); appends a redaction entry. Every proof stays valid.',
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: Type.Object({ kind: Type.Union(CLIENT_KINDS.map((k) => Type.Literal(k))), id: BusinessId }),
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 201: ReceiptSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params as { kind: ClientKind; id: string }
    const { reason } = request.body as { reason: string }
    const receipt = await app.ledger.erasePayload(kind, id, reason, request.principal!.sub)
    return reply.code(201).send(receipt)
  })
}
