import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { sendProblemReply } from '../../plugins/errors.ts'

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: {
      summary: 'Liveness: the process is up', tags: ['health'],
      description: 'No login. `{"status": "ok"}` while the process runs.',
      response: { 200: Type.Object({ status: Type.String() }) },
    },
  }, async () => ({ status: 'ok' }))
  app.get('/readyz', {
    schema: {
      summary: 'Readiness: the log is open and accepting appends', tags: ['health'],
      description: 'No login. `200` with the tree size and height while the log accepts appends, and with WITNESS_POLICY the witnesses\' state (informational: witnesses being down never makes the ledger unready). `503` problem while shutting down or when the database is unreachable.',
      response: {
        200: Type.Object({
          status: Type.String(), treeSize: Type.Integer(), height: Type.Integer(),
          // Informational: witnesses being down never makes the ledger unready (appends go on).
          witnessing: Type.Optional(Type.Object({
            quorum: Type.String(),
            witnessedSize: Type.Union([Type.Integer(), Type.Null()]),
            latestSize: Type.Integer(),
            witnesses: Type.Array(Type.Object({
              name: Type.String(), url: Type.Union([Type.String(), Type.Null()]), size: Type.Union([Type.Integer(), Type.Null()]),
              lastCosignedAt: Type.Union([Type.String(), Type.Null()]), lastError: Type.Union([Type.String(), Type.Null()]),
              consecutiveFailures: Type.Integer(),
            })),
          })),
          // Informational too: a TSA being down never stops appends; the stamping catches up.
          timestamping: Type.Optional(Type.Object({
            url: Type.String(), stamps: Type.String(),
            stampedSize: Type.Union([Type.Integer(), Type.Null()]), genTime: Type.Union([Type.String(), Type.Null()]),
            pendingSize: Type.Union([Type.Integer(), Type.Null()]),
            lastError: Type.Union([Type.String(), Type.Null()]), consecutiveFailures: Type.Integer(),
          })),
        }),
      },
    },
  }, async (request, reply) => {
    if (app.isClosing()) return sendProblemReply(reply, request, 'unavailable', 'shutting down')
    if (!app.ledgerReady()) return sendProblemReply(reply, request, 'unavailable', 'the database is unreachable')
    const w = app.witnessing?.status()
    const ts = app.timestamping?.status()
    return { status: 'ready', treeSize: app.ledger.log.size, height: app.ledger.log.height, ...(w ? { witnessing: w } : {}), ...(ts ? { timestamping: ts } : {}) }
  })
}

export default healthRoutes
