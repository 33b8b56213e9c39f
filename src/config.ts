// Configuration from the environment (docs/formats.md). Every variable is optional: with none
// set, the service runs in dev mode on ./data.
import { join, resolve } from 'node:path'

export interface Config {
  port: number
  host: string
  dataDir: string
  origin: string
  logLevel: string
  auth: {
    jwksUrl?: string
    issuer: string
    audience: string
  }
  rateLimit: { max: number; windowMs: number }
  bodyLimit: number
}

/** Where the ledger's storage lives inside DATA_DIR (its keys are in DATA_DIR/keys). */
export function storePath(dataDir: string): string {
  return join(dataDir, 'ledger')
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export const DEV_ISSUER = 'evidence-ledger-dev'
export const DEFAULT_AUDIENCE = 'evidence-ledger'

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const origin = env.LEDGER_ORIGIN ?? 'localhost/evidence-ledger'
  if (!/^[^\s+]+$/.test(origin)) throw new ConfigError('LEDGER_ORIGIN must be one word without spaces or "+" (it is also the checkpoint key name)')
  const jwksUrl = env.AUTH_JWKS_URL || undefined
  if (jwksUrl !== undefined) {
    try {
      new URL(jwksUrl)
    } catch {
      throw new ConfigError(`AUTH_JWKS_URL is not a URL: ${jwksUrl}`)
    }
    if (!env.AUTH_ISSUER || !env.AUTH_AUDIENCE) throw new ConfigError('AUTH_JWKS_URL needs AUTH_ISSUER and AUTH_AUDIENCE too')
  }
  return {
    port: intVar(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || './data'),
    origin,
    logLevel: env.LOG_LEVEL || 'info',
    auth: {
      jwksUrl,
      issuer: env.AUTH_ISSUER || DEV_ISSUER,
      audience: env.AUTH_AUDIENCE || DEFAULT_AUDIENCE,
    },
    rateLimit: {
      max: intVar(env, 'RATE_LIMIT_MAX', 60_000, 1, Number.MAX_SAFE_INTEGER),
      windowMs: intVar(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1, Number.MAX_SAFE_INTEGER),
    },
    bodyLimit: intVar(env, 'BODY_LIMIT', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
  }
}

function intVar(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return dflt
  if (!/^[0-9]+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`)
  return n
}
