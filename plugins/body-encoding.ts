// Request bodies are taken as sent: no Content-Encoding. A gzip body reached the JSON
// parser as binary and came back as "malformed JSON", which sends a client hunting for a
// syntax error; it is a 415 that says what to do.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { ProblemError } from './problems.ts'

async function bodyEncoding(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (request, _reply, done) => {
    const encoding = request.headers['content-encoding']
    if (encoding === undefined) return done()
    const codings = encoding.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity')
    if (codings.length > 0) {
      return done(new ProblemError('unsupported-media-type', `Content-Encoding ${codings.join(', ')} is not accepted; send the body uncompressed as application/json`))
    }
    done()
  })
}

export default fp(bodyEncoding, { name: 'body-encoding', fastify: '5.x' })
