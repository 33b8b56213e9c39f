// An enterprise's application for a financing product.
import { defineKind } from './kind.ts'
import { EXAMPLE_ENTERPRISE, EXAMPLE_USCC } from './example-enterprise.ts'

const example = {
  applicationId: 'APP-2026-000001',
  applicant: { uscc: EXAMPLE_USCC, name: EXAMPLE_ENTERPRISE },
  product: '税易贷',
  amount: { value: '500000.00', currency: 'CNY' },
  termMonths: 12,
  purpose: '采购原材料，补充流动资金',
  submittedAt: '2026-11-28T14:32:05+08:00',
  channel: 'zhenghaorong-app',
  attachments: [
    { name: '营业执照副本.pdf', sha256: 'be2b315e737275b9639bd63a6ca9e67d4ccfc1cb8a71651da43cb574609f9c77', size: 482133 },
    { name: '2026年10月增值税纳税申报表.pdf', sha256: '9d823582fc50472404d3c9aba173f900c500af1cab8c2502435f19a9a98c101c', size: 156204 },
  ],
}

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
  }, { ...strict, examples: [example] }),
})
