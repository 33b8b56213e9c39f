// The data model of a 存证证明 (docs/certificate.md): everything the certificate states,
// computed from an evidence bundle, the result of verifying it, and who issues it when.
// Rendering (pdf.ts) only lays these fields out; it decides nothing.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, hexToBytes, isHash, utf8ToBytes } from '../../chain/encoding.ts'
import { parseCheckpointNote, parseVkey } from '../../chain/note.ts'
import type { Statement } from '../../chain/statement.ts'
import type { StepResult } from '../../chain/verify.ts'
import { blockHash, type BlockHeader } from '../../chain/block.ts'
import { consentSection, type ConsentSection } from './consent-status.ts'
import { beijingDateCompact, beijingTime } from './format.ts'
import { KIND_NAMES, nameOf } from './labels.ts'
import { authorizationTerms, documentHashes, enterpriseOf, recordDetails, type Detail, type DocumentHash, type Enterprise } from './record-details.ts'
import { assertCertifiable } from './refusal.ts'

/**
 * What the certificate reads from a bundle. Structural, so bundle formats that add fields
 * (v2: proven related entries, signed claims) certify through the same code.
 */
export interface CertifiableBundle {
  statement: Statement
  record: unknown
  redacted: boolean
  entry: { index: number; leafHash: string }
  inclusion: { treeSize: number }
  checkpoint: string
  block: BlockHeader
  /** v1: the statements; v2: proven entries that carry their statement. */
  related: readonly (RelatedStatement | { statement: RelatedStatement })[]
}

type RelatedStatement = Pick<Statement, 'kind' | 'id' | 'time'>

const relatedStatement = (r: RelatedStatement | { statement: RelatedStatement }): RelatedStatement => ('statement' in r ? r.statement : r)

/** The verification the certificate rests on: the key trusted and chain/verify.ts's steps for this bundle. */
export interface CertificateVerification {
  vkey: string
  steps: readonly StepResult[]
}

export interface CertificateContext {
  /** Public base URL of the ledger, e.g. https://ledger.example (no trailing slash needed). */
  baseUrl: string
  /** Who issues the certificate: the operator and its area (configurable per deployment). */
  issuer: { operator: string; area: string }
  issuedAt: Date | string
}

export interface CertificateInput {
  bundle: CertifiableBundle
  verification: CertificateVerification
  context: CertificateContext
}

export interface HowToVerify {
  keysUrl: string
  pageUrl: string
  publicUrl: string
  cli: string
  /** Plain-words steps in Chinese, each with the command or address to use, if any, on its own. */
  steps: { text: string; code: string | null }[]
}

export interface CertificateFields {
  number: string
  issuedAt: string
  issuedAtIso: string
  kind: string
  kindName: string
  businessId: string
  enterprise: Enterprise
  submitter: string
  ledgerTime: string
  ledgerTimeIso: string
  /** The record was erased (right to erasure): its content is gone, its commitment stays. */
  redacted: boolean
  details: Detail[]
  /** Data authorizations only. */
  consent: ConsentSection | null
  commitment: string
  documents: DocumentHash[]
  leafHash: string
  entryIndex: number
  blockHeight: number
  blockHash: string
  treeSize: number
  checkpoint: { origin: string; size: number; keyId: string }
  verifierKeyFingerprint: string
  howToVerify: HowToVerify
  issuer: { operator: string; area: string }
  timeSourceNote: string
  /** What the QR code holds: the public verification page of this entry. */
  qrPayload: string
  verification: { steps: readonly StepResult[] }
}

export const TIME_SOURCE_NOTE =
  '账本时间取自运营方服务器时钟，目前未经第三方可信时间源证明（独立时间证明将随见证功能提供）。'

/**
 * Refuses (CertificateRefusedError) unless the verification passed, so no fields exist
 * for a failed one; renderCertificatePdf checks again on what it is given.
 */
