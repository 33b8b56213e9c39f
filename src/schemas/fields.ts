// Field schemas (docs/formats.md) that record kinds and routes are built from. Strict:
// every string and array bounded, every object closed.
import { Type } from '@sinclair/typebox'
import { CLIENT_KINDS, KINDS } from '../../chain/statement.ts'

export const strict = { additionalProperties: false } as const

export const Uscc = Type.String({
  pattern: '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$',
  description: 'Unified Social Credit Code (GB 32100-2015), check character verified',
  examples: ['91350100M000100Y43'],
})
export const BusinessId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$',
  description: 'Client business id, unique per submitter and kind: letters, digits, . _ : -',
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
  examples: ['AUTH-2026-000123', 'evidence:EV-2026-0042'],
})
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })
export const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lowercase hex' })
export const Rfc3339 = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$',
  description: 'RFC 3339 date-time',
  examples: ['2026-11-23T10:00:00.000Z'],
})
export const Commitment = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })
export const Decimal = Type.String({ pattern: '^(0|[1-9][0-9]{0,15})(\\.[0-9]{1,4})?$', description: 'decimal string, e.g. "500000.00"' })
export const Document = Type.Object({
  name: Text(200),
  sha256: Sha256Hex,
  size: Type.Integer({ minimum: 0, maximum: 2 ** 40 }),
}, strict)

export const ClientKindSchema = Type.Union(CLIENT_KINDS.map((k) => Type.Literal(k)))
export const KindSchema = Type.Union(KINDS.map((k) => Type.Literal(k)))

/**
 * What a record kind's schema is built from (src/kinds/). The kinds receive it instead of
 * importing TypeBox, so the /verify page can import them without bundling TypeBox.
 */
export const schemaKit = { Type, strict, Uscc, BusinessId, Text, Sha256Hex, Rfc3339, Decimal, Document }
export type SchemaKit = typeof schemaKit
