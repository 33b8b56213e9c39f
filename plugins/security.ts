// Security headers and per-subject rate limits. The limit keys on the authenticated
// subject (after auth ran), falling back to the client address for public routes.
import fp from 'fastify-plugin'
import Fastify, { type FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { ProblemError } from './problems.ts'

export interface SecurityOptions {
  rateLimit: { max: number; windowMs: number }
}

// Not security headers: what any reply carries anyway.
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive'])

/**
 * @fastify/helmet rebuilds helmet's middleware (re-parsing the CSP) on every request, a
 * few percent of the whole notarization cost. Its headers are the same for every reply,
 * so they are taken once from @fastify/helmet itself and set as a constant.
 */
async function helmetHeaders(): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false })
  await probe.register(helmet, { global: true })
  probe.get('/', async () => '')
  const res = await probe.inject({ url: '/' })
  await probe.close()
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (!TRANSPORT_HEADERS.has(name) && typeof value === 'string') headers[name] = value
  }
  if (!headers['content-security-policy'] || !headers['x-content-type-options']) throw new Error('helmet produced no security headers')
  return headers
}

async function securityPlugin(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  const headers = await helmetHeaders()
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers)
  })
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: opts.rateLimit.max,
    timeWindow: opts.rateLimit.windowMs,
    keyGenerator: (request) => (request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) => {
      const e = new ProblemError('rate-limited', `limit of ${context.max} requests per ${context.after} reached`)
      return Object.assign(e, { statusCode: 429 })
    },
  })
}

export default fp(securityPlugin, { name: 'security', fastify: '5.x', dependencies: ['auth'] })
