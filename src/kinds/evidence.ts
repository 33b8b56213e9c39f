// Documents (by hash) kept as evidence about an enterprise: contracts, notices, records.
import { defineKind } from './kind.ts'
import { EXAMPLE_USCC } from './example-enterprise.ts'

const example = {
  evidenceId: 'EV-2026-000042',
  subject: EXAMPLE_USCC,
  title: '借款合同及放款凭证',
  documents: [
    { name: '借款合同-APP-2026-000001.pdf', sha256: '16b06da2c6f07edd940cf8342a6469a6e7d6fdde25c89efe11805e201cc95d18', size: 1048576 },
    { name: '放款凭证.pdf', sha256: '6d1016e196e3a172b332dc79833e368eef3a49066ec6cc2ab3dd8eb20e4c60d0', size: 203117 },
  ],
}

export const evidence = defineKind({
  idField: 'evidenceId',
  subject: { field: 'subject' },
  timeFields: [],
  labels: {
    kind: '证据 Evidence',
    fields: { evidenceId: '证据编号', subject: '主体', title: '标题', documents: '文件' },
  },
  schema: ({ Type, strict, BusinessId, Uscc, Text, Document }) => Type.Object({
    evidenceId: BusinessId,
    subject: Uscc,
    title: Text(200),
    documents: Type.Array(Document, { minItems: 1, maxItems: 100 }),
  }, { ...strict, examples: [example] }),
})
