// OpenAPI 3 generated from the route schemas, with a UI at /docs.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

async function docsPlugin(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'evidence-ledger',
        version: '1',
        description: 'Notarizes financing applications and data authorizations into an RFC 9162 Merkle log with signed C2SP checkpoints. Errors are RFC 9457 application/problem+json.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
}

export default fp(docsPlugin, { name: 'docs', fastify: '5.x' })
