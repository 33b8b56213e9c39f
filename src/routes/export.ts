import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { exportLines } from '../../chain/export.ts'
import { textResponse } from '../schemas/responses.ts'
import { ADMIN_ROLES } from './roles.ts'

const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/export', {
    config: { roles: ADMIN_ROLES },
    schema: {
      summary: 'Backup of the whole log as NDJSON; restore with `evidence-ledger import`',
      description: 'Role admin. A consistent snapshot of every entry, block, checkpoint and payload, taken while the service keeps serving, one JSON object per line (docs/operations.md). Streamed: save it to a file.',
      tags: ['operations'],
      security: [{ bearer: [] }],
      response: { 200: textResponse('application/x-ndjson', 'One JSON object per line: a header, then every entry and block') },
    },
  }, async (_request, reply) => {
    reply.type('application/x-ndjson').header('content-disposition', 'attachment; filename="evidence-ledger-backup.ndjson"')
    return reply.send(Readable.from(exportLines(app.ledger.log.storage, app.ledger.log.origin)))
  })
}

export default exportRoutes
