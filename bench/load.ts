// Load generator process for the HTTP benches: autocannon with a fresh record id per request
// (its own --idReplacement breaks Content-Length here). Prints one JSON result line.
// A spec holds either one POST body for its url, or a list of requests that each
// connection cycles through (bench/huge.ts's mixed load); in paths and bodies "[<id>]"
// becomes a fresh id and "[<rnd>]" a random integer below `below`. Several urls (ledger
// instances behind no balancer): autocannon spreads its connections over them round-robin.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'
import type { LoadSpec } from './fixture.ts'

const o = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadSpec
let n = 0
const fill = (s: string) => s.replaceAll('[<id>]', () => `${process.pid}-${n++}`).replaceAll('[<rnd>]', () => String(Math.floor(Math.random() * (o.below ?? 1))))
const requests = (o.requests ?? [{ method: 'POST' as const, path: new URL(Array.isArray(o.url) ? o.url[0] : o.url).pathname, body: o.body }]).map((r) => ({
  method: r.method,
  setupRequest: (req: autocannon.Request) => ({ ...req, method: r.method, path: fill(r.path), body: r.body === undefined ? undefined : fill(r.body) }),
}))
const result = await autocannon({
  // The typings say string; autocannon itself takes a list (lib/run.js, ofURL).
  url: o.url as string, connections: o.connections, duration: o.seconds,
  headers: { 'content-type': 'application/json', ...o.headers },
  requests,
})
process.stdout.write(JSON.stringify({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, errors: result.errors, non2xx: result.non2xx }) + '\n')
