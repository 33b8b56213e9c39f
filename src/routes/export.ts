import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { exportLines } from '../../chain/export.ts'
import { textResponse } from '../schemas/responses.ts'
import { ADMIN_ROLES } from './roles.ts'

const exportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/export', {
    config: { roles: ADMIN_ROLES },
    schema: {
      summary: 'Backup of the whole log as NDJSON (a consistent snapshot, taken while serving); restore with `evidence-ledger import`',
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
