// OpenAPI 3 generated from the route schemas, with a UI at /docs.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { OPENAPI_TAGS, finishDocument } from './openapi-document.ts'

async function docsPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'evidence-ledger',
        version: '1',
        description: 'Notarizes financing applications and data authorizations into an RFC 9162 Merkle log with signed C2SP checkpoints. '
          + 'To try it: mint a token (`npx evidence-ledger token --role submitter`, and another with `--role auditor` or `admin` for the reads), press Authorize and paste it, '
          + 'then "Try it out" on POST /v1/records with each example in turn (the data authorization before its revocation); the read examples find those records. '
          + 'Errors are RFC 9457 application/problem+json; a refused request lists every bad field in `errors` (docs/api.md).',
      },
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transformObject: (doc) => 'openapiObject' in doc ? finishDocument(doc.openapiObject) : doc.swaggerObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
}

export default fp(docsPlugin, { name: 'docs', fastify: '5.x' })
