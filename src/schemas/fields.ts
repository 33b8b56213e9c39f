// Field schemas (docs/formats.md) that record kinds and routes are built from. Strict:
// every string and array bounded, every object closed. Every pattern carries `x-expected`,
// the words a refusal uses for what a valid value looks like (plugins/validation-problems.ts),
// and `examples` that OpenAPI shows and test/http/openapi-examples.test.ts sends.
import { Type, type TSchema } from '@sinclair/typebox'
import { CLIENT_KINDS, KINDS } from '../../chain/statement.ts'
import { EXPECTED } from '../../plugins/validation-problems.ts'
import { EXAMPLE_USCC } from '../kinds/example-enterprise.ts'

export const strict = { additionalProperties: false } as const

export const Uscc = Type.String({
  pattern: '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$',
  description: 'Unified Social Credit Code (GB 32100-2015), check character verified',
  [EXPECTED]: `a Unified Social Credit Code: 18 characters of 0-9 and A-Z without I, O, S, V, Z, like ${EXAMPLE_USCC}`,
  examples: [EXAMPLE_USCC],
})
export const BusinessId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
  description: 'Client business id, unique per submitter and kind: letters, digits, . _ : -',
  [EXPECTED]: 'a business id: 1 to 128 of A-Z a-z 0-9 . _ : - starting with a letter or digit, like AUTH-2026-000123',
  examples: ['AUTH-2026-000123'],
})
/**
 * An entry's id as the ledger stores it, for read routes: a client business id, or a
 * redaction's `<kind>:<business id>`, which can run past the 128 characters of the
 * longest business id (24-character kind + ":" + 128).
 */
export const EntryId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,152}$',
  description: 'Entry id: a business id, or for a redaction "<kind>:<business id>"',
  [EXPECTED]: 'an entry id: a business id like AUTH-2026-000123, or for a redaction <kind>:<business id>',
  examples: ['AUTH-2026-000123'],
})
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
export const Sha256Hex = Type.String({
  pattern: '^[0-9a-f]{64}$',
  description: 'SHA-256, lowercase hex',
  [EXPECTED]: 'a SHA-256 in 64 lowercase hex digits',
  examples: ['be2b315e737275b9639bd63a6ca9e67d4ccfc1cb8a71651da43cb574609f9c77'],
})
export const Rfc3339 = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$',
  description: 'RFC 3339 date-time with a zone (Z or +08:00)',
  [EXPECTED]: 'an RFC 3339 time with a zone, like 2026-12-01T08:00:00+08:00',
  examples: ['2026-12-01T08:00:00+08:00'],
})
export const Commitment = Type.String({
  pattern: '^sha256:[0-9a-f]{64}$',
  description: 'sha256:<hex of SHA-256(salt ‖ JCS(record))>, computed by the client (hash-only mode)',
  [EXPECTED]: '"sha256:" and 64 lowercase hex digits',
  examples: ['sha256:3f0c9a4e8d1b7c25e6a0f4d9b2c8e1a7f5d3b9c0e2a4f6d8b1c3e5a7f9d0b2c4'],
})
export const Decimal = Type.String({
  pattern: '^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,4})?$',
  description: 'decimal string, e.g. "500000.00"',
  [EXPECTED]: 'a decimal string like "500000.00" (no exponent, no sign, at most 4 decimals)',
  examples: ['500000.00'],
})
/** The same field schema with an example (and description) of its own, for one parameter. */
export function withExample<T extends TSchema>(schema: T, example: unknown, description?: string): T {
  return { ...schema, examples: [example], ...(description ? { description } : {}) }
}

export const Document = Type.Object({
  name: Text(200),
  sha256: Sha256Hex,
  size: Type.Integer({ minimum: 0, maximum: 2 ** 40 }),
}, strict)

export const ClientKindSchema = Type.Union(CLIENT_KINDS.map((k) => Type.Literal(k)), { examples: ['data-authorization'] })
export const KindSchema = Type.Union(KINDS.map((k) => Type.Literal(k)), { examples: ['data-authorization'] })

/**
 * What a record kind's schema is built from (src/kinds/). The kinds receive it instead of
 * importing TypeBox, so the /verify page can import them without bundling TypeBox.
 */
export const schemaKit = { Type, strict, Uscc, BusinessId, Text, Sha256Hex, Rfc3339, Decimal, Document }
export type SchemaKit = typeof schemaKit
