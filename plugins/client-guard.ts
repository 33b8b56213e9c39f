// Cuts off a client address that keeps getting refused, before authentication runs. The
// per-subject rate limit needs a verified token, so floods of bad tokens, forbidden
// calls and unknown paths (401/403/404) were never limited; each still cost a request's
// work and, for new tokens, a signature check. Counting only refusals keeps honest
// high-rate clients (one platform posting thousands of records a second from one
// address) untouched.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ProblemError } from './problems.ts'

export interface ClientGuardOptions {
  /** Refusals one address may collect per window before every request of it is a 429. */
  refusedMax: number
  windowMs: number
  /** Addresses tracked at once; the oldest windows go first when full. */
  maxClients?: number
}

const REFUSED = new Set([401, 403, 404, 429])

interface Window {
  start: number
  refused: number
}

async function clientGuard(app: FastifyInstance, opts: ClientGuardOptions): Promise<void> {
  const maxClients = opts.maxClients ?? 100_000
  const windows = new Map<string, Window>()

  const current = (ip: string, now: number): Window | undefined => {
    const w = windows.get(ip)
    if (w && now - w.start >= opts.windowMs) {
      windows.delete(ip)
      return undefined
    }
    return w
  }

  app.addHook('onRequest', (request, _reply, done) => {
    const w = current(request.ip, Date.now())
    if (w && w.refused >= opts.refusedMax) {
      return done(new ProblemError('rate-limited', `too many refused requests from this address (${opts.refusedMax} per ${opts.windowMs / 1000} s); wait and fix the token or path`))
    }
    done()
  })

  app.addHook('onResponse', (request, reply, done) => {
    countRefusal(request.ip, request.url, reply.statusCode)
    done()
  })

  function countRefusal(ip: string, url: string, status: number): void {
    if (!REFUSED.has(status)) return
    // Tile clients and mirrors ask for tiles that do not exist yet as part of following
    // the log (tlog-tiles); those 404s are not a client misbehaving.
    if (status === 404 && url.startsWith('/tlog/')) return
    const now = Date.now()
    let w = current(ip, now)
    if (!w) {
      // Map order is creation order: the first entries are the oldest windows.
      while (windows.size >= maxClients) windows.delete(windows.keys().next().value!)
      w = { start: now, refused: 0 }
      windows.set(ip, w)
    }
    w.refused++
  }
}

export default fp(clientGuard, { name: 'client-guard', fastify: '5.x' })
