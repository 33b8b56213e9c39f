// GET /console: the auditor console (docs/console.md). The page is static and public like
// /verify; everything it shows comes from the API with the token the user pastes, so the
// API's roles decide what it can see. One per-request data block tells it whether tokens
// come from an identity provider (AUTH_JWKS_URL), to offer a link there.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { consolePage } from '../web-page.ts'
import { textResponse } from '../schemas/responses.ts'
import type { ConsoleData } from '../../web/console/data.ts'

export interface ConsolePageOptions {
  /** The token issuer's URL when tokens come from an identity provider; null with dev tokens. */
  loginUrl: string | null
}

/** The issuer as a sign-in link, only if it is an http(s) URL (an issuer may be any string). */
export function loginUrlOf(jwksUrl: string | undefined, issuer: string): string | null {
  if (jwksUrl === undefined) return null
  try {
    const u = new URL(issuer)
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null
  } catch {
    return null
  }
}

const consolePageRoutes: FastifyPluginAsyncTypebox<ConsolePageOptions> = async (app, opts) => {
  app.get('/console', {
    schema: {
      summary: 'Auditor console: overview, blocks, entries, search and enterprise timelines (needs an auditor, court or admin token)', tags: ['audit'],
      description: 'No login for the page itself: paste an auditor, court or admin token into it (kept in this tab\'s sessionStorage); every view reads the API with that token. See docs/console.md.',
      response: { 200: textResponse('text/html', 'One self-contained HTML page; its data come from the API') },
    },
  }, async (_request, reply) => {
    const page = await consolePage()
    const data: ConsoleData = { loginUrl: opts.loginUrl }
    // "<" escaped: the data block must not be able to close its own <script> element.
    const json = JSON.stringify(data).replaceAll('<', '\\u003c')
    reply.header('content-security-policy', page.csp).header('cache-control', 'no-cache').type('text/html; charset=utf-8')
    return page.html.replace('/*DATA*/', () => json)
  })
}

export default consolePageRoutes
