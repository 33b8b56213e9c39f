// An enterprise's consent that an institution may use categories of its data for a
// purpose, for a period (docs/consent.md).
import { defineKind } from './kind.ts'
import { EXAMPLE_ENTERPRISE, EXAMPLE_USCC } from './example-enterprise.ts'

export const DATA_CATEGORIES = ['tax', 'invoice', 'social-security', 'housing-fund', 'utilities', 'customs', 'real-estate', 'judicial', 'credit', 'other'] as const
export const CONSENT_METHODS = ['e-signature', 'click-wrap', 'in-person', 'rpa-login'] as const

const example = {
  authorizationId: 'AUTH-2026-000123',
  grantor: { uscc: EXAMPLE_USCC, name: EXAMPLE_ENTERPRISE, representative: '王建国' },
  grantee: { institutionCode: 'B0000H241010001', name: '中原示范银行股份有限公司郑州分行' },
  dataCategories: ['tax', 'invoice', 'social-security'],
  purpose: '贷前审查及授信审批',
  validFrom: '2026-11-28T00:00:00+08:00',
  validUntil: '2027-11-27T23:59:59+08:00',
  consentMethod: 'e-signature',
  consentTextSha256: '126ac9b4c93f49732508399b0c61be26400d99abcc0ebe3a95b409e55e07387c',
}

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
  }, { ...strict, examples: [example] }),
  rule: (r) => Date.parse(r.validFrom) >= Date.parse(r.validUntil) ? { field: 'validUntil', detail: `must be after validFrom (${r.validFrom})` } : null,
})
