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

  log.onBlock = (s) => {
    blockEntries.observe(s.count)
    commit.observe(s.durationMs / 1000)
  }
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
      response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (_req, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    countAppends(outcome: string, n?: number): void
  }
}

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x' })
