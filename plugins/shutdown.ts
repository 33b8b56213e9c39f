// Graceful shutdown. Once app.close() starts (SIGTERM), requests already being handled
// finish and their appends drain, but every reply now closes its connection: otherwise
// keep-alive sockets of those requests would hold the process open until the keep-alive
// timeout. Requests that arrive during the drain get a 503 problem, never a write.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ProblemError } from './problems.ts'

declare module 'fastify' {
  interface FastifyInstance {
    isClosing(): boolean
  }
}

async function shutdownPlugin(app: FastifyInstance): Promise<void> {
  let closing = false
  app.decorate('isClosing', () => closing)
  app.addHook('preClose', async () => {
    closing = true
  })
  // Callback-style hooks, like every per-request hook of ours: an async hook costs each
  // request a promise and a microtask turn.
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done()
    reply.header('retry-after', '1')
    done(new ProblemError('unavailable', 'the service is shutting down'))
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
}

export default fp(shutdownPlugin, { name: 'shutdown', fastify: '5.x' })
