// C2SP tlog-tiles read API under /tlog: the checkpoint (with every cosignature gathered so
// far) and the tiles, computed from what the store keeps: hash tiles are the stored tree
// nodes at height 8·L (every entry row carries the perfect subtrees it completed), entry
// bundles are the canonical statement bytes. Public, like /v1/checkpoint and the proofs:
// statements carry commitments and leaf hashes, never payloads. Reads take no lock with
// the sequencer: stored nodes never change, so any tile within the served size is final.
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { encodeBundle, hashesAtLevel, joinTile, parseTilePath, TILE_WIDTH, type TileId } from '../../chain/tiles.ts'
import { ProblemError } from '../../plugins/problems.ts'

/** Full tiles never change: cache them for a year. Partial ones are superseded within a block or two. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
const PARTIAL = 'public, max-age=2'

const tlogRoutes: FastifyPluginAsync = async (app) => {
  const log = app.ledger.log

  app.get('/tlog/checkpoint', {
    schema: {
      summary: 'tlog-tiles checkpoint: the latest signed checkpoint with the cosignatures gathered for it', tags: ['tlog'],
      description: 'No login. The C2SP tlog-tiles checkpoint, text/plain: the same as /v1/checkpoint.',
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8')
    return app.witnessing?.checkpoint() ?? log.checkpoint()
  })

  app.get('/tlog/tile/*', {
    schema: {
      summary: 'tlog-tiles hash tile (tile/<L>/<N>[.p/<W>]) or entry bundle (tile/entries/<N>[.p/<W>])', tags: ['tlog'],
      description: 'No login. C2SP tlog-tiles, application/octet-stream: a hash tile of level L, or an entry bundle (each canonical statement with a big-endian u16 length). Full tiles are cached for a year, partial ones for 2 seconds; `404` beyond the tree.',
    },
  }, async (request, reply: FastifyReply) => {
    const rest = (request.params as { '*': string })['*']
    let tile: TileId
    try {
      tile = parseTilePath(`tile/${rest}`)
    } catch (e) {
      throw new ProblemError('not-found', (e as Error).message)
    }
    // Beyond the tree as it stands: 404, never a short tile under a full tile's name.
    const size = log.size
    const available = hashesAtLevel(size, tile.level) - tile.index * TILE_WIDTH
    if (available < tile.width) throw new ProblemError('not-found', `tile ${rest} is beyond the tree of size ${size}`)
    const first = tile.index * TILE_WIDTH
    let body: Uint8Array
    if (tile.entries) {
      const statements = await log.statements(first, tile.width)
      if (statements.length !== tile.width) throw new Error(`entries ${first}..${first + tile.width - 1}: read ${statements.length}`)
      body = encodeBundle(statements)
    } else {
      body = joinTile(await log.nodeHashes(8 * tile.level, first, tile.width))
    }
    reply.header('cache-control', tile.width === TILE_WIDTH ? IMMUTABLE : PARTIAL).type('application/octet-stream')
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  })
}

export default tlogRoutes
