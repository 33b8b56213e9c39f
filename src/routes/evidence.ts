import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemError } from '../../plugins/problems.ts'
import { buildBundle } from '../evidence-bundle.ts'
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
      summary: 'Evidence bundle v2 (docs/formats.md): verify offline with `evidence-ledger verify` or the /verify page',
      tags: ['evidence'],
      security: [{ bearer: [] }],
      params: EntryParams,
      querystring: SubmitterQuery,
      response: { 200: EvidenceBundleSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    const notFound = () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const bundle = await buildBundle(app.ledger, kind, id, addressedOwner(request.principal!, request.query.submitter, notFound))
    if (!bundle) throw notFound()
    reply.header('content-disposition', `attachment; filename="evidence-${kind}-${fileSafe(id)}.json"`)
    return bundle
  })

  app.get('/v1/evidence/:kind/:id/certificate.pdf', {
    config: { roles: EVIDENCE_ROLES },
    schema: {
      summary: '存证证明 (docs/certificate.md): a PDF stating what the bundle v2 proves, generated only after it verified with the current key',
      tags: ['evidence'],
      security: [{ bearer: [] }],
      params: EntryParams,
      querystring: SubmitterQuery,
      response: { 200: textResponse('application/pdf', 'A4 PDF, Noto Sans SC embedded'), ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    const notFound = () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    const bundle = await buildBundle(app.ledger, kind, id, addressedOwner(request.principal!, request.query.submitter, notFound))
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
