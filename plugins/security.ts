// Security headers and per-subject rate limits. The limit keys on the authenticated
// subject (after auth ran), falling back to the client address for public routes.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { ProblemError } from '../src/problems.ts'

export interface SecurityOptions {
  rateLimit: { max: number; windowMs: number }
}

async function securityPlugin(app: FastifyInstance, opts: SecurityOptions): Promise<void> {
  await app.register(helmet, { global: true })
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
