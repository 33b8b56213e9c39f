import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { isValidUscc } from '../../chain/statement.ts'
import { fieldIssue, validationProblem, type FieldIssue } from '../../plugins/validation-problems.ts'
import { isRealTime, unrealTimeIssue } from '../record-validation.ts'
import { KindSchema, Rfc3339, withExample } from '../schemas/fields.ts'
import { DecimalIntegerExample, UsccParams } from '../schemas/params.ts'
import { StatementSchema, problemResponses } from '../schemas/responses.ts'
import { READ_ROLES } from './roles.ts'

const MAX_PAGE = 500
// Filters skip non-matching index rows; bound the rows one page may read so a sparse
// filter cannot turn one request into a scan of a huge history.
const MAX_SCAN = 20_000
// Each authorization costs a payload, a revocation lookup and maybe its redaction: fewer per page.
const MAX_AUTHORIZATIONS = 200

/** What every page of one enterprise's entries checks beyond the schema: the USCC's check character and the page size. */
function pageIssues(uscc: string, limit: number, max: number): FieldIssue[] {
  const issues: FieldIssue[] = []
  if (!isValidUscc(uscc)) issues.push(fieldIssue('path', '/uscc', 'has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015)'))
  if (limit < 1 || limit > max) issues.push(fieldIssue('query', '/limit', `must be 1 to ${max}`))
  return issues
}

const subjectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/subjects/:uscc/entries', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'History of one enterprise, in log order, cursor-paginated',
      description: 'Roles auditor, court, admin. Every entry whose subject is this USCC (applications, authorizations, revocations, evidence, redactions), oldest first. `limit` 1 to 500 (default 100); pass `nextCursor` back as `cursor` for the next page (`null`: the end). `kind` keeps one kind; `from` and `to` filter on the ledger time (`to` exclusive).',
      tags: ['audit'],
      security: [{ bearer: [] }],
      params: UsccParams,
      querystring: Type.Object({
        cursor: Type.Optional(DecimalIntegerExample(0, 'nextCursor of the previous page')),
        // 1 to MAX_PAGE, checked in the handler with the other query rules.
        limit: Type.Optional(DecimalIntegerExample(50, `1 to ${MAX_PAGE}, default 100`)),
        kind: Type.Optional(KindSchema),
        from: Type.Optional(withExample(Rfc3339, '2026-11-01T00:00:00+08:00', 'ledger time from (inclusive)')),
        to: Type.Optional(withExample(Rfc3339, '2027-01-01T00:00:00+08:00', 'ledger time until (exclusive)')),
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
    const limit = q.limit ?? 100
    const issues = pageIssues(uscc, limit, MAX_PAGE)
    for (const f of ['from', 'to'] as const) {
      const at = q[f]
      if (at !== undefined && !isRealTime(at)) issues.push(unrealTimeIssue('query', `/${f}`, at))
    }
    if (issues.length > 0) throw validationProblem(issues)
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
      description: `Roles auditor, court, admin. Every authorization whose subject is this USCC, oldest first, with its terms, its revocation and its status at \`at\` (default now). \`limit\` 1 to ${MAX_AUTHORIZATIONS} (default 100); pass \`nextCursor\` back as \`cursor\`.`,
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: UsccParams,
      querystring: Type.Object({
        at: Type.Optional(withExample(Rfc3339, '2026-12-01T08:00:00+08:00', 'the moment of the status (default now)')),
        cursor: Type.Optional(DecimalIntegerExample(0, 'nextCursor of the previous page')),
        limit: Type.Optional(DecimalIntegerExample(50, `1 to ${MAX_AUTHORIZATIONS}, default 100`)),
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
    const limit = q.limit ?? 100
    const issues = pageIssues(uscc, limit, MAX_AUTHORIZATIONS)
    if (q.at !== undefined && !isRealTime(q.at)) issues.push(unrealTimeIssue('query', '/at', q.at))
    if (issues.length > 0) throw validationProblem(issues)
    const at = q.at ?? new Date().toISOString()
    const page = await app.ledger.subjectAuthorizations(uscc, { after: q.cursor, limit, maxScan: MAX_SCAN, at })
    return { subject: uscc, at, authorizations: page.authorizations, nextCursor: page.nextCursor === null ? null : String(page.nextCursor) }
  })
}

export default subjectRoutes
