// Bearer-JWT authentication (jose) and role checks declared per route with
// `config: { roles: [...] }`. Verified tokens are cached until they expire, so signature
// checks are not what limits throughput.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { ProblemError } from './problems.ts'

export const ROLES = ['submitter', 'auditor', 'court', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface Principal {
  sub: string
  roles: Role[]
}

export interface AuthOptions {
  issuer: string
  audience: string
  /** Production: a JWKS URL. Dev: the local public key. */
  jwksUrl?: string
  devKey?: CryptoKey
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
  interface FastifyContextConfig {
    roles?: readonly Role[]
  }
}

// Asymmetric algorithms only: no "none", no HMAC (so no RS/HS key confusion).
const JWKS_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'RS256', 'PS256']
const DEV_ALGORITHMS = ['EdDSA']
const CACHE_LIMIT = 10_000
// A refused token is refused again from memory for a while: otherwise a flood of one
// well-formed but badly signed token costs a signature check per request (the rate
// limit runs after auth, per verified subject, so it cannot stop that flood).
const FAILURE_TTL_MS = 30_000

async function authPlugin(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const getKey: CryptoKey | JWTVerifyGetKey = opts.jwksUrl
    ? createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })
    : opts.devKey ?? (() => { throw new Error('auth needs a JWKS URL or a dev key') })()
  const algorithms = opts.jwksUrl ? JWKS_ALGORITHMS : DEV_ALGORITHMS
  const cache = new Map<string, { principal: Principal; expiresAt: number }>()
  const refused = new Map<string, { detail: string; until: number }>()
  const refuse = (token: string, detail: string): never => {
    if (refused.size >= CACHE_LIMIT) refused.delete(refused.keys().next().value!)
    refused.set(token, { detail, until: Date.now() + FAILURE_TTL_MS })
    throw new ProblemError('unauthorized', detail)
  }

  async function verify(token: string): Promise<Principal> {
    const hit = cache.get(token)
    if (hit) {
      if (hit.expiresAt > Date.now()) return hit.principal
      cache.delete(token)
    }
    const miss = refused.get(token)
    if (miss) {
      if (miss.until > Date.now()) throw new ProblemError('unauthorized', miss.detail)
      refused.delete(token)
    }
    let payload: JWTPayload
    try {
      const verified = await jwtVerify(token, getKey as JWTVerifyGetKey, {
        issuer: opts.issuer, audience: opts.audience, algorithms, requiredClaims: ['sub', 'exp'],
      })
      payload = verified.payload
    } catch (e) {
      // Only verdicts on the token itself are remembered. Failures that time or the key
      // source can cure are not: a token not yet valid (nbf) may be valid next second, and
      // a JWKS that is unreachable or lacks the key today may have it after a rotation.
      const final = e instanceof joseErrors.JWSSignatureVerificationFailed || e instanceof joseErrors.JWTExpired ||
        e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid || e instanceof joseErrors.JOSEAlgNotAllowed ||
        (e instanceof joseErrors.JWTClaimValidationFailed && e.claim !== 'nbf')
      if (final) return refuse(token, tokenFailure(e))
      throw new ProblemError('unauthorized', tokenFailure(e))
    }
    // The subject becomes the statement's submitter: it must be printable, bounded text.
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256 ||
        !payload.sub.isWellFormed() || /[\u0000-\u001f\u007f]/.test(payload.sub)) {
      return refuse(token, 'token subject must be 1–256 printable characters')
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : []
    const principal: Principal = { sub: String(payload.sub), roles }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!)
    cache.set(token, { principal, expiresAt: (payload.exp ?? 0) * 1000 })
    return principal
  }

  app.decorateRequest('principal', null)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const roles = request.routeOptions.config?.roles
    if (!roles) return
    const header = request.headers.authorization
    if (typeof header !== 'string' || !/^Bearer [A-Za-z0-9._~+/-]+=*$/.test(header)) {
      throw new ProblemError('unauthorized', 'send Authorization: Bearer <JWT>')
    }
    request.principal = await verify(header.slice(7))
    if (!roles.some((r) => request.principal!.roles.includes(r))) {
      throw new ProblemError('forbidden', `this needs one of the roles: ${roles.join(', ')}`)
    }
  })
}

function tokenFailure(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'token has expired'
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${e.claim}" is not accepted`
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm is not allowed'
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid'
  if (e instanceof joseErrors.JWKSNoMatchingKey) return 'token key is not known'
  return 'token is not valid'
}

export default fp(authPlugin, { name: 'auth', fastify: '5.x' })
