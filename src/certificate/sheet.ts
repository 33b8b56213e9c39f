// The certificate as labelled text, in reading order: what the PDF (and later the print
// view) lays out. Labels are Chinese first, English second, as a court reads them.
import type { CertificateFields } from './fields.ts'
import { STEP_NAMES, nameOf } from './labels.ts'

export interface Row { label: string; value: string; alert?: boolean }
export type Block =
  | { type: 'rows'; title: string; rows: Row[] }
  | { type: 'table'; title: string; columns: string[]; rows: string[][] }
  | { type: 'steps'; title: string; items: { text: string; code: string | null }[] }

export interface Banner { title: string; text: string }

export interface Sheet {
  title: string
  subtitle: string
  meta: Row[]
  /** A state the reader must see before anything else (revoked, expired, erased). */
  banner: Banner | null
  blocks: Block[]
  footer: string[]
}

// assertCertifiable lets only passed and not-applicable steps through; these say why n/a.
const NOT_APPLICABLE: Record<string, string> = {
  commitment: '不适用（记录已删除或仅存哈希，账本上的承诺值不变）',
  related: '无（没有后续条目指向本条目）',
  redaction: '无删除记录',
  consent: '不适用（非数据授权）',
}

export function certificateSheet(f: CertificateFields): Sheet {
  const blocks: Block[] = [
    {
      type: 'rows', title: '存证信息 Entry', rows: [
        { label: '存证类型', value: f.kindName },
        { label: '业务编号', value: f.businessId },
        { label: '企业名称', value: f.enterprise.name ?? '（记录未载明）' },
        { label: '统一社会信用代码', value: f.enterprise.uscc },
        { label: '提交方', value: f.submitter },
        { label: '上链时间（账本时间）', value: f.ledgerTime },
        ...f.details,
        ...(f.redacted ? [{ label: '记录内容', value: '已依申请删除（个人信息删除权），承诺值仍保留在账本上', alert: true }] : []),
      ],
    },
  ]
  if (f.consent) {
    const c = f.consent
    blocks.push({
      type: 'rows', title: '授权状态 Consent status', rows: [
        { label: '授权状态', value: `${c.statusName}（判定时点 ${c.at}）`, alert: c.status !== 'active' },
        ...(c.revokedAt ? [{ label: '撤回时间', value: `${c.revokedAt}（撤回记录的上链时间）`, alert: true }] : []),
        { label: '判定依据', value: c.reason },
        { label: '判定规则', value: c.rule },
      ],
    })
  }
  if (f.documents.length > 0) {
    blocks.push({
      type: 'table', title: '文件哈希 Documents', columns: ['文件名', '大小', 'SHA-256'],
      rows: f.documents.map((d) => [d.name, d.size, d.sha256]),
    })
  }
  blocks.push({
    type: 'rows', title: '账本证明 Ledger proof', rows: [
      { label: '记录承诺值', value: f.commitment },
      { label: '叶哈希', value: f.leafHash },
      { label: '条目序号', value: String(f.entryIndex) },
      { label: '区块高度', value: String(f.blockHeight) },
      { label: '区块哈希', value: f.blockHash },
      { label: '树大小', value: String(f.treeSize) },
      { label: '检查点来源', value: f.checkpoint.origin },
      { label: '签名密钥 ID', value: f.checkpoint.keyId },
      { label: '验证公钥指纹', value: f.verifierKeyFingerprint },
    ],
  })
  blocks.push({
    type: 'rows', title: '核验结果 Verification', rows: f.verification.steps.map((s) => ({
      label: nameOf(STEP_NAMES, s.step),
      value: s.ok === true ? '通过' : NOT_APPLICABLE[s.step] ?? '不适用',
    })),
  })
  blocks.push({ type: 'steps', title: '核验方法 How to verify', items: f.howToVerify.steps.map((s, i) => ({ text: `${i + 1}. ${s.text}`, code: s.code })) })
  return {
    title: '存证证明',
    subtitle: 'Evidence Certificate',
    meta: [
      { label: '证明编号', value: f.number },
      { label: '出具时间', value: f.issuedAt },
    ],
    banner: banner(f),
    blocks,
    footer: [
      `出具方：${f.issuer.operator}（${f.issuer.area}）`,
      `时间来源：${f.timeSourceNote}`,
    ],
  }
}

function banner(f: CertificateFields): Banner | null {
  const c = f.consent
  if (c?.status === 'revoked') return { title: '已撤回 REVOKED', text: `本数据授权已于 ${c.revokedAt} 撤回，自该时刻起不再有效。` }
  if (c?.status === 'expired') return { title: '已过期 EXPIRED', text: `本数据授权已于 ${c.validUntil} 失效。` }
  if (c?.status === 'not-yet-valid') return { title: '尚未生效 NOT YET VALID', text: c.reason }
  if (f.redacted) return { title: '记录已删除 ERASED', text: '记录内容已依申请删除，本证明仅证明其承诺值在账本上。' }
  return null
}
