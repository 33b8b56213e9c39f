// Withdraws a data authorization from a moment on; the authorization entry stays.
import { defineKind } from './kind.ts'

// Revokes the data-authorization example (src/kinds/data-authorization.ts).
const example = {
  authorizationId: 'AUTH-2026-000123',
  revokedAt: '2026-12-15T09:30:00+08:00',
  reason: '企业申请撤回授权：贷款已结清，不再需要共享数据',
}

export const authorizationRevocation = defineKind({
  idField: 'authorizationId',
  subject: { amends: 'data-authorization' },
  timeFields: ['revokedAt'],
  labels: {
    kind: '授权撤销 Authorization revocation',
    fields: { authorizationId: '授权编号', revokedAt: '撤销时间', reason: '原因' },
  },
  schema: ({ Type, strict, BusinessId, Text, Rfc3339 }) => Type.Object({
    authorizationId: BusinessId,
    revokedAt: Rfc3339,
    reason: Text(500),
  }, { ...strict, examples: [example] }),
})
