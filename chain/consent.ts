// Authorization status rules (docs/consent.md). Pure: the same function answers the API
// and the reference-model property test compares against it.

export type ConsentStatus = 'active' | 'expired' | 'revoked' | 'not-yet-valid' | 'not-covered'

export interface ConsentTerms {
  validFrom: string
  validUntil: string
  dataCategories: readonly string[]
  purpose: string
}

export interface ConsentFacts {
  terms: ConsentTerms
  /** Ledger time of the authorization entry: nothing before it can be proven. */
  authorizedAt: string
  /** Ledger time of the revocation entry, if there is one. */
  revokedAt: string | null
}

export interface ConsentQuery {
  at: string
  category?: string
  purpose?: string
}

export interface ConsentAnswer {
  status: ConsentStatus
  reason: string
}

const normalize = (s: string) => s.normalize('NFC').trim()

/**
 * Precedence: not-covered (the question is outside the grant, at any time) → expired (at or
 * after validUntil the grant is over whatever else happened) → revoked (at or after the
 * revocation's ledger time) → not-yet-valid → active. Boundaries: validFrom inclusive,
 * validUntil exclusive, revocation effective from its ledger time inclusive, all compared
 * in whole milliseconds (the precision of ledger times). Consent starts at the later of
 * validFrom and the authorization's own ledger time, so a back-dated validFrom proves
 * nothing earlier.
 */
export function authorizationStatus(f: ConsentFacts, q: ConsentQuery): ConsentAnswer {
  const at = Date.parse(q.at)
  if (q.category !== undefined && !f.terms.dataCategories.includes(q.category)) {
    return { status: 'not-covered', reason: `category ${q.category} is not among ${f.terms.dataCategories.join(', ')}` }
  }
  if (q.purpose !== undefined && normalize(q.purpose) !== normalize(f.terms.purpose)) {
    // The authorized purpose is not echoed: unlike categories and dates it cannot be found
    // by probing, and auditors do not read payloads (docs/consent.md).
    return { status: 'not-covered', reason: 'the purpose asked about is not the authorized purpose' }
  }
  const until = Date.parse(f.terms.validUntil)
  const revoked = f.revokedAt === null ? Infinity : Date.parse(f.revokedAt)
  if (at >= until) return { status: 'expired', reason: `valid until ${f.terms.validUntil} (exclusive)` }
  if (at >= revoked) return { status: 'revoked', reason: `revoked on the ledger at ${f.revokedAt}` }
  const start = Math.max(Date.parse(f.terms.validFrom), Date.parse(f.authorizedAt))
  if (at < start) return { status: 'not-yet-valid', reason: `valid from ${new Date(start).toISOString()} (validFrom, or the ledger time of the authorization if later)` }
  return { status: 'active', reason: `valid from ${f.terms.validFrom} until ${f.terms.validUntil}, not revoked at ${q.at}` }
}
