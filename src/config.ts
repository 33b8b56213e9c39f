// Configuration from the environment (docs/formats.md). Every variable is optional: with none
// set, the service runs in dev mode on ./data.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SERVING_LEVEL_OPTIONS } from '../chain/storage.ts'

const MB = 1024 * 1024

export interface Config {
  port: number
  host: string
  dataDir: string
  /** PostgreSQL holds the log instead of DATA_DIR's LevelDB (DATA_DIR still holds the keys). */
  databaseUrl?: string
  /** LEVELDB_MAX_OPEN_FILES, LEVELDB_WRITE_BUFFER_MB, LEVELDB_CACHE_MB: what DATA_DIR's LevelDB may hold in memory. */
  leveldb: { maxOpenFiles: number; writeBufferSize: number; cacheSize: number }
  /**
   * The checkpoint signing key (Go note skey) from LEDGER_SIGNING_KEY or the file
   * LEDGER_SIGNING_KEY_FILE names, instead of DATA_DIR/keys/checkpoint.skey: how N
   * instances under an orchestrator share one key without a shared disk. `from` names the
   * variable for messages (the key itself is never echoed).
   */
  signingKey?: { skey: string; from: string }
  origin: string
  logLevel: string
  auth: {
    jwksUrl?: string
    issuer: string
    audience: string
    /** Longest token lifetime accepted (seconds from now to `exp`); the CLI caps --ttl by it. */
    maxTokenTtlSeconds: number
  }
  rateLimit: {
    max: number
    windowMs: number
    /** Refused requests (401/403/404/429) one client address may cause per window before it is cut off, before auth. */
    refusedMax: number
  }
  /** Fastify's trustProxy: which proxies' X-Forwarded-For is believed (false: none). */
  trustProxy: boolean | string
  /** Who may read /metrics: everyone, or only auditor/admin tokens. */
  metrics: 'public' | 'private'
  bodyLimit: number
  /** WITNESS_POLICY: a tlog-policy file naming the witnesses to ask and the quorum (docs/witness.md). */
  witnessPolicy?: string
  /** TSA_URL + TSA_CERT: an RFC 3161 time-stamping authority that dates checkpoints (docs/timestamps.md). */
  tsa?: { url: string; certPath: string; intervalMs: number }
  /** WITNESS_ROUND_MS: the least time between two witnessing rounds (coalescing; docs/witness.md). */
  witnessRoundMs: number
  /** Who issues 存证证明 and where the public pages are (docs/certificate.md). */
  certificate: {
    operator: string
    area: string
    /** Public base URL: the certificate's links and its QR code (/v/<leafHash>) point here. */
    baseUrl: string
  }
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
    databaseUrl: databaseUrlVar(env.DATABASE_URL),
    leveldb: {
      // LevelDB would silently raise anything below 74 (64 table files and 10 others) to 74
      // and cap anything above 50,000: refused instead, so the setting is what runs.
      maxOpenFiles: intVar(env, 'LEVELDB_MAX_OPEN_FILES', SERVING_LEVEL_OPTIONS.maxOpenFiles, 74, 50_000),
      writeBufferSize: intVar(env, 'LEVELDB_WRITE_BUFFER_MB', SERVING_LEVEL_OPTIONS.writeBufferSize / MB, 1, 1024) * MB,
      // 0 is allowed: LevelDB then caches no block at all.
      cacheSize: intVar(env, 'LEVELDB_CACHE_MB', SERVING_LEVEL_OPTIONS.cacheSize / MB, 0, 4095) * MB,
    },
    ...signingKeyVar(env),
    origin,
    logLevel: env.LOG_LEVEL || 'info',
    auth: {
      jwksUrl,
      issuer: env.AUTH_ISSUER || DEV_ISSUER,
      audience: env.AUTH_AUDIENCE || DEFAULT_AUDIENCE,
      maxTokenTtlSeconds: durationVar(env, 'AUTH_MAX_TOKEN_TTL', 30 * 86400),
    },
    rateLimit: {
      max: intVar(env, 'RATE_LIMIT_MAX', 60_000, 1, Number.MAX_SAFE_INTEGER),
      windowMs: intVar(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1, Number.MAX_SAFE_INTEGER),
      refusedMax: intVar(env, 'RATE_LIMIT_REFUSED_MAX', 1_000, 1, Number.MAX_SAFE_INTEGER),
    },
    trustProxy: trustProxyVar(env.TRUST_PROXY),
    // Production (an identity provider configured) keeps operational detail private unless asked.
    metrics: choiceVar(env, 'METRICS', jwksUrl ? 'private' : 'public', ['public', 'private'] as const),
    bodyLimit: intVar(env, 'BODY_LIMIT', 4 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    ...(env.WITNESS_POLICY ? { witnessPolicy: resolve(env.WITNESS_POLICY) } : {}),
    ...tsaVars(env),
    witnessRoundMs: intVar(env, 'WITNESS_ROUND_MS', 250, 0, 60_000),
    certificate: {
      operator: env.CERT_ISSUER || '（未配置运营方 CERT_ISSUER）',
      area: env.CERT_AREA || '（未配置地区 CERT_AREA）',
      baseUrl: baseUrlVar(env.PUBLIC_BASE_URL, `http://${env.HOST || '127.0.0.1'}:${env.PORT || '3000'}`),
    },
  }
}

