// What a certificate shows of the record itself, per kind, with Chinese labels and values
// formatted for people. Records are read defensively: a bundle is untrusted input, and its
// record has already been bound to the statement by the commitment step, not validated.
import { beijingTime, byteSize, money } from './format.ts'
import { CONSENT_METHOD_NAMES, DATA_CATEGORY_NAMES, nameOf } from './labels.ts'

export interface Detail { label: string; value: string }
export interface DocumentHash { name: string; size: string; bytes: number; sha256: string }
export interface Enterprise { name: string | null; uscc: string }

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v)
const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
const time = (v: unknown): string | null => {
  const s = text(v)
  return s !== null && Number.isFinite(Date.parse(s)) ? beijingTime(s) : null
}

/** Rows whose value is missing are dropped: a certificate states what the record says, nothing invented. */
function rows(...pairs: [string, string | null][]): Detail[] {
  return pairs.filter((p): p is [string, string] => p[1] !== null).map(([label, value]) => ({ label, value }))
}

export function recordDetails(kind: string, record: unknown): Detail[] {
  if (!isObj(record)) return []
  switch (kind) {
    case 'financing-application': {
      const amount = at(record, 'amount')
      const months = at(record, 'termMonths')
      return rows(
        ['融资产品', text(record.product)],
        ['申请金额', isObj(amount) && typeof amount.value === 'string' && typeof amount.currency === 'string' ? money({ value: amount.value, currency: amount.currency }) : null],
        ['期限', typeof months === 'number' ? `${months} 个月` : null],
        ['资金用途', text(record.purpose)],
        ['申请时间（申请人申报）', time(record.submittedAt)],
        ['申请渠道', text(record.channel)],
      )
    }
    case 'data-authorization': {
      const grantee = text(at(record, 'grantee', 'name'))
      const code = text(at(record, 'grantee', 'institutionCode'))
      const categories = Array.isArray(record.dataCategories) ? record.dataCategories.filter((c): c is string => typeof c === 'string') : []
      const method = text(record.consentMethod)
      return rows(
        ['被授权方', grantee === null ? null : code === null ? grantee : `${grantee}（机构编码 ${code}）`],
        ['授权代表', text(at(record, 'grantor', 'representative'))],
        ['数据类别', categories.length === 0 ? null : categories.map((c) => nameOf(DATA_CATEGORY_NAMES, c)).join('、')],
        ['授权用途', text(record.purpose)],
        ['生效时间', time(record.validFrom)],
        ['失效时间（不含）', time(record.validUntil)],
        ['授权方式', method === null ? null : nameOf(CONSENT_METHOD_NAMES, method)],
        ['授权文本 SHA-256', text(record.consentTextSha256)],
      )
    }
    case 'authorization-revocation':
      return rows(
        ['被撤回的授权编号', text(record.authorizationId)],
        ['撤回时间（申报）', time(record.revokedAt)],
        ['撤回原因', text(record.reason)],
      )
    case 'evidence':
      return rows(['证据名称', text(record.title)])
    default:
      return []
  }
}

/** Evidence `documents` and financing `attachments`: name, size and SHA-256 of each file. */
export function documentHashes(record: unknown): DocumentHash[] {
  if (!isObj(record)) return []
  const list = [record.documents, record.attachments].find(Array.isArray) ?? []
  return list.filter(isObj).flatMap((d) => {
    const name = text(d.name)
    const sha = text(d.sha256)
    if (name === null || sha === null || typeof d.size !== 'number') return []
    return [{ name, size: byteSize(d.size), bytes: d.size, sha256: sha }]
  })
}

/** The enterprise the entry is about: name and USCC from the record, else the statement's subject. */
export function enterpriseOf(kind: string, record: unknown, subject: string): Enterprise {
  const party = kind === 'financing-application' ? at(record, 'applicant') : kind === 'data-authorization' ? at(record, 'grantor') : undefined
  return { name: text(at(party, 'name')), uscc: text(at(party, 'uscc')) ?? text(at(record, 'subject')) ?? subject }
}

/** The terms src/consent.ts decides on, when the record is present. */
export function authorizationTerms(record: unknown): { validFrom: string; validUntil: string; dataCategories: string[]; purpose: string } | null {
  if (!isObj(record)) return null
  const { validFrom, validUntil, purpose, dataCategories } = record
  if (typeof validFrom !== 'string' || typeof validUntil !== 'string' || typeof purpose !== 'string' || !Array.isArray(dataCategories)) return null
  return { validFrom, validUntil, purpose, dataCategories: dataCategories.filter((c): c is string => typeof c === 'string') }
}
