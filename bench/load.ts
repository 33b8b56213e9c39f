// Load generator process for bench/http.ts: autocannon with a fresh record id per request
// (its own --idReplacement breaks Content-Length here). Prints one JSON result line.
// Several urls (ledger instances behind no balancer): autocannon spreads its connections
// over them round-robin.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

const o = JSON.parse(readFileSync(process.argv[2], 'utf8')) as { url: string | string[]; connections: number; seconds: number; headers: Record<string, string>; body: string }
let n = 0
const result = await autocannon({
  // The typings say string; autocannon itself takes a list (lib/run.js, ofURL).
  url: o.url as string, connections: o.connections, duration: o.seconds, method: 'POST',
  headers: { 'content-type': 'application/json', ...o.headers },
  requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: o.body.replaceAll('[<id>]', `${process.pid}-${n++}`) }) }],
})
process.stdout.write(JSON.stringify({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, errors: result.errors, non2xx: result.non2xx }) + '\n')
