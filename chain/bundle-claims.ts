// What the ledger signs about an evidence bundle v2 (docs/formats.md): the claims a court
// cannot check from proofs alone — "these are ALL the entries that refer to this one as of
// checkpoint N", the issue time and the consent status stated at it. Written once here so
// the signer (src/evidence-bundle.ts) and every verifier build the very same bytes.
// Isomorphic: no Node APIs.
import { concatBytes, utf8ToBytes } from './encoding.ts'
import { canonicalBytes } from './jcs.ts'
import { authorizationStatus, type ConsentStatus } from './consent.ts'

/**
 * The domain-separation prefix. A checkpoint note's signed body is "<origin>\n<decimal
 * size>\n<base64 root>\n"; here the second line is canonical JSON starting with "{", never a
 * decimal, so no claims signature can be replayed as a checkpoint signature or back.
 */
export const CLAIMS_CONTEXT = 'evidence-ledger/bundle-claims/v1\n'

/** Names the rule below; a later rule gets a new id, so old bundles keep their meaning. */
export const CONSENT_RULE_ID = 'evidence-ledger/consent-rule/v1'
export const CONSENT_RULE_TEXT =
  '授权自“生效时间”与授权上链时间中较晚者起生效（含），至“失效时间”止（不含）；撤回自撤回记录的上链时间起生效（含）；已过失效时间的授权为已过期，不论是否撤回。' +
  ' Consent starts at the later of validFrom and the authorization\'s ledger time (inclusive) and ends at validUntil (exclusive); a revocation takes effect at its ledger time (inclusive); an expired authorization is expired whether or not it was revoked.'

/** src/consent.ts's statuses, plus 'undetermined' when the terms are not in the bundle (erased or hash-only). */
export type BundleConsentStatus = ConsentStatus | 'undetermined'

export interface BundleConsent {
  /** The moment the status is stated for: the bundle's issuedAt. */
  at: string
  status: BundleConsentStatus
  /** Ledger time of the earliest revocation among the related entries, or null. */
  revokedAt: string | null
  rule: typeof CONSENT_RULE_ID
}

export interface BundleClaims {
  v: 1
  /** The main entry. */
  entry: { index: number; leafHash: string }
  /** The block that holds it: its hash covers the whole header, time included. */
  block: { height: number; hash: string }
  /** The checkpoint every inclusion proof of the bundle leads to (its signed note is in the bundle). */
  checkpoint: { origin: string; size: number; root: string }
  /** Leaf hashes of every entry that refs the main entry within that checkpoint's tree, in log order. */
  related: string[]
  redacted: boolean
  issuedAt: string
  /** Data authorizations only. */
  consent: BundleConsent | null
}

/** The exact bytes the ledger signs: context ‖ RFC 8785 canonical JSON of the claims. */
export function claimsMessage(claims: BundleClaims): Uint8Array {
  return concatBytes(utf8ToBytes(CLAIMS_CONTEXT), canonicalBytes(claims))
}

interface ConsentInputs {
  /** The authorization's own ledger time. */
  authorizedAt: string
  /** The record's terms, when the bundle carries a record whose commitment was proven. */
  terms: { validFrom: string; validUntil: string; dataCategories: readonly string[]; purpose: string } | null
  /** Ledger times of revocations that ref the authorization. */
  revocationTimes: readonly string[]
  at: string
}

/**
 * Consent status at `at` by src/consent.ts's rule. The earliest revocation counts (the
 * ledger refuses a second one). Without the terms only a revocation can be stated.
 */
export function bundleConsent(input: ConsentInputs): BundleConsent {
  const revokedAt = input.revocationTimes.length === 0
    ? null
    : input.revocationTimes.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b))
  const base = { at: input.at, revokedAt, rule: CONSENT_RULE_ID } as const
  if (input.terms === null) {
    const revoked = revokedAt !== null && Date.parse(input.at) >= Date.parse(revokedAt)
    return { ...base, status: revoked ? 'revoked' : 'undetermined' }
  }
  const answer = authorizationStatus({ terms: input.terms, authorizedAt: input.authorizedAt, revokedAt }, { at: input.at })
  return { ...base, status: answer.status }
}

/** The terms src/consent.ts decides on, read defensively from an untrusted record. */
export function termsOf(record: unknown): ConsentInputs['terms'] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null
  const { validFrom, validUntil, purpose, dataCategories } = record as Record<string, unknown>
  if (typeof validFrom !== 'string' || typeof validUntil !== 'string' || typeof purpose !== 'string' || !Array.isArray(dataCategories)) return null
  if (!Number.isFinite(Date.parse(validFrom)) || !Number.isFinite(Date.parse(validUntil))) return null
  return { validFrom, validUntil, purpose, dataCategories: dataCategories.filter((c): c is string => typeof c === 'string') }
}
