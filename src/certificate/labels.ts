// Chinese names for the ledger's English codes. One table per enumeration so a code the
// certificate does not know yet (a later schema) shows as itself rather than disappearing.
import type { ConsentStatus } from '../../chain/consent.ts'
import { STEP_LABELS } from '../../chain/verify.ts'

export const KIND_NAMES: Record<string, string> = {
  'financing-application': '融资申请',
  'data-authorization': '数据授权',
  'authorization-revocation': '授权撤回',
  evidence: '电子证据',
  redaction: '删除记录',
}

export const DATA_CATEGORY_NAMES: Record<string, string> = {
  tax: '税务',
  invoice: '发票',
  'social-security': '社会保险',
  'housing-fund': '住房公积金',
  utilities: '水电气等公用事业',
  customs: '海关',
  'real-estate': '不动产',
  judicial: '司法',
  credit: '征信',
  other: '其他',
}

export const CONSENT_METHOD_NAMES: Record<string, string> = {
  'e-signature': '电子签名',
  'click-wrap': '在线勾选同意',
  'in-person': '线下当面签署',
  'rpa-login': '企业登录授权（自动采集）',
}

export const CONSENT_STATUS_NAMES: Record<ConsentStatus, string> = {
  active: '有效',
  expired: '已过期',
  revoked: '已撤回',
  'not-yet-valid': '尚未生效',
  'not-covered': '不在授权范围内',
}

/** chain/verify.ts step names, in Chinese: the verifier's own labels, so page, CLI and certificate agree. */
export const STEP_NAMES: Record<string, string> = Object.fromEntries(Object.entries(STEP_LABELS).map(([step, label]) => [step, label.zh]))

export const nameOf = (table: Record<string, string>, code: string): string => table[code] ?? code
