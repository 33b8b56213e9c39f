import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { buildBundle } from '../evidence-bundle.ts'
import { witnessedMember } from '../witnessed-member.ts'
import type { Config } from '../config.ts'
import { EntryParams, SubmitterQuery } from '../schemas/params.ts'
import { EvidenceBundleSchema, problemResponses, textResponse } from '../schemas/responses.ts'
import { EVIDENCE_ROLES, addressedOwner } from './roles.ts'

const fileSafe = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '_')

// The PDF stack (pdf-lib, fontkit, HarfBuzz, qrcode) was ~70 MB of every serving process's
// memory from the start: it is loaded by the first certificate request instead.
let certificateModule: Promise<typeof import('../certificate/index.ts')> | undefined
const certificate = () => (certificateModule ??= import('../certificate/index.ts'))

const evidenceRoutes: FastifyPluginAsyncTypebox<{ certificate: Config['certificate'] }> = async (app, opts) => {
  app.get('/v1/evidence/:kind/:id', {
    config: { roles: EVIDENCE_ROLES },
    schema: {
      summary: 'Evidence bundle v2 of one record: verify offline with `evidence-ledger verify` or the /verify page',
      description: 'Roles court, admin. One JSON file that proves the record on its own: the statement, the record and salt (unless hash-only or erased), the inclusion proof, the block and its checkpoint, a consistency proof to the newest checkpoint, related entries (its revocation, its redaction) and, for a data authorization, its consent status now. Signed claims; verify it trusting only the ledger\'s public key (GET /v1/keys). `?submitter=` names whose record.',
      tags: ['evidence'],
      security: [{ bearer: [] }],
      params: EntryParams,
      querystring: SubmitterQuery,
      response: { 200: EvidenceBundleSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    const notFound = () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const bundle = await buildBundle(app.ledger, kind, id, addressedOwner(request.principal!, request.query.submitter, notFound), { timestamps: app.timestamps })
    if (!bundle) throw notFound()
    reply.header('content-disposition', `attachment; filename="evidence-${kind}-${fileSafe(id)}.json"`)
    // With a witness policy, the witnesses' word travels with the bundle (docs/evidence.md).
    return app.witnessing ? { ...bundle, witnessed: await witnessedMember(app.ledger.log, app.witnessing, bundle) } : bundle
  })

  app.get('/v1/evidence/:kind/:id/certificate.pdf', {
    config: { roles: EVIDENCE_ROLES },
    schema: {
      summary: '存证证明: a PDF certificate of what the evidence bundle proves',
      description: 'Roles court, admin. An A4 PDF (Chinese, Noto Sans SC embedded) stating what the record\'s evidence bundle v2 proves, with a QR code to its public page /v/{leafHash}. Issued only after the service verified the bundle with its current key; never a partial verification (docs/certificate.md).',
      tags: ['evidence'],
      security: [{ bearer: [] }],
      params: EntryParams,
      querystring: SubmitterQuery,
      response: { 200: textResponse('application/pdf', 'A4 PDF, Noto Sans SC embedded'), ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    const notFound = () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const bundle = await buildBundle(app.ledger, kind, id, addressedOwner(request.principal!, request.query.submitter, notFound), { timestamps: app.timestamps })
    if (!bundle) throw notFound()
    // The service verifies its own bundle before certifying it: certificateFields refuses
    // (CertificateRefusedError, a 500) rather than print a failed or partial verification.
    const { certificateFields, renderCertificatePdf, verifyForCertificate } = await certificate()
    const verification = verifyForCertificate(bundle, app.checkpointKeys.signer.vkey)
    const fields = certificateFields({
      bundle, verification,
      context: { baseUrl: opts.certificate.baseUrl, issuer: { operator: opts.certificate.operator, area: opts.certificate.area }, issuedAt: bundle.issuedAt },
    })
    reply.type('application/pdf').header('content-disposition', `attachment; filename="certificate-${kind}-${fileSafe(id)}.pdf"`)
    return Buffer.from(await renderCertificatePdf(fields))
  })
}

export default evidenceRoutes
