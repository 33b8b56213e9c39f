// One place that shapes every error as RFC 9457 application/problem+json. Handlers throw;
// nothing else formats an error reply, and no stack trace ever leaves the process.
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorObject } from 'ajv'
import { LedgerIntegrityError } from '../chain/log.ts'
import { ProblemError, problemBody, type ProblemSlug } from './problems.ts'
import { issuesFromAjv, validationProblem } from './validation-problems.ts'

const FASTIFY_CODES: Record<string, ProblemSlug> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_VALIDATION: 'validation',
  FST_ERR_BAD_URL: 'validation',
  FST_ERR_ASYNC_CONSTRAINT: 'validation',
}

const INTEGRITY_DETAIL = 'this instance stopped writing: the stored log does not agree with it (the operator sees why in /readyz and the logs); try another instance'

// Fastify's own message ("Unsupported Media Type: text/plain") only repeats the title.
const MEDIA_TYPE_DETAIL = 'send the body as application/json'

function classify(err: FastifyError): { slug: ProblemSlug; detail?: string; ext?: Record<string, unknown> } {
  if (err instanceof ProblemError) return { slug: err.slug, detail: err.message, ext: err.extensions }
  // The store disagrees with this instance (another signing key, a lost block): nothing the
  // client did, and nothing a retry here fixes; /readyz says the same to the balancer.
  if (err instanceof LedgerIntegrityError) return { slug: 'unavailable', detail: INTEGRITY_DETAIL }
  if (err.validation) {
    const problem = validationProblem(issuesFromAjv(err.validation as ErrorObject[], err.validationContext))
    return { slug: 'validation', detail: problem.message, ext: problem.extensions }
  }
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined
  if (mapped) return { slug: mapped, detail: mapped === 'unsupported-media-type' ? MEDIA_TYPE_DETAIL : err.message }
  if (err.statusCode === 429) return { slug: 'rate-limited', detail: err.message }
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) return { slug: 'malformed-json', detail: 'body is not valid JSON' }
  const s = err.statusCode ?? 500
  if (s === 401) return { slug: 'unauthorized', detail: err.message }
  if (s === 403) return { slug: 'forbidden', detail: err.message }
  if (s === 404) return { slug: 'not-found', detail: err.message }
  if (s === 413) return { slug: 'payload-too-large', detail: err.message }
  if (s === 415) return { slug: 'unsupported-media-type', detail: MEDIA_TYPE_DETAIL }
  if (s === 503) return { slug: 'unavailable', detail: err.message }
  if (s >= 400 && s < 500) return { slug: 'validation', detail: err.message }
  return { slug: 'internal' }
}

export function sendProblemReply(reply: FastifyReply, request: FastifyRequest, slug: ProblemSlug, detail?: string, ext?: Record<string, unknown>): FastifyReply {
  const body = problemBody(slug, detail, request.url.split('?')[0], ext)
  return reply.code(body.status).type('application/problem+json').send(body)
}

/**
 * Fastify's clientErrorHandler: Node refused the bytes before any request existed
 * (headers too large, Content-Length together with Transfer-Encoding, a malformed request
 * line). Same RFC 9457 shape as every other refusal, then the connection closes, since
 * what follows on it cannot be trusted to be a request boundary.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [slug, detail]: [ProblemSlug, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ['request-timeout', 'the request was not received in time']
      : err.code === 'HPE_HEADER_OVERFLOW' ? ['headers-too-large', 'the request headers exceed the allowed size']
        : ['validation', 'the request is not well-formed HTTP/1.1']
  const body = JSON.stringify(problemBody(slug, detail))
  if (socket.writable) {
    const status = problemBody(slug).status
    socket.write(`HTTP/1.1 ${status} ${problemBody(slug).title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}

async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const { slug, detail, ext } = classify(err)
    if (slug === 'internal') request.log.error({ err }, 'unhandled error')
    else if (err instanceof LedgerIntegrityError) request.log.error({ err: err.message }, 'ledger integrity')
    else request.log.debug({ err: err.message, slug }, 'request rejected')
    return sendProblemReply(reply, request, slug, slug === 'internal' ? undefined : detail, ext)
  })
  app.setNotFoundHandler((request, reply) =>
    sendProblemReply(reply, request, 'not-found', `no route ${request.method} ${request.url.split('?')[0]}`))
}

export default fp(errorsPlugin, { name: 'errors', fastify: '5.x' })
