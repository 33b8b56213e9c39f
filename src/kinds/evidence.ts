// Documents (by hash) kept as evidence about an enterprise: contracts, notices, records.
import { defineKind } from './kind.ts'

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
  }, strict),
})