export function certificateFields(input: CertificateInput): CertificateFields {
  const { bundle, verification, context } = input
  assertCertifiable(verification.steps)
  const s = bundle.statement
  const issuedAtIso = new Date(context.issuedAt).toISOString()
  const base = normalizeBaseUrl(context.baseUrl)
  const key = parseVkey(verification.vkey)
  const checkpoint = parseCheckpointNote(bundle.checkpoint).checkpoint
  const leafHash = bundle.entry.leafHash
  const urls = { keysUrl: `${base}/v1/keys`, pageUrl: `${base}/verify`, publicUrl: `${base}/v/${leafHash}` }
  const fingerprint = verifierKeyFingerprint(verification.vkey)
  const record = bundle.redacted ? null : bundle.record
  return {
    number: certificateNumber(leafHash, issuedAtIso),
    issuedAt: beijingTime(issuedAtIso),
    issuedAtIso,
    kind: s.kind,
    kindName: nameOf(KIND_NAMES, s.kind),
    businessId: s.id,
    enterprise: enterpriseOf(s.kind, record, s.subject),
    submitter: s.submitter,
    ledgerTime: beijingTime(s.time),
    ledgerTimeIso: s.time,
    redacted: bundle.redacted,
    details: recordDetails(s.kind, record),
    consent: s.kind === 'data-authorization'
      ? consentSection({ authorizedAt: s.time, terms: authorizationTerms(record), related: bundle.related.map(relatedStatement), at: issuedAtIso })
      : null,
    commitment: s.commitment,
    documents: documentHashes(record),
    leafHash,
    entryIndex: bundle.entry.index,
    blockHeight: bundle.block.height,
    blockHash: blockHash(bundle.block),
    treeSize: bundle.inclusion.treeSize,
    checkpoint: { origin: checkpoint.origin, size: checkpoint.size, keyId: `${key.name}+${bytesToHex(key.keyId)}` },
    verifierKeyFingerprint: fingerprint,
    howToVerify: { ...urls, cli: cliCommand(s.kind, s.id), steps: howToVerifySteps(urls, fingerprint, cliCommand(s.kind, s.id)) },
    issuer: { operator: context.issuer.operator, area: context.issuer.area },
    timeSourceNote: TIME_SOURCE_NOTE,
    qrPayload: urls.publicUrl,
    verification: { steps: verification.steps.map((step) => ({ ...step })) },
  }
}

/**
 * EL-<yyyymmdd>-<12 hex>: the Beijing date of issue, then the first 12 hex digits of
 * SHA-256(leaf hash as 32 bytes ‖ issue time as RFC 3339 UTC text with milliseconds).
 * Deterministic, so anyone holding the certificate can recompute it; distinct per entry
 * and issue time, so two certificates of one entry never share a number.
 */
export function certificateNumber(leafHash: string, issuedAtIso: string): string {
  if (!isHash(leafHash)) throw new RangeError('leaf hash must be 64 lowercase hex digits')
  const digest = sha256(concatBytes(hexToBytes(leafHash), utf8ToBytes(issuedAtIso)))
  return `EL-${beijingDateCompact(issuedAtIso)}-${bytesToHex(digest).slice(0, 12)}`
}

/**
 * SHA256:<hex> of the verifier key text as published at /v1/keys (trimmed). A court compares
 * it with `printf %s "$(cat ledger.vkey)" | sha256sum` without trusting this document.
 */
export function verifierKeyFingerprint(vkey: string): string {
  return `SHA256:${bytesToHex(sha256(utf8ToBytes(vkey.trim())))}`
}

function normalizeBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl) // throws on a malformed base URL: better no certificate than a dead link
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError('baseUrl must be an http(s) URL')
  return url.href.replace(/\/+$/, '')
}

/** The bundle's file name as GET /v1/evidence/:kind/:id names it in content-disposition. */
function cliCommand(kind: string, id: string): string {
  return `npx evidence-ledger verify evidence-${kind}-${id.replace(/[^A-Za-z0-9._-]/g, '_')}.json --key ledger.vkey`
}

function howToVerifySteps(urls: { keysUrl: string; pageUrl: string; publicUrl: string }, fingerprint: string, cli: string): HowToVerify['steps'] {
  return [
    { text: `取得账本验证公钥：从下列地址下载公钥（vkey），保存为 ledger.vkey，核对其 SHA-256 指纹为 ${fingerprint}：`, code: urls.keysUrl },
    { text: '命令行核验：在证据包文件所在目录运行下列命令，各步骤均为 PASS 且最后一行为 VERIFIED 即核验通过：', code: cli },
    { text: '网页核验：用浏览器打开下列地址，填入公钥并选择证据包文件，页面逐项显示核验结果：', code: urls.pageUrl },
    { text: '扫码核验：二维码指向下列地址，无需登录即可查看本条目的陈述及其对当前签名检查点的包含证明，页面不含个人信息：', code: urls.publicUrl },
  ]
}
