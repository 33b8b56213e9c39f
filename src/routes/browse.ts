// Browsing the ledger as an auditor does: newest blocks first, entries in log order
// (optionally of one kind), one search box, and a summary of the log. Read-only, paged,
// and bounded: no request reads more than a fixed number of rows.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { isHash } from '../../chain/encoding.ts'
import { isValidUscc } from '../../chain/statement.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { KindSchema } from '../schemas/fields.ts'
import { DecimalInteger } from '../schemas/params.ts'
import { BlockHeaderSchema, StatementSchema, problemResponses } from '../schemas/responses.ts'
import { READ_ROLES } from './roles.ts'
import type { Kind } from '../../chain/statement.ts'

const MAX_PAGE = 100
// A kind filter skips entries of other kinds; this bounds the entries one page may read.
const MAX_SCAN = 5_000

/** Entries one search answers with; a USCC's whole history is paged by /v1/subjects. */
const SEARCH_LIMIT = 20
const SEARCH_MATCHES = ['index', 'leaf', 'commitment', 'document', 'hash', 'kind:id', 'uscc', 'nothing'] as const
type SearchMatch = (typeof SEARCH_MATCHES)[number]

const EntrySummary = Type.Object({ index: Type.Integer(), leafHash: Type.String(), height: Type.Integer(), statement: StatementSchema })
const BlockSummary = Type.Object({ height: Type.Integer(), hash: Type.String(), header: BlockHeaderSchema })

function pageLimit(limit: number | undefined, dflt: number): number {
  const n = limit ?? dflt
  if (n < 1 || n > MAX_PAGE) throw new ProblemError('validation', `limit must be 1 to ${MAX_PAGE}`)
  return n
}

const browseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const log = () => app.ledger.log

  app.get('/v1/blocks', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'Blocks, newest first; page with ?before=<height>',
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({ before: Type.Optional(DecimalInteger), limit: Type.Optional(DecimalInteger) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ blocks: Type.Array(BlockSummary), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const limit = pageLimit(request.query.limit, 20)
    const top = Math.min(request.query.before ?? log().height + 1, log().height + 1)
    const blocks = []
    for (let h = top - 1; h >= 0 && blocks.length < limit; h--) {
      const b = await log().block(h)
      if (b) blocks.push({ height: h, hash: b.hash, header: b.header })
    }
    const last = blocks.at(-1)?.height ?? 0
    return { blocks, nextBefore: last > 0 && blocks.length === limit ? last : null }
  })

  app.get('/v1/entries', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'Entries in log order; page with ?after=<index>, filter with ?kind=',
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({
        after: Type.Optional(DecimalInteger), limit: Type.Optional(DecimalInteger), kind: Type.Optional(KindSchema),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ entries: Type.Array(EntrySummary), nextAfter: Type.Union([Type.Integer(), Type.Null()]) }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const limit = pageLimit(request.query.limit, 50)
    const kind = request.query.kind as Kind | undefined
    const entries = []
    let i = request.query.after === undefined ? 0 : request.query.after + 1
    const end = Math.min(log().size, i + MAX_SCAN)
    for (; i < end && entries.length < limit; i++) {
      const e = await log().entry(i)
      if (e && (kind === undefined || e.statement.kind === kind)) entries.push(e)
    }
    // More to read if the page filled or the scan stopped at its bound before the end.
    const more = i < log().size
    return { entries, nextAfter: more ? i - 1 : null }
  })

  app.get('/v1/search', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'One search box: an entry index, a leaf hash, a commitment, a document sha256, kind:id, or a USCC',
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          q: Type.String(),
          matched: Type.Union(SEARCH_MATCHES.map((m) => Type.Literal(m)), {
            description: 'what the query was found as; for a 64-hex query: leaf, commitment, document (of the record: evidence, attachment, consent text), or hash when entries matched it differently',
          }),
          entries: Type.Array(EntrySummary),
          hits: Type.Optional(Type.Array(Type.Object({ index: Type.Integer(), matched: Type.Union([Type.Literal('commitment'), Type.Literal('document')]) }), {
            description: 'for a hash: how each entry matched, in index order',
          })),
          subject: Type.Optional(Type.String({ description: 'for a USCC: open /v1/subjects/<uscc>/entries for the whole history' })),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const q = request.query.q.trim()
    const found = (matched: SearchMatch, entries: Awaited<ReturnType<ReturnType<typeof log>['entry']>>[], extra = {}) =>
      ({ q, matched, entries: entries.filter((e) => e !== undefined), ...extra })
    if (/^(0|[1-9][0-9]{0,15})$/.test(q)) {
      const e = await log().entry(Number(q))
      return found(e ? 'index' : 'nothing', [e])
    }
    const hex = q.toLowerCase().replace(/^sha256:/, '')
    if (isHash(hex)) {
      const index = await log().indexOfLeaf(hex)
      if (index !== undefined) return found('leaf', [await log().entry(index)])
      // Commitments and the documents records name (chain/search-hashes.ts).
      const hits = await log().entriesByHash(hex, SEARCH_LIMIT)
      if (hits.length === 0) return found('nothing', [])
      const kinds = new Set(hits.map((h) => h.matched))
      return found(kinds.size === 1 ? hits[0].matched : 'hash', await Promise.all(hits.map((h) => log().entry(h.index))), { hits })
    }
    if (isValidUscc(q)) {
      const indexes = await log().subjectIndexes(q, { limit: SEARCH_LIMIT })
      return found('uscc', await Promise.all(indexes.map((i) => log().entry(i))), { subject: q })
    }
    const m = /^([a-z-]+):(.+)$/.exec(q)
    if (m) {
      // Ids are unique per submitter: every submitter's entry of that kind+id.
      const owners = await log().ownersOfKindId(m[1] as Kind, m[2])
      return owners.length === 0 ? found('nothing', []) : found('kind:id', await Promise.all(owners.map((o) => log().entry(o.index))))
    }
    return found('nothing', [])
  })

  app.get('/v1/stats', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'The log at a glance: size, height, last block, and recent entries per minute and per kind',
      tags: ['audit'],
      security: [{ bearer: [] }],
      response: {
        200: Type.Object({
          treeSize: Type.Integer(),
          height: Type.Integer(),
          lastBlockTime: Type.Union([Type.String(), Type.Null()]),
          lastHour: Type.Object({
            entries: Type.Integer(),
            blocks: Type.Integer(),
            perMinute: Type.Array(Type.Object({ minute: Type.String(), entries: Type.Integer() })),
            perKind: Type.Record(Type.String(), Type.Integer()),
            complete: Type.Boolean({ description: 'false when the hour held more than the rows one request reads' }),
          }),
        }),
        ...problemResponses,
      },
    },
  }, async () => {
    const l = log()
    const since = Date.now() - 3_600_000
    const perMinute = new Map<string, number>()
    const perKind: Record<string, number> = {}
    let entries = 0
    let blocks = 0
    let read = 0
    let complete = true
    let lastBlockTime: string | null = null
    // Newest blocks first until the hour is over; statements read for at most MAX_SCAN entries.
    for (let h = l.height; h >= 0; h--) {
      const b = await l.block(h)
      if (!b) break
      lastBlockTime ??= b.header.time
      if (Date.parse(b.header.time) < since) break
      if (read >= MAX_SCAN) { complete = false; break }
      blocks++
      entries += b.header.count
      const minute = b.header.time.slice(0, 16) + 'Z'
      perMinute.set(minute, (perMinute.get(minute) ?? 0) + b.header.count)
      for (let i = b.header.first; i < b.header.first + b.header.count && read < MAX_SCAN; i++, read++) {
        const s = await l.statement(i)
        if (s) perKind[s.kind] = (perKind[s.kind] ?? 0) + 1
      }
    }
    return {
      treeSize: l.size, height: l.height, lastBlockTime,
      lastHour: { entries, blocks, perMinute: [...perMinute].sort().map(([minute, n]) => ({ minute, entries: n })), perKind, complete },
    }
  })
}

export default browseRoutes
