// Typed errors that handlers throw; errors.ts turns them into RFC 9457 bodies.
export const PROBLEM_TYPES = {
  validation: { status: 400, title: 'Invalid request' },
  'malformed-json': { status: 400, title: 'Malformed JSON body' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'Gone' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'headers-too-large': { status: 431, title: 'Request header fields too large' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const

export type ProblemSlug = keyof typeof PROBLEM_TYPES

export const PROBLEM_BASE = 'urn:evidence-ledger:problem:'

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  [extension: string]: unknown
}

export class ProblemError extends Error {
  readonly slug: ProblemSlug
  readonly status: number
  readonly extensions: Record<string, unknown>

  constructor(slug: ProblemSlug, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail)
    this.slug = slug
    this.status = PROBLEM_TYPES[slug].status
    this.extensions = extensions
  }

  toBody(instance?: string): ProblemBody {
    return problemBody(this.slug, this.message, instance, this.extensions)
  }
}

export function problemBody(slug: ProblemSlug, detail?: string, instance?: string, extensions: Record<string, unknown> = {}): ProblemBody {
  const t = PROBLEM_TYPES[slug]
  return {
    type: PROBLEM_BASE + slug,
    title: t.title,
    status: t.status,
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...extensions,
  }
}
