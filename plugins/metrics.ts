// Prometheus metrics on a per-app registry (tests build many apps in one process).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { Log } from '../chain/log.ts'

export interface MetricsOptions {
  /** The log whose size, height and block commits are exported. */
  log: Pick<Log, 'size' | 'height' | 'onBlock'>
  /** 'private': only auditor and admin tokens read /metrics (its counters describe the business). */
  visibility: 'public' | 'private'
}

async function metricsPlugin(app: FastifyInstance, opts: MetricsOptions): Promise<void> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const log = opts.log
  // Per-request counts live in plain maps and reach prom-client at scrape time: a labelled
  // inc() per request (label hashing) cost more than the count is worth.
  const appendCounts = new Map<string, number>()
  new Counter({
    name: 'ledger_appends_total', help: 'Notarization outcomes', labelNames: ['outcome'], registers: [registry],
    collect() {
      this.reset()
      for (const [outcome, n] of appendCounts) this.inc({ outcome }, n)
    },
  })
  const blockEntries = new Histogram({
    name: 'ledger_block_entries', help: 'Requests sequenced per block (group commit size)',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000], registers: [registry],
  })
  const commit = new Histogram({
    name: 'ledger_commit_seconds', help: 'Time to sequence and durably write one block',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry],
  })
  new Gauge({ name: 'ledger_tree_size', help: 'Entries in the Merkle tree', registers: [registry], collect() { this.set(log.size) } })
  new Gauge({ name: 'ledger_block_height', help: 'Height of the last block', registers: [registry], collect() { this.set(log.height) } })
  // Witnessing (WITNESS_POLICY): read at scrape time from the service's own counters.
  new Gauge({
    name: 'ledger_witnessed_tree_size', help: 'Size of the newest checkpoint that satisfies the witness quorum (-1: none yet, or no policy)', registers: [registry],
    collect() { this.set(app.witnessing?.status().witnessedSize ?? -1) },
  })
  new Gauge({
    name: 'ledger_witness_cosigned_size', help: 'Tree size each witness last cosigned (-1: unknown)', labelNames: ['witness'], registers: [registry],
    collect() { for (const w of app.witnessing?.status().witnesses ?? []) this.set({ witness: w.name }, w.size ?? -1) },
  })
  new Gauge({
    name: 'ledger_witness_requests', help: 'add-checkpoint calls by witness and result (cosigned, size-learned, failed) since start', labelNames: ['witness', 'result'], registers: [registry],
    collect() {
      for (const [k, n] of app.witnessing?.counts ?? []) {
        const [witness, result] = k.split('\u0000')
        this.set({ witness, result }, n)
      }
    },
  })
  // RFC 3161 time-stamping (TSA_URL), likewise.
  new Gauge({
    name: 'ledger_timestamped_tree_size', help: 'Size of the newest checkpoint with an RFC 3161 token (-1: none yet, or no TSA_URL)', registers: [registry],
    collect() { this.set(app.timestamping?.status().stampedSize ?? -1) },
  })
  new Gauge({
    name: 'ledger_tsa_consecutive_failures', help: 'TSA requests failed in a row (0 once it answers again)', registers: [registry],
    collect() { this.set(app.timestamping?.status().consecutiveFailures ?? 0) },
  })
  new Gauge({
    name: 'ledger_tsa_requests', help: 'RFC 3161 requests by result (granted, failed) since start', labelNames: ['result'], registers: [registry],
    collect() { for (const [result, n] of app.timestamping?.counts ?? []) this.set({ result }, n) },
  })
  const requestCounts = new Map<string, number>()
  new Counter({
    name: 'http_requests_total', help: 'HTTP requests', labelNames: ['route', 'status'], registers: [registry],
    collect() {
      this.reset()
      for (const [k, n] of requestCounts) {
        const [route, status] = k.split('\u0000')
        this.inc({ route, status }, n)
      }
    },
  })

  // The last blocks' commit times, for the console's overview (the histogram above only
  // has buckets): a fixed ring, so its cost does not grow with the log.
  const recent = new Float64Array(RECENT_COMMITS)
  let commits = 0
  log.onBlock = (s) => {
    blockEntries.observe(s.count)
    commit.observe(s.durationMs / 1000)
    recent[commits++ % RECENT_COMMITS] = s.durationMs
  }
  app.decorate('commitLatency', (): CommitLatency | null => {
    const n = Math.min(commits, RECENT_COMMITS)
    if (n === 0) return null
    const sorted = recent.slice(0, n).sort()
    const at = (p: number) => Math.round(sorted[Math.min(n - 1, Math.floor(p * n))] * 100) / 100
    return { blocks: n, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1) }
  })
  app.decorate('countAppends', (outcome: string, n = 1) => {
    appendCounts.set(outcome, (appendCounts.get(outcome) ?? 0) + n)
  })
  app.addHook('onResponse', (request, reply, done) => {
    const k = `${request.routeOptions.url ?? 'unknown'}\u0000${reply.statusCode}`
    requestCounts.set(k, (requestCounts.get(k) ?? 0) + 1)
    done()
  })
  app.get('/metrics', {
    config: opts.visibility === 'private' ? { roles: ['auditor', 'admin'] as const } : {},
    schema: {
      summary: 'Prometheus metrics: appends by outcome, block sizes, commit latency, tree size', tags: ['health'],
      description: 'Prometheus text. Public in dev mode; with METRICS=private (the default with AUTH_JWKS_URL) it needs an auditor or admin token.',
      response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (_req, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}

const RECENT_COMMITS = 1024

/** Time to sequence and durably write a block, over the last blocks this process wrote. */
export interface CommitLatency {
  blocks: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}

declare module 'fastify' {
  interface FastifyInstance {
    countAppends(outcome: string, n?: number): void
    commitLatency(): CommitLatency | null
  }
}

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x' })
