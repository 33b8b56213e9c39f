// buildApp(config): the whole service as a Fastify instance that does not listen. Tests
// call app.inject(); server.ts is the only place that binds a port.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { storePath, type Config } from './config.ts'
import { loadCheckpointKeys, loadTokenKey } from './keys.ts'
import { makeOwnerOnlyDir } from './make-dirs.ts'
import errors, { answerClientError, sendProblemReply } from '../plugins/errors.ts'
import { AJV_OPTIONS } from '../plugins/validation-problems.ts'
import clientGuard from '../plugins/client-guard.ts'
import bodyEncoding from '../plugins/body-encoding.ts'
import jsonBody from '../plugins/json-body.ts'
import shutdown from '../plugins/shutdown.ts'
import auth from '../plugins/auth.ts'
import metrics from '../plugins/metrics.ts'
import docs from '../plugins/docs.ts'
import security from '../plugins/security.ts'
import ledger from './ledger-plugin.ts'
import healthRoutes from './routes/health.ts'
import proofRoutes from './routes/proofs.ts'
import recordRoutes from './routes/records.ts'
import subjectRoutes from './routes/subjects.ts'
import browseRoutes from './routes/browse.ts'
import evidenceRoutes from './routes/evidence.ts'
import publicEntryRoutes from './routes/public-entry.ts'
import authorizationRoutes from './routes/authorizations.ts'
import erasureRoutes from './routes/erasure.ts'
import witnessing from './witnessing-plugin.ts'
import timestamping from './timestamping-plugin.ts'
import tlogRoutes from './routes/tlog.ts'
import timestampRoutes from './routes/timestamps.ts'
import exportRoutes from './routes/export.ts'
import verifyPageRoutes from './routes/verify-page.ts'
import consolePageRoutes, { loginUrlOf } from './routes/console-page.ts'

export interface BuildOptions {
  logger?: FastifyServerOptions['logger']
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  makeOwnerOnlyDir(config.dataDir)
  const keys = loadCheckpointKeys(config.dataDir, config.origin, true, config.signingKey)
  const tokenKey = config.auth.jwksUrl ? undefined : await loadTokenKey(config.dataDir, true)

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: config.bodyLimit,
    // Fastify's default strips unknown fields silently; we reject them instead, and list
    // every bad parameter with words a person can act on (plugins/validation-problems.ts).
    ajv: { customOptions: AJV_OPTIONS },
    // plugins/shutdown.ts answers during the drain with a 503 problem+json instead.
    return503OnClosing: false,
    // Router-level errors (a malformed %-escape in the path) never reach setErrorHandler.
    frameworkErrors: (err, request, reply) => sendProblemReply(reply, request, 'validation', err.code === 'FST_ERR_BAD_URL' ? 'malformed URL encoding in the path' : err.message),
    forceCloseConnections: 'idle',
    // The router's default of 100 characters would refuse valid 128-character business
    // ids (and 151-character redaction ids) in /v1/records/:kind/:id and friends.
    routerOptions: { maxParamLength: 256 },
    trustProxy: config.trustProxy,
    // Node's own refusals (oversized headers, Content-Length with Transfer-Encoding, …)
    // answer before Fastify sees a request: problem+json there too.
    clientErrorHandler: answerClientError,
  })
  // Every body this API takes is JSON. Fastify also parses text/plain by default, which
  // made a text/plain body a 400 "must be a JSON object" where text/xml is a 415.
  app.removeContentTypeParser('text/plain')
  await app.register(jsonBody)
  await app.register(errors)
  await app.register(shutdown)
  // Before auth: a flood of refused requests from one address stops costing signature checks.
  await app.register(clientGuard, { refusedMax: config.rateLimit.refusedMax, windowMs: config.rateLimit.windowMs })
  await app.register(bodyEncoding)
  await app.register(auth, {
    issuer: config.auth.issuer, audience: config.auth.audience, jwksUrl: config.auth.jwksUrl,
    devKey: tokenKey?.publicKey, devKeyId: tokenKey?.kid, maxTokenTtlSeconds: config.auth.maxTokenTtlSeconds,
  })
  await app.register(ledger, { storePath: storePath(config.dataDir), databaseUrl: config.databaseUrl, leveldb: config.leveldb, origin: config.origin, keys })
  await app.register(witnessing, { policyPath: config.witnessPolicy, roundMs: config.witnessRoundMs })
  await app.register(timestamping, { dataDir: config.dataDir, tsa: config.tsa })
  await app.register(security, { rateLimit: config.rateLimit })
  await app.register(docs)
  await app.register(metrics, { log: app.ledger.log, visibility: config.metrics })
  await app.register(healthRoutes)
  await app.register(proofRoutes)
  await app.register(tlogRoutes)
  await app.register(timestampRoutes)
  await app.register(recordRoutes)
  await app.register(subjectRoutes)
  await app.register(browseRoutes)
  await app.register(evidenceRoutes, { certificate: config.certificate })
  await app.register(authorizationRoutes)
  await app.register(erasureRoutes)
  await app.register(exportRoutes)
  await app.register(verifyPageRoutes)
  await app.register(consolePageRoutes, { loginUrl: loginUrlOf(config.auth.jwksUrl, config.auth.issuer) })
  await app.register(publicEntryRoutes)
  return app
}
