// Response shapes (docs/formats.md). Declared so Fastify serializes them fast and
// OpenAPI documents them.
import { Type } from '@sinclair/typebox'
import { BUNDLE_FORMAT } from '../../chain/verify.ts'

const Hex = Type.String({ pattern: '^[0-9a-f]*$' })
const strict = { additionalProperties: false } as const

export const StatementSchema = Type.Object({
  v: Type.Literal(1),
  kind: Type.String(),
  id: Type.String(),
  subject: Type.String(),
  commitment: Type.String(),
  submitter: Type.String(),
  time: Type.String(),
  refs: Type.Array(Hex),
}, strict)

/**
 * A statement in its canonical (RFC 8785) key order, as evidence bundles carry it: the
 * serializer writes keys in schema order, and receipts use the documented v-first order.
 */
export const CanonicalStatementSchema = Type.Object(
  Object.fromEntries(Object.entries(StatementSchema.properties).sort(([a], [b]) => (a < b ? -1 : 1))) as typeof StatementSchema.properties,
  strict,
)

export const ReceiptSchema = Type.Object({
  entry: Type.Object({ index: Type.Integer(), leafHash: Hex }, strict),
  statement: StatementSchema,
  block: Type.Object({ height: Type.Integer(), hash: Hex }, strict),
  checkpoint: Type.String({ description: 'C2SP signed note of the block that holds the entry' }),
  inclusion: Type.Object({ treeSize: Type.Integer(), hashes: Type.Array(Hex) }, strict),
}, { ...strict, description: 'Verifies offline: statement → leaf → inclusion → checkpoint signature' })

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
}, { additionalProperties: true, description: 'RFC 9457 problem details' })

export const BlockHeaderSchema = Type.Object({
  height: Type.Integer(), prev: Hex, first: Type.Integer(), count: Type.Integer(),
  size: Type.Integer(), root: Hex, time: Type.String(),
}, strict)

const EntryRef = Type.Object({ index: Type.Integer(), leafHash: Hex }, strict)
const InclusionSchema = Type.Object({ treeSize: Type.Integer(), hashes: Type.Array(Hex) }, strict)

export const EvidenceBundleSchema = Type.Object({
  format: Type.Literal(BUNDLE_FORMAT),
  statement: CanonicalStatementSchema,
  record: Type.Unknown({ description: 'the record as notarized; null if hash-only or erased' }),
  salt: Type.Union([Type.String(), Type.Null()]),
  redacted: Type.Boolean(),
  entry: EntryRef,
  inclusion: InclusionSchema,
  checkpoint: Type.String({ description: 'the newest signed checkpoint at issue time; every inclusion proof leads to it' }),
  block: BlockHeaderSchema,
  blockProof: Type.Object({ checkpoint: Type.String(), consistency: Type.Array(Hex) }, strict),
  related: Type.Array(Type.Object({
    statement: CanonicalStatementSchema,
    entry: EntryRef,
    inclusion: InclusionSchema,
    record: Type.Unknown(),
    salt: Type.Union([Type.String(), Type.Null()]),
  }, strict)),
  consent: Type.Union([Type.Object({
    at: Type.String(),
    status: Type.String(),
    revokedAt: Type.Union([Type.String(), Type.Null()]),
    rule: Type.String(),
  }, strict), Type.Null()]),
  issuedAt: Type.String(),
  claimsSignature: Type.Object({ keyId: Type.String(), signature: Type.String() }, strict),
  timestamp: Type.Optional(Type.Object({
    checkpoint: Type.String({ description: 'the signed checkpoint the RFC 3161 token dates (its tree holds the entry)' }),
    token: Type.String({ description: 'base64 DER TimeStampToken over SHA-256 of that checkpoint\'s signed body' }),
    inclusion: InclusionSchema,
    consistency: Type.Array(Hex, { description: 'from that checkpoint to `checkpoint`' }),
  }, { ...strict, description: 'with TSA_URL: a third-party time for the entry (docs/timestamps.md)' })),
  witnessed: Type.Optional(Type.Union([
    Type.Object({ proof: Type.String({ description: 'c2sp.org/tlog-proof@v1 against the newest checkpoint that met the witness quorum' }), consistency: Type.Optional(Type.Array(Hex)) }, strict),
    Type.Object({ proof: Type.Null(), reason: Type.String() }, strict),
  ], { description: 'only with WITNESS_POLICY (docs/witness.md)' })),
}, { ...strict, description: 'Bundle v2 (docs/formats.md). Verifies offline with `evidence-ledger verify` or the /verify page' })

export const JwkSchema = Type.Record(Type.String(), Type.String())

/** A 200 that is not JSON: documented by media type, sent as the handler's text or stream. */
export const textResponse = (mediaType: string, description: string) =>
  ({ description, content: { [mediaType]: { schema: { type: 'string' } } } })

// Keyed by media type so that OpenAPI says application/problem+json and Fastify picks
// this serializer for the problem replies plugins/errors.ts sends.
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } })

export const problemResponses = {
  400: problem('validation or malformed-json: bad input, nothing was written'),
  401: problem('unauthorized: missing, expired or invalid bearer token'),
  403: problem('forbidden: the token lacks the role'),
  404: problem('not-found'),
  409: problem('conflict'),
  429: problem('rate-limited: per-subject limit reached'),
  503: problem('unavailable: shutting down'),
} as const

/** Routes with a JSON body can also refuse the body itself. */
export const bodyProblemResponses = {
  ...problemResponses,
  413: problem('payload-too-large: body over BODY_LIMIT'),
  415: problem('unsupported-media-type: send application/json'),
} as const
