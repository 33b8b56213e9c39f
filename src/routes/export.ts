import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { exportLines } from '../../chain/export.ts'

export default async function exportRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v1/export', {
    config: { roles: ['admin'] },
    schema: {
      summary: 'Backup of the whole log as NDJSON (a consistent snapshot, taken while serving); restore with `evidence-ledger import`',
      tags: ['operations'],
      security: [{ bearer: [] }],
    },
  }, async (_request, reply) => {
    reply.type('application/x-ndjson').header('content-disposition', 'attachment; filename="evidence-ledger-backup.ndjson"')
    return reply.send(Readable.from(exportLines(app.ledger.log.storage, app.ledger.log.origin)))
  })
}
