import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sendProblemReply } from '../../plugins/errors.ts'

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: { summary: 'Liveness', tags: ['health'], response: { 200: Type.Object({ status: Type.String() }) } },
  }, async () => ({ status: 'ok' }))
  app.get('/readyz', {
    schema: {
      summary: 'Readiness: the log is open and accepting appends', tags: ['health'],
      response: { 200: Type.Object({ status: Type.String(), treeSize: Type.Integer(), height: Type.Integer() }) },
    },
  }, async (request, reply) => {
    if (app.isClosing()) return sendProblemReply(reply, request, 'unavailable', 'shutting down')
    if (!app.ledgerReady()) return sendProblemReply(reply, request, 'unavailable', 'the database is unreachable')
    return { status: 'ready', treeSize: app.ledger.log.size, height: app.ledger.log.height }
  })
}

export default healthRoutes
