// Withdraws a data authorization from a moment on; the authorization entry stays.
import { defineKind } from './kind.ts'

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
  }, strict),
})
