// 存证证明 (docs/certificate.md). The route GET /v1/evidence/:kind/:id/certificate.pdf is meant
// to be: build the bundle, verifyForCertificate(bundle, vkey), certificateFields({ bundle,
// verification, context }), renderCertificatePdf(fields), reply with application/pdf.
import { verifyBundle, type EvidenceBundle } from '../../chain/verify.ts'
import type { CertificateVerification } from './fields.ts'

export { certificateFields, certificateNumber, verifierKeyFingerprint, TIME_SOURCE_NOTE } from './fields.ts'
export type { CertifiableBundle, CertificateContext, CertificateFields, CertificateInput, CertificateVerification } from './fields.ts'
export { renderCertificatePdf } from './pdf.ts'
export { CertificateRefusedError, assertCertifiable } from './refusal.ts'
export { certificateSheet, type Sheet } from './sheet.ts'

/** Verifies the bundle with the ledger's own key, in the shape certificateFields takes. */
export function verifyForCertificate(bundle: EvidenceBundle, vkey: string): CertificateVerification {
  return { vkey, steps: verifyBundle(bundle, vkey) }
}
