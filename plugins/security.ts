// Security headers and per-subject rate limits. The limit keys on the authenticated
// subject (after auth ran), falling back to the client address for public routes.
import fp from 'fastify-plugin'
import Fastify, { type FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'
import { ProblemError } from './problems.ts'
import { RateLimiter } from './rate-limit.ts'

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
  const limiter = new RateLimiter(opts.rateLimit.max, opts.rateLimit.windowMs)
  const limitText = String(opts.rateLimit.max)
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers)
    done()
  })
  // After auth (preHandler), so the key is the verified subject where there is one.
  app.addHook('preHandler', (request, reply, done) => {
    const now = Date.now()
    const w = limiter.hit(request.principal ? `sub:${request.principal.sub}` : `ip:${request.ip}`, now)
    const resetSeconds = String(Math.ceil((w.resetAt - now) / 1000))
    reply.header('x-ratelimit-limit', limitText)
    reply.header('x-ratelimit-remaining', String(Math.max(0, limiter.max - w.count)))
    reply.header('x-ratelimit-reset', resetSeconds)
    if (w.count <= limiter.max) return done()
    reply.header('retry-after', resetSeconds)
    done(new ProblemError('rate-limited', `limit of ${limiter.max} requests per ${opts.rateLimit.windowMs / 1000} s reached; retry in ${resetSeconds} s`))
  })
}

export default fp(securityPlugin, { name: 'security', fastify: '5.x', dependencies: ['auth'] })
