// Bearer-JWT authentication (jose) and role checks declared per route with
// `config: { roles: [...] }`. Verified tokens are cached until they expire, so signature
// checks are not what limits throughput.
import fp from 'fastify-plugin'
import { unsafeTextReason } from '../chain/text-rules.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { hash } from 'node:crypto'
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
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
  /** Key id of the dev key, to tell a token made with another DATA_DIR's key apart. */
  devKeyId?: string
  /** Longest token lifetime accepted, from now to its `exp` (seconds). */
  maxTokenTtlSeconds: number
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
// Real JWTs are well under 2 KiB; a longer one is refused before any parsing.
export const MAX_TOKEN_BYTES = 8 * 1024

/**
 * Caches are keyed by a digest of the token, never the token itself: 10,000 distinct
 * 15 KB junk tokens once pinned 150 MB of heap as cache keys; a digest is 43 bytes.
 */
function tokenDigest(token: string): string {
  return hash('sha256', token, 'base64url')
}

async function authPlugin(app: FastifyInstance, opts: AuthOptions): Promise<void> {
  const getKey: CryptoKey | JWTVerifyGetKey = opts.jwksUrl
    ? createRemoteJWKSet(new URL(opts.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })
    : opts.devKey ?? (() => { throw new Error('auth needs a JWKS URL or a dev key') })()
  const algorithms = opts.jwksUrl ? JWKS_ALGORITHMS : DEV_ALGORITHMS
  const cache = new Map<string, { principal: Principal; expiresAt: number }>()
  const refused = new Map<string, { detail: string; until: number }>()
  const refuse = (key: string, detail: string): never => {
    const now = Date.now()
    // Entries share one lifetime, so insertion order is expiry order: drop the stale head.
    for (const [k, v] of refused) {
      if (v.until > now && refused.size < CACHE_LIMIT) break
      refused.delete(k)
    }
    refused.set(key, { detail, until: now + FAILURE_TTL_MS })
    throw new ProblemError('unauthorized', detail)
  }

  /** A token seen before, answered from memory without a promise (nearly every request). */
  function verify(token: string): Principal | Promise<Principal> {
    if (token.length > MAX_TOKEN_BYTES) throw new ProblemError('unauthorized', `token is longer than ${MAX_TOKEN_BYTES} bytes`)
    const key = tokenDigest(token)
    const hit = cache.get(key)
    if (hit) {
      if (hit.expiresAt > Date.now()) return hit.principal
      cache.delete(key)
    }
    const miss = refused.get(key)
    if (miss) {
      if (miss.until > Date.now()) throw new ProblemError('unauthorized', miss.detail)
      refused.delete(key)
    }
    return verifySignature(token, key)
  }

  async function verifySignature(token: string, key: string): Promise<Principal> {
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
      const detail = tokenFailure(e) + otherDevKey(token)
      if (final) return refuse(key, detail)
      throw new ProblemError('unauthorized', detail)
    }
    const ttl = (payload.exp ?? 0) - Math.floor(Date.now() / 1000)
    if (ttl > opts.maxTokenTtlSeconds) {
      return refuse(key, `token lives ${ttl} s more; this ledger accepts at most ${opts.maxTokenTtlSeconds} s (AUTH_MAX_TOKEN_TTL)`)
    }
    // The subject becomes the statement's submitter: it must be printable, bounded text.
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256 ||
        /[\t\n\r]/.test(payload.sub) || unsafeTextReason(payload.sub) !== null) {
      return refuse(key, 'token subject must be 1–256 printable characters (no control, bidi or invisible formatting characters)')
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : []
    const principal: Principal = { sub: String(payload.sub), roles }
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!)
    cache.set(key, { principal, expiresAt: (payload.exp ?? 0) * 1000 })
    return principal
  }

  /**
   * In dev mode the commonest bad signature is a token minted with another DATA_DIR's
   * key (the `token` command makes a key where none is): say so instead of only "invalid".
   */
  function otherDevKey(token: string): string {
    if (opts.jwksUrl || !opts.devKeyId) return ''
    let kid: unknown
    try {
      kid = decodeProtectedHeader(token).kid
    } catch {
      return ''
    }
    return typeof kid === 'string' && kid !== opts.devKeyId && kid.length <= 64
      ? ` (it was made with dev key ${JSON.stringify(kid)}, this server's dev key is "${opts.devKeyId}": was the token made with another DATA_DIR?)`
      : ''
  }

  app.decorateRequest('principal', null)
  const admit = (request: FastifyRequest, roles: readonly Role[], principal: Principal): void => {
    request.principal = principal
    if (!roles.some((r) => principal.roles.includes(r))) {
      throw new ProblemError('forbidden', `this needs one of the roles: ${roles.join(', ')}`)
    }
  }

  // Callback style: a cached token is admitted without a promise or a microtask turn.
  app.addHook('onRequest', (request, _reply, done) => {
    const roles = request.routeOptions.config?.roles
    if (!roles) return done()
    try {
      const header = request.headers.authorization
      if (typeof header !== 'string' || !/^Bearer [A-Za-z0-9._~+/-]+=*$/.test(header)) {
        throw new ProblemError('unauthorized', 'send Authorization: Bearer <JWT>')
      }
      const principal = verify(header.slice(7))
      if (!(principal instanceof Promise)) {
        admit(request, roles, principal)
        return done()
      }
      principal.then((p) => {
        let refusal: Error | undefined
        try {
          admit(request, roles, p)
        } catch (e) {
          refusal = e as Error
        }
        done(refusal)
      }, (e: unknown) => done(e as Error))
    } catch (e) {
      done(e as Error)
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
