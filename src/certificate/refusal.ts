// A certificate is never produced for a failed verification: a court document must not
// certify a failure, and a stale "passed" must not outlive the result it came from.
import type { StepResult } from '../../chain/verify.ts'

export class CertificateRefusedError extends Error {
  override name = 'CertificateRefusedError'
}

/**
 * The steps whose proof the certificate rests on. "Not applicable" is not enough for these:
 * a certificate without a proven leaf, inclusion, signed checkpoint and block says nothing.
 */
const MUST_PASS = ['leaf', 'inclusion', 'checkpoint', 'block'] as const

/** Throws unless every step passed or was not applicable, and the core steps all passed. */
export function assertCertifiable(steps: readonly StepResult[]): void {
  if (!Array.isArray(steps) || steps.length === 0) throw new CertificateRefusedError('no verification result: a certificate needs a passed verification')
  const failed = steps.filter((s) => s.ok !== true && s.ok !== null)
  if (failed.length > 0) {
    throw new CertificateRefusedError(`verification failed at ${failed.map((s) => s.step).join(', ')}: no certificate is issued for a failed verification`)
  }
  const missing = MUST_PASS.filter((name) => !steps.some((s) => s.step === name && s.ok === true))
  if (missing.length > 0) throw new CertificateRefusedError(`verification did not prove ${missing.join(', ')}: no certificate is issued`)
}
