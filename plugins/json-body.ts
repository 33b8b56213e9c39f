// JSON request bodies must be well-formed UTF-8 (RFC 8259 §8.1). Fastify's parser decodes
// bytes with replacement, so an overlong encoding, an encoded surrogate or a stray byte
// became U+FFFD and was notarized: the ledger's canonical record then differed from what
// the client hashed, and its own commitment could never match. Such bodies are refused
// with the offset of the first bad byte; everything else goes to Fastify's own JSON
// parser (same prototype-poisoning rules, same errors).
import { isUtf8 } from 'node:buffer'
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ProblemError } from './problems.ts'

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence
 * (Unicode 15, table 3-7), or -1. Only run once node:buffer's isUtf8 said no.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0
  while (i < b.length) {
    const c = b[i]
    if (c < 0x80) { i++; continue }
    let n: number
    let lo = 0x80
    let hi = 0xbf
    if (c >= 0xc2 && c <= 0xdf) n = 1
    else if (c === 0xe0) { n = 2; lo = 0xa0 }
    else if (c === 0xed) { n = 2; hi = 0x9f } // U+D800..DFFF are not characters
    else if (c >= 0xe1 && c <= 0xef) n = 2
    else if (c === 0xf0) { n = 3; lo = 0x90 }
    else if (c === 0xf4) { n = 3; hi = 0x8f }
    else if (c >= 0xf1 && c <= 0xf3) n = 3
    else return i // C0, C1 (overlong), F5..FF, or a continuation byte with no lead
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i
    }
    i += n + 1
  }
  return -1
}

async function jsonBody(app: FastifyInstance): Promise<void> {
  const parseJson = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body)
      const byte = body[at]?.toString(16).padStart(2, '0').toUpperCase()
      done(new ProblemError('malformed-json', `body is not well-formed UTF-8: byte 0x${byte} at offset ${at} does not start or continue a valid sequence (overlong, surrogate or stray byte)`, { offset: at }), undefined)
      return
    }
    parseJson(request, body.toString('utf8'), done)
  })
}

export default fp(jsonBody, { name: 'json-body', fastify: '5.x' })
