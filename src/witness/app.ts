// buildWitnessApp: the witness as a Fastify instance that does not listen (tests inject,
// server.ts listens). Routes: POST /add-checkpoint (tlog-witness), GET /<sha256(origin)>/
// checkpoint (its monitoring prefix), /healthz, /readyz. Errors the spec gives no body for
// are RFC 9457 problem+json; the 409 body is exactly what the spec prescribes.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify'
import { nodeSha256Hex } from '../../chain/hash-node.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { PROBLEM_BASE } from '../../plugins/problems.ts'
import type { Witness } from './witness.ts'
import { parseTilePath, TILE_WIDTH } from '../../chain/tiles.ts'

export interface WitnessAppOptions {
  witness: Witness
  logger?: FastifyServerOptions['logger']
}

// A checkpoint note with a few signatures and 63 proof lines is a few KiB.
const BODY_LIMIT = 64 * 1024

const TITLES: Record<number, string> = {
  400: 'Malformed add-checkpoint request',
  403: 'Checkpoint not signed by a trusted log key',
  404: 'Not found',
  413: 'Payload too large',
  422: 'Checkpoint not consistent with what this witness cosigned',
  503: 'Cannot cosign right now',
  500: 'Internal error',
}

function problem(reply: FastifyReply, status: number, detail: string | undefined, instance: string): FastifyReply {
  const slug = status === 422 ? 'inconsistent' : status === 403 ? 'forbidden' : status === 404 ? 'not-found' : status === 400 ? 'validation' : status === 413 ? 'payload-too-large' : status === 503 ? 'unavailable' : 'internal'
  return reply.code(status).type('application/problem+json').send({
    type: `${PROBLEM_BASE}witness-${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    instance,
  })
}

export async function buildWitnessApp(opts: WitnessAppOptions): Promise<FastifyInstance> {
  const { witness } = opts
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: BODY_LIMIT, forceCloseConnections: 'idle' })
  // The protocol body is plain text whatever the client labels it (Go clients send none or
  // text/plain), so every content type is read as a string.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body))
  app.setErrorHandler((err: { statusCode?: number; message: string }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) request.log.error({ err }, 'unhandled error')
    return problem(reply, status, status === 500 ? undefined : err.message, request.url.split('?')[0])
  })
  app.setNotFoundHandler((request, reply) => problem(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`, request.url.split('?')[0]))

  // Origins are served under the hex SHA-256 of their name (tlog-witness monitoring layout).
  const byHash = new Map(witness.origins().map((o) => [nodeSha256Hex(utf8ToBytes(o)), o]))

  app.post('/add-checkpoint', async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : ''
    const out = await witness.addCheckpoint(body)
    switch (out.status) {
      case 200:
        return reply.code(200).type('text/plain; charset=utf-8').send(out.lines)
      case 409:
        return reply.code(409).type('text/x.tlog.size').send(`${out.size}\n`)
      default:
        // tlog-witness: the request MAY be logged when the origin is known, as possible
        // evidence of log misbehaviour (a 422 with a valid log signature is exactly that).
        if (out.status === 422) request.log.warn({ body }, `refused: ${out.detail}`)
        return problem(reply, out.status, out.detail, '/add-checkpoint')
    }
  })

  app.get<{ Params: { hash: string } }>('/:hash/checkpoint', async (request, reply) => {
    const origin = byHash.get(request.params.hash)
    const note = origin === undefined ? null : await witness.latest(origin)
    if (note === null) return problem(reply, 404, 'this witness has not cosigned a checkpoint for that origin', request.url)
    return reply.type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(note)
  })

  // --mirror: the verified copy of the ledger, as tlog-tiles under the origin's hash.
  app.get<{ Params: { hash: string; '*': string } }>('/:hash/tile/*', async (request, reply) => {
    const mirror = witness.mirror
    if (mirror === null || byHash.get(request.params.hash) !== mirror.origin) return problem(reply, 404, 'this witness does not mirror that log', request.url)
    let tile
    try {
      tile = parseTilePath(`tile/${request.params['*']}`)
    } catch (e) {
      return problem(reply, 404, (e as Error).message, request.url)
    }
    const bytes = await mirror.tile(tile)
    if (bytes === null) return problem(reply, 404, `beyond the mirrored size ${mirror.size}`, request.url)
    return reply.type('application/octet-stream')
      .header('cache-control', tile.width === TILE_WIDTH ? 'public, max-age=31536000, immutable' : 'public, max-age=2')
      .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  })

  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async () => ({ status: 'ready', name: witness.cosigner.name, vkey: witness.cosigner.vkey, origins: witness.origins(), ...(witness.mirror ? { mirror: { origin: witness.mirror.origin, url: witness.mirror.url, size: witness.mirror.size, staged: witness.mirror.staged } } : {}) }))
  return app
}
