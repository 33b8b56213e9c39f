import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import { isValidUscc, KINDS, type Kind } from '../../chain/statement.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { Rfc3339, Uscc } from '../schemas/fields.ts'
import { isRealTime } from '../record-validation.ts'
import { NumberText, StatementSchema, problemResponses } from '../schemas/responses.ts'

const MAX_PAGE = 500
// Filters skip non-matching index rows; bound the rows one page may read so a sparse
// filter cannot turn one request into a scan of a huge history.
const MAX_SCAN = 20_000

export default async function subjectRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v1/subjects/:uscc/entries', {
    config: { roles: ['auditor', 'court', 'admin'] },
    schema: {
      summary: 'History of one enterprise, in log order, cursor-paginated',
      tags: ['audit'],
      security: [{ bearer: [] }],
      params: Type.Object({ uscc: Uscc }),
      querystring: Type.Object({
        cursor: Type.Optional(NumberText),
        limit: Type.Optional(NumberText),
        kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
        from: Type.Optional(Rfc3339),
        to: Type.Optional(Rfc3339),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          subject: Type.String(),
          entries: Type.Array(Type.Object({ index: Type.Integer(), leafHash: Type.String(), statement: StatementSchema })),
          nextCursor: Type.Union([Type.String(), Type.Null()]),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { uscc } = request.params as { uscc: string }
    const q = request.query as { cursor?: string; limit?: string; kind?: Kind; from?: string; to?: string }
    if (!isValidUscc(uscc)) throw new ProblemError('validation', 'uscc: check character is wrong')
    const limit = q.limit === undefined ? 100 : Number(q.limit)
    if (limit < 1 || limit > MAX_PAGE) throw new ProblemError('validation', `limit must be 1 to ${MAX_PAGE}`)
    for (const f of ['from', 'to'] as const) {
      if (q[f] !== undefined && !isRealTime(q[f]!)) throw new ProblemError('validation', `${f}: not a real date-time`)
    }
    const fromMs = q.from === undefined ? -Infinity : Date.parse(q.from)
    const toMs = q.to === undefined ? Infinity : Date.parse(q.to)
    const result = await app.ledger.subjectHistory(uscc, {
      after: q.cursor === undefined ? undefined : Number(q.cursor),
      limit,
      maxScan: MAX_SCAN,
      accept: (s) => (q.kind === undefined || s.kind === q.kind) && Date.parse(s.time) >= fromMs,
      past: (s) => Date.parse(s.time) >= toMs,
    })
    return { subject: uscc, entries: result.entries, nextCursor: result.nextCursor === null ? null : String(result.nextCursor) }
  })
}