function tsaVars(env: NodeJS.ProcessEnv): { tsa?: Config['tsa'] } {
  const url = env.TSA_URL || undefined
  const cert = env.TSA_CERT || undefined
  if (url === undefined && cert === undefined) return {}
  // Without the certificate the ledger could not check what the TSA answers, nor could a court.
  if (url === undefined || cert === undefined) throw new ConfigError('TSA_URL and TSA_CERT go together: the TSA\'s address and the PEM file of its certificate (or its CA)')
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(`TSA_URL is not a URL: ${url}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('TSA_URL must be an http(s) URL')
  return { tsa: { url: parsed.href, certPath: resolve(cert), intervalMs: Math.round(decimalSecondsVar(env, 'TSA_INTERVAL', 1) * 1000) } }
}

/** Seconds with an optional fraction ("1", "0.5", "0"). */
function decimalSecondsVar(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return dflt
  if (!/^[0-9]{1,6}(\.[0-9]{1,3})?$/.test(raw)) throw new ConfigError(`${name} must be a number of seconds like 1 or 0.5, got "${raw}"`)
  return Number(raw)
}

/** Seconds, or a number with s, m, h or d ("30d"), as the CLI's --ttl takes it. */
export function parseDuration(text: string): number {
  const m = /^([1-9][0-9]{0,8})([smhd]?)$/.exec(text.trim())
  if (!m) throw new RangeError(`must look like 900, 15m, 12h or 30d; got "${text}"`)
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd']
  return Number(m[1]) * mult
}

function durationVar(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return dflt
  try {
    return parseDuration(raw)
  } catch (e) {
    throw new ConfigError(`${name} ${(e as Error).message}`)
  }
}

function choiceVar<T extends string>(env: NodeJS.ProcessEnv, name: string, dflt: T, choices: readonly T[]): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return dflt
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`)
  return raw as T
}

function databaseUrlVar(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined
  if (!/^postgres(ql)?:\/\//.test(raw)) throw new ConfigError('DATABASE_URL must be a postgres:// URL')
  return raw
}

function signingKeyVar(env: NodeJS.ProcessEnv): { signingKey?: { skey: string; from: string } } {
  const inline = env.LEDGER_SIGNING_KEY || undefined
  const file = env.LEDGER_SIGNING_KEY_FILE || undefined
  if (inline !== undefined && file !== undefined) throw new ConfigError('set LEDGER_SIGNING_KEY or LEDGER_SIGNING_KEY_FILE, not both')
  if (inline !== undefined) return { signingKey: { skey: inline.trim(), from: 'LEDGER_SIGNING_KEY' } }
  if (file === undefined) return {}
  try {
    return { signingKey: { skey: readFileSync(file, 'utf8').trim(), from: `LEDGER_SIGNING_KEY_FILE (${file})` } }
  } catch (e) {
    throw new ConfigError(`LEDGER_SIGNING_KEY_FILE cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} ${file}`)
  }
}

/** "true" trusts every proxy (only behind one you run); otherwise a list of addresses/CIDRs. */
function trustProxyVar(raw: string | undefined): boolean | string {
  if (raw === undefined || raw === '' || raw === 'false') return false
  if (raw === 'true') return true
  if (!/^[0-9a-fA-F:.,/ ]+$/.test(raw)) throw new ConfigError(`TRUST_PROXY must be true, false or a comma-separated list of proxy addresses, got "${raw}"`)
  return raw
}

function intVar(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return dflt
  if (!/^[0-9]+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`)
  return n
}

/** A certificate's QR code must open a page: a malformed base URL is refused at start, not printed. */
function baseUrlVar(value: string | undefined, fallback: string): string {
  if (!value) return fallback
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(`PUBLIC_BASE_URL is not a URL: ${value}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('PUBLIC_BASE_URL must be an http(s) URL')
  return url.href.replace(/\/+$/, '')
}
