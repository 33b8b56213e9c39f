// Browsing the ledger as an auditor does: newest blocks first, entries in log order
// (optionally of one kind), one search box, and a summary of the log. Read-only, paged,
// and bounded: no request reads more than a fixed number of rows.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { isHash } from '../../chain/encoding.ts'
import { isValidUscc } from '../../chain/statement.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { KindSchema } from '../schemas/fields.ts'
import { DecimalIntegerExample } from '../schemas/params.ts'
import { EXAMPLE_USCC } from '../kinds/example-enterprise.ts'
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
      description: `Roles auditor, court, admin. Block headers with their hashes, newest first. \`limit\` 1 to ${MAX_PAGE} (default 20); pass \`nextBefore\` as \`before\` for the next page (\`null\`: no more).`,
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({
        before: Type.Optional(DecimalIntegerExample(10, 'only blocks below this height')),
        limit: Type.Optional(DecimalIntegerExample(20, `1 to ${MAX_PAGE}, default 20`)),
      }, { additionalProperties: false }),
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
      description: `Roles auditor, court, admin. Statements in log order with their leaf hashes and block heights. \`limit\` 1 to ${MAX_PAGE} (default 50); pass \`nextAfter\` as \`after\` for the next page. A page reads at most ${MAX_SCAN} entries, so a rare \`kind\` may give a short page with a \`nextAfter\`.`,
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({
        after: Type.Optional(DecimalIntegerExample(0, 'only entries after this index')),
        limit: Type.Optional(DecimalIntegerExample(50, `1 to ${MAX_PAGE}, default 50`)),
        kind: Type.Optional(KindSchema),
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
      description: 'Roles auditor, court, admin. `q` is read as an entry index (digits), a 64-hex hash (`sha256:` allowed: a leaf hash, a statement\'s commitment or a document\'s sha256), a USCC (its first 20 entries) or `kind:id` (every submitter\'s entry of it); `matched` says which, `nothing` when none.',
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200, examples: [EXAMPLE_USCC] }) }, { additionalProperties: false }),
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
      summary: 'The log at a glance: size, height, last block, recent entries per minute and per kind, commit latency, witnesses',
      description: 'Roles auditor, court, admin. Tree size, height and the last block\'s time; for the last hour (1-minute buckets) or day (15-minute buckets) the entries and blocks written, per kind (`complete: false` when the window held more than one request reads); recent commit latency and the witnesses\' status when a policy is configured.',
      tags: ['audit'],
      security: [{ bearer: [] }],
      querystring: Type.Object({
        window: Type.Optional(Type.Union([Type.Literal('hour'), Type.Literal('day')], { examples: ['hour'], description: 'span of `window`: the last hour in 1-minute buckets (default) or the last day in 15-minute buckets' })),
      }, { additionalProperties: false }),
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
          window: Type.Object({
            span: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
            since: Type.String(),
            bucketSeconds: Type.Integer(),
            entries: Type.Integer(),
            blocks: Type.Integer(),
            buckets: Type.Array(Type.Object({ start: Type.String(), entries: Type.Integer(), perKind: Type.Record(Type.String(), Type.Integer()) }), { description: 'every bucket of the span, oldest first, empty ones included' }),
            perKind: Type.Record(Type.String(), Type.Integer()),
            complete: Type.Boolean({ description: 'false when the span held more than the rows one request reads: counts are of its newest part' }),
          }),
          commitLatency: Type.Union([Type.Object({
            blocks: Type.Integer(), p50Ms: Type.Number(), p95Ms: Type.Number(), maxMs: Type.Number(),
          }), Type.Null()], { description: 'time to sequence and durably write a block, over the last (up to 1,024) blocks this process wrote; null before the first' }),
          witnessing: Type.Union([Type.Object({
            quorum: Type.String(),
            witnessedSize: Type.Union([Type.Integer(), Type.Null()]),
            latestSize: Type.Integer(),
            witnesses: Type.Array(Type.Object({
              name: Type.String(), size: Type.Union([Type.Integer(), Type.Null()]), lastCosignedAt: Type.Union([Type.String(), Type.Null()]),
              lastError: Type.Union([Type.String(), Type.Null()]), consecutiveFailures: Type.Integer(),
            })),
          }), Type.Null()], { description: 'null when no witness policy is configured' }),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const l = log()
    const span = request.query.window ?? 'hour'
    const now = Date.now()
    const bucketMs = span === 'hour' ? 60_000 : 900_000
    // Buckets aligned to whole minutes / quarter hours, the oldest one partly in the span.
    const first = Math.floor((now - (span === 'hour' ? 3_600_000 : 86_400_000)) / bucketMs) * bucketMs
    const hourAgo = now - 3_600_000
    const buckets = new Map<number, { entries: number; perKind: Record<string, number> }>()
    for (let b = first; b <= now; b += bucketMs) buckets.set(b, { entries: 0, perKind: {} })
    const win = { entries: 0, blocks: 0, perKind: {} as Record<string, number>, complete: true }
    const hour = { entries: 0, blocks: 0, perMinute: new Map<string, number>(), perKind: {} as Record<string, number>, complete: true }
    let read = 0
    let lastBlockTime: string | null = null
    // Newest blocks first until the span is over; at most MAX_SCAN blocks and statements.
    for (let h = l.height, blocksRead = 0; h >= 0; h--, blocksRead++) {
      const b = await l.block(h)
      if (!b) break
      lastBlockTime ??= b.header.time
      const t = Date.parse(b.header.time)
      if (t < first) break
      if (read >= MAX_SCAN || blocksRead >= MAX_SCAN) {
        win.complete = false
        if (t >= hourAgo) hour.complete = false
        break
      }
      const bucket = buckets.get(Math.floor(t / bucketMs) * bucketMs)
      const inHour = t >= hourAgo
      win.blocks++
      win.entries += b.header.count
      if (bucket) bucket.entries += b.header.count
      if (inHour) {
        hour.blocks++
        hour.entries += b.header.count
        const minute = b.header.time.slice(0, 16) + 'Z'
        hour.perMinute.set(minute, (hour.perMinute.get(minute) ?? 0) + b.header.count)
      }
      for (let i = b.header.first; i < b.header.first + b.header.count; i++, read++) {
        if (read >= MAX_SCAN) {
          win.complete = false
          if (inHour) hour.complete = false
          break
        }
        const s = await l.statement(i)
        if (!s) continue
        win.perKind[s.kind] = (win.perKind[s.kind] ?? 0) + 1
        if (bucket) bucket.perKind[s.kind] = (bucket.perKind[s.kind] ?? 0) + 1
        if (inHour) hour.perKind[s.kind] = (hour.perKind[s.kind] ?? 0) + 1
      }
    }
    const w = app.witnessing?.status() ?? null
    return {
      treeSize: l.size, height: l.height, lastBlockTime,
      lastHour: { entries: hour.entries, blocks: hour.blocks, perMinute: [...hour.perMinute].sort().map(([minute, n]) => ({ minute, entries: n })), perKind: hour.perKind, complete: hour.complete },
      window: {
        span, since: new Date(first).toISOString(), bucketSeconds: bucketMs / 1000, ...win,
        buckets: [...buckets].map(([start, b]) => ({ start: new Date(start).toISOString(), ...b })),
      },
      commitLatency: app.commitLatency(),
      witnessing: w && {
        quorum: w.quorum, witnessedSize: w.witnessedSize, latestSize: w.latestSize,
        witnesses: w.witnesses.map((x) => ({ name: x.name, size: x.size, lastCosignedAt: x.lastCosignedAt, lastError: x.lastError, consecutiveFailures: x.consecutiveFailures })),
      },
    }
  })
}

export default browseRoutes
