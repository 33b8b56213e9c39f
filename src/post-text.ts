// One text POST and its text answer over keep-alive connections: what the ledger's
// witnessing loop does for every witness every round. node:http rather than fetch because
// fetch costs about three times the CPU per request here (WHATWG streams, an AbortSignal per
// call): 1,033 → 301 µs per request, client and server in one process (bench/witness.ts
// shows what it does to appends).
import http from 'node:http'
import https from 'node:https'

export interface TextAnswer {
  status: number
  contentType: string
  text: string
}

/** Answers bigger than this are cut off: a cosignature reply is a few lines. */
const MAX_ANSWER = 64 * 1024

export class TextPoster {
  readonly #http = new http.Agent({ keepAlive: true, maxSockets: 4 })
  readonly #https = new https.Agent({ keepAlive: true, maxSockets: 4 })

  post(url: URL, body: string, timeoutMs: number): Promise<TextAnswer> {
    const lib = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const req = lib.request(url, {
        method: 'POST',
        agent: url.protocol === 'https:' ? this.#https : this.#http,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => {
          text += d
          if (text.length > MAX_ANSWER) req.destroy(new Error(`answer longer than ${MAX_ANSWER} characters`))
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }))
        res.on('error', reject)
      })
      // `timeout` is socket inactivity: a witness that accepts and then says nothing.
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })))
      req.on('error', reject)
      req.end(body)
    })
  }

  close(): void {
    this.#http.destroy()
    this.#https.destroy()
  }
}
