import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { verifyPage } from '../web-page.ts'
import { textResponse } from '../schemas/responses.ts'

const verifyPageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/verify', {
    schema: {
      summary: 'Browser verification page for bundles and receipts (works offline when saved)', tags: ['evidence'],
      description: 'No login. One self-contained HTML page: drop an evidence bundle, a receipt or a batch answer on it and it verifies every step in the browser with the ledger\'s public key, sending nothing anywhere.',
      response: { 200: textResponse('text/html', 'One self-contained HTML file: script and style inlined') },
    },
  }, async (_request, reply) => {
    const page = await verifyPage()
    reply.header('content-security-policy', page.csp).type('text/html; charset=utf-8')
    return page.html
  })
}

export default verifyPageRoutes
