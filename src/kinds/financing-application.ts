// An enterprise's application for a financing product.
import { defineKind } from './kind.ts'

export const financingApplication = defineKind({
  idField: 'applicationId',
  subject: { party: 'applicant' },
  timeFields: ['submittedAt'],
  labels: {
    kind: '融资申请 Financing application',
    fields: {
      applicationId: '申请编号', applicant: '申请人', product: '产品', amount: '金额', termMonths: '期限(月)',
      purpose: '用途', submittedAt: '提交时间', channel: '渠道', attachments: '附件',
    },
  },
  schema: ({ Type, strict, BusinessId, Uscc, Text, Decimal, Rfc3339, Document }) => Type.Object({
    applicationId: BusinessId,
    applicant: Type.Object({ uscc: Uscc, name: Text(200) }, strict),
    product: Text(100),
    amount: Type.Object({ value: Decimal, currency: Type.Literal('CNY') }, strict),
    termMonths: Type.Integer({ minimum: 1, maximum: 600 }),
    purpose: Text(500),
    submittedAt: Rfc3339,
    channel: Text(50),
    attachments: Type.Array(Document, { maxItems: 50 }),
  }, strict),
})
