import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { isValidUscc } from '../../chain/statement.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { isRealTime } from '../record-validation.ts'
import { KindSchema, Rfc3339 } from '../schemas/fields.ts'
import { DecimalInteger, UsccParams } from '../schemas/params.ts'
import { StatementSchema, problemResponses } from '../schemas/responses.ts'
import { READ_ROLES } from './roles.ts'

const MAX_PAGE = 500
// Filters skip non-matching index rows; bound the rows one page may read so a sparse
// filter cannot turn one request into a scan of a huge history.
const MAX_SCAN = 20_000
// Each authorization costs a payload, a revocation lookup and maybe its redaction: fewer per page.
const MAX_AUTHORIZATIONS = 200

const subjectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/subjects/:uscc/entries', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'History of one enterprise, in log order, cursor-paginated',
      tags: ['audit'],
      security: [{ bearer: [] }],
      params: UsccParams,
      querystring: Type.Object({
        cursor: Type.Optional(DecimalInteger),
        // 1 to MAX_PAGE, checked in the handler: clients see that problem detail, not Ajv's.
        limit: Type.Optional(DecimalInteger),
        kind: Type.Optional(KindSchema),
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
    const { uscc } = request.params
    const q = request.query
    if (!isValidUscc(uscc)) throw new ProblemError('validation', 'uscc: check character is wrong')
    const limit = q.limit ?? 100
    if (limit < 1 || limit > MAX_PAGE) throw new ProblemError('validation', `limit must be 1 to ${MAX_PAGE}`)
    for (const f of ['from', 'to'] as const) {
      const at = q[f]
      if (at !== undefined && !isRealTime(at)) throw new ProblemError('validation', `${f}: not a real date-time`)
    }
    const fromMs = q.from === undefined ? -Infinity : Date.parse(q.from)
    const toMs = q.to === undefined ? Infinity : Date.parse(q.to)
    const result = await app.ledger.subjectHistory(uscc, {
      after: q.cursor,
      limit,
      maxScan: MAX_SCAN,
      accept: (s) => (q.kind === undefined || s.kind === q.kind) && Date.parse(s.time) >= fromMs,
      past: (s) => Date.parse(s.time) >= toMs,
    })
    return { subject: uscc, entries: result.entries, nextCursor: result.nextCursor === null ? null : String(result.nextCursor) }
  })

  app.get('/v1/subjects/:uscc/authorizations', {
    config: { roles: READ_ROLES },
    schema: {
      summary: "One enterprise's data authorizations: validity window, categories, revocation, and status at a moment (the console's timeline)",
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: UsccParams,
      querystring: Type.Object({
        at: Type.Optional(Rfc3339),
        cursor: Type.Optional(DecimalInteger),
        limit: Type.Optional(DecimalInteger),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          subject: Type.String(),
          at: Type.String(),
          authorizations: Type.Array(Type.Object({
            index: Type.Integer(),
            leafHash: Type.String(),
            id: Type.String(),
            submitter: Type.String(),
            authorizedAt: Type.String({ description: 'ledger time of the authorization entry' }),
            terms: Type.Union([Type.Object({
              validFrom: Type.String(), validUntil: Type.String(), dataCategories: Type.Array(Type.String()),
            }), Type.Null()], { description: 'null when hash-only or erased (the purpose is never shown)' }),
            revocation: Type.Union([Type.Object({ index: Type.Integer(), leafHash: Type.String(), time: Type.String() }), Type.Null()]),
            status: Type.Union(['active', 'expired', 'revoked', 'not-yet-valid', 'not-covered', 'undetermined'].map((s) => Type.Literal(s))),
            reason: Type.String(),
          })),
          nextCursor: Type.Union([Type.String(), Type.Null()]),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { uscc } = request.params
    const q = request.query
    if (!isValidUscc(uscc)) throw new ProblemError('validation', 'uscc: check character is wrong')
    const limit = q.limit ?? 100
    if (limit < 1 || limit > MAX_AUTHORIZATIONS) throw new ProblemError('validation', `limit must be 1 to ${MAX_AUTHORIZATIONS}`)
    if (q.at !== undefined && !isRealTime(q.at)) throw new ProblemError('validation', 'at: not a real date-time')
    const at = q.at ?? new Date().toISOString()
    const page = await app.ledger.subjectAuthorizations(uscc, { after: q.cursor, limit, maxScan: MAX_SCAN, at })
    return { subject: uscc, at, authorizations: page.authorizations, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) }
  })
}

export default subjectRoutes
