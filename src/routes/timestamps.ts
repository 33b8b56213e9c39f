// GET /v1/timestamps: the RFC 3161 tokens the ledger holds for its checkpoints (TSA_URL).
// Public like the checkpoint itself: a token dates a tree of statements, nothing more.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { toBase64 } from '../../chain/encoding.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { fieldIssue, validationProblem } from '../../plugins/validation-problems.ts'
import type { StoredTimestamp } from '../timestamp-store.ts'
import { DecimalIntegerExample } from '../schemas/params.ts'
import { problemResponses } from '../schemas/responses.ts'

const timestampRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/timestamps', {
    schema: {
      summary: 'An RFC 3161 token over a checkpoint: for tree size `size`, the earliest whose tree holds entry `index`, or the newest',
      description: 'No login (a token dates a tree of statements, nothing more). Give `size` for the token over that checkpoint, or `index` for the earliest stamped checkpoint whose tree holds that entry, or neither for the newest. 404 when the ledger has no TSA_URL or nothing matching is stamped yet. Verify a token with `evidence-ledger verify --tsa-cert` or `openssl ts -verify`.',
      tags: ['proofs'],
      querystring: Type.Object({
        size: Type.Optional(DecimalIntegerExample(1, 'tree size of the stamped checkpoint')),
        index: Type.Optional(DecimalIntegerExample(0, 'an entry index: the earliest stamped tree holding it')),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          size: Type.Integer(),
          checkpoint: Type.String({ description: 'the signed checkpoint note the token dates' }),
          token: Type.String({ description: 'base64 DER TimeStampToken; imprint = SHA-256 of the checkpoint\'s signed body' }),
          genTime: Type.String({ description: 'the TSA\'s time in the token' }),
        }),
        ...problemResponses,
      },
    },
  }, async (request, reply) => {
    const { size, index } = request.query
    if (size !== undefined && index !== undefined) throw validationProblem([fieldIssue('query', '/index', 'must not be given with size: ask by one of them')])
    const store = app.timestamps
    if (store === null) throw new ProblemError('not-found', 'this ledger has no TSA_URL: it does not time-stamp its checkpoints')
    let found: StoredTimestamp | undefined
    if (size !== undefined) found = await store.get(size)
    else if (index !== undefined) found = await store.covering(index, Number.MAX_SAFE_INTEGER)
    else found = await store.latest()
    if (found === undefined) {
      const what = size !== undefined ? `checkpoint of size ${size}` : index !== undefined ? `tree holding entry ${index}` : 'checkpoint'
      throw new ProblemError('not-found', `no time-stamp token for a ${what} yet (newest stamped size: ${app.timestamping?.status().stampedSize ?? 'none'})`)
    }
    reply.header('cache-control', size !== undefined ? 'public, max-age=31536000, immutable' : 'no-cache')
    return { size: found.size, checkpoint: found.checkpoint, token: toBase64(found.token), genTime: found.genTime }
  })
}

export default timestampRoutes
