// Dev-mode tokens, minted with the local token key (never the checkpoint key).
import { SignJWT } from 'jose'
import type { Role } from '../plugins/auth.ts'
import { TOKEN_ALG, type TokenKey } from './keys.ts'
import { parseDuration } from './config.ts'

export interface MintOptions {
  roles: Role[]
  sub: string
  ttlSeconds: number
  issuer: string
  audience: string
}

export function mintToken(key: TokenKey, o: MintOptions): Promise<string> {
  return new SignJWT({ roles: o.roles })
    .setProtectedHeader({ alg: TOKEN_ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.audience)
    .setSubject(o.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + o.ttlSeconds)
    .sign(key.privateKey)
}

/** "90s", "15m", "12h", "30d" or plain seconds, at most `max` seconds. */
export function parseTtl(text: string, max = Number.MAX_SAFE_INTEGER): number {
  let ttl: number
  try {
    ttl = parseDuration(text)
  } catch (e) {
    throw new RangeError(`ttl ${(e as Error).message}`)
  }
  if (ttl > max) throw new RangeError(`ttl ${text} is longer than this ledger accepts (${max} s, AUTH_MAX_TOKEN_TTL)`)
  return ttl
}
