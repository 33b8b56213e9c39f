// Dev-mode tokens, minted with the local token key (never the checkpoint key).
import { SignJWT } from 'jose'
import type { Role } from '../plugins/auth.ts'
import { TOKEN_ALG, type TokenKey } from './keys.ts'

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

/** "90s", "15m", "12h", "30d" or plain seconds. */
export function parseTtl(text: string): number {
  const m = /^([1-9][0-9]{0,8})([smhd]?)$/.exec(text.trim())
  if (!m) throw new RangeError(`ttl must look like 900, 15m, 12h or 30d; got "${text}"`)
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * mult
}
