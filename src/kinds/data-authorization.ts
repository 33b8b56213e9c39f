// An enterprise's consent that an institution may use categories of its data for a
// purpose, for a period (docs/consent.md).
import { defineKind } from './kind.ts'

export const DATA_CATEGORIES = ['tax', 'invoice', 'social-security', 'housing-fund', 'utilities', 'customs', 'real-estate', 'judicial', 'credit', 'other'] as const
export const CONSENT_METHODS = ['e-signature', 'click-wrap', 'in-person', 'rpa-login'] as const

export const dataAuthorization = defineKind({
  idField: 'authorizationId',
  subject: { party: 'grantor' },
  timeFields: ['validFrom', 'validUntil'],
  labels: {
    kind: '数据授权 Data authorization',
    fields: {
      authorizationId: '授权编号', grantor: '授权方', grantee: '被授权方', dataCategories: '数据类别', purpose: '用途',
      validFrom: '生效时间', validUntil: '失效时间', consentMethod: '授权方式', consentTextSha256: '授权文本哈希',
    },
  },
  schema: ({ Type, strict, BusinessId, Uscc, Text, Rfc3339, Sha256Hex }) => Type.Object({
    authorizationId: BusinessId,
    grantor: Type.Object({ uscc: Uscc, name: Text(200), representative: Type.Optional(Text(100)) }, strict),
    grantee: Type.Object({ institutionCode: Text(64), name: Text(200) }, strict),
    dataCategories: Type.Array(Type.Union(DATA_CATEGORIES.map((c) => Type.Literal(c))), { minItems: 1, maxItems: DATA_CATEGORIES.length, uniqueItems: true }),
    purpose: Text(500),
    validFrom: Rfc3339,
    validUntil: Rfc3339,
    consentMethod: Type.Union(CONSENT_METHODS.map((m) => Type.Literal(m))),
    consentTextSha256: Sha256Hex,
  }, strict),
  rule: (r) => Date.parse(r.validFrom) >= Date.parse(r.validUntil) ? 'record.validUntil: must be after validFrom' : null,
})
