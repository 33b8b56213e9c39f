import type { FastifyInstance } from 'fastify'
import { verifyPage } from '../web-page.ts'

export default async function verifyPageRoutes(app: FastifyInstance): Promise<void> {
  app.get('/verify', {
    schema: { summary: 'Browser verification page for bundles and receipts (works offline when saved)', tags: ['evidence'] },
  }, async (_request, reply) => {
    const page = await verifyPage()
    reply.header('content-security-policy', page.csp).type('text/html; charset=utf-8')
    return page.html
  })
}
