// The /verify page: runs chain/verify.ts (the very file the server and CLI use) in the
// browser. Bundled with esbuild and inlined, so a saved copy works offline.
//
// What a court reads first is the state a decision turns on (revoked, expired, erased),
// then the verdict, then the record formatted for people (src/certificate's labels and
// formats, so the page and the PDF say the same thing), then each step. The print button
// exists only while the result on screen passed, and the printout is rebuilt from that
// result at the moment of printing: a failed or stale result can never be printed.
import QRCode from 'qrcode'
import {
  STEP_LABELS, allPassed, isBundle, relatedStatements, verifyBundle, verifyReceipt,
  type EvidenceBundle, type Receipt, type StepResult,
} from '../chain/verify.ts'
import { isStatement } from '../chain/statement.ts'
import { parsePolicy, type Policy } from '../chain/policy.ts'
import type { WitnessStep } from '../chain/witnessed-checkpoint.ts'
import { WITNESS_STEP_LABELS, vouchedBy, witnessingSteps, type WitnessableDocument } from '../chain/witnessing-evidence.ts'
import { certificateFields, type CertificateFields } from '../src/certificate/fields.ts'
import { certificateSheet, type Block, type Sheet } from '../src/certificate/sheet.ts'
import { consentSection } from '../src/certificate/consent-status.ts'
import { authorizationTerms } from '../src/certificate/record-details.ts'
import { beijingTime } from '../src/certificate/format.ts'
import { KIND_NAMES, nameOf } from '../src/certificate/labels.ts'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

interface Shown {
  doc: EvidenceBundle | Receipt
  steps: StepResult[]
  /** Log signature, each cosignature, quorum: the CLI's `verify --policy` steps (chain/witnessing-evidence.ts). */
  witnessing: WitnessStep[]
  vouched: 'quorum' | 'operator only'
  ok: boolean
  vkey: string
}

/** The result on screen right now; null after an error. The only source of a printout. */
let current: Shown | null = null

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text // textContent only: record text can never inject markup
  if (className) e.className = className
  return e
}

function definitionList(rows: { label: string; value: string; alert?: boolean }[]): HTMLDListElement {
  const dl = el('dl', undefined, 'fields')
  for (const r of rows) {
    dl.append(el('dt', r.label), el('dd', r.value, r.alert ? 'alert' : undefined))
  }
  return dl
}

/** A sheet block as HTML: rows as a definition list, documents as a table. */
function renderBlock(b: Block): HTMLElement {
  const section = el('section', undefined, 'block')
  section.append(el('h3', b.title))
  if (b.type === 'rows') section.append(definitionList(b.rows))
  if (b.type === 'table') {
    const table = el('table', undefined, 'documents')
    const head = el('tr')
    for (const c of b.columns) head.append(el('th', c))
    table.append(el('thead'), el('tbody'))
    table.tHead!.append(head)
    for (const row of b.rows) {
      const tr = el('tr')
      row.forEach((cell, i) => {
        const td = el('td', cell)
        td.dataset.label = b.columns[i]
        tr.append(td)
      })
      table.tBodies[0].append(tr)
    }
    section.append(table)
  }
  if (b.type === 'steps') {
    const ol = el('ol', undefined, 'how')
    for (const item of b.items) {
      const li = el('li', item.text)
      if (item.code) li.append(el('code', item.code))
      ol.append(li)
    }
    section.append(ol)
  }
  return section
}

/** Where the certificate's links point: this page's origin, or (saved, offline) the ledger's origin line. */
function baseUrl(doc: EvidenceBundle): string {
  if (location.protocol === 'http:' || location.protocol === 'https:') return location.origin
  const origin = doc.checkpoint.split('\n')[0]
  return `https://${origin.split('/')[0]}`
}

/** The certificate fields of a passed bundle, issued now by this page; null when it cannot be certified. */
function fieldsOf(s: Shown): CertificateFields | null {
  if (!s.ok || !isBundle(s.doc)) return null
  try {
    return certificateFields({
      bundle: s.doc, verification: { vkey: s.vkey, steps: s.steps },
      context: { baseUrl: baseUrl(s.doc), issuer: { operator: '本页核验打印（非运营方出具）', area: '—' }, issuedAt: new Date() },
    })
  } catch {
    return null // CertificateRefusedError: nothing to print for this result
  }
}

function stepItem(s: StepResult): HTMLLIElement {
  const li = el('li', undefined, s.ok === true ? 'pass' : s.ok === false ? 'fail' : 'na')
  li.dataset.step = s.step
  const label = STEP_LABELS[s.step]
  li.append(
    el('span', s.ok === true ? '✓' : s.ok === false ? '✗' : '–', 'mark'),
    el('span', label ? `${label.zh} · ${label.en}` : s.step, 'label'),
    el('span', s.detail, 'detail'),
  )
  return li
}

function witnessItem(s: WitnessStep): HTMLLIElement {
  const li = el('li', undefined, s.ok === true ? 'pass' : s.ok === false ? 'fail' : 'na')
  li.dataset.step = s.step
  if (s.witness !== undefined) li.dataset.witness = s.witness
  const l = WITNESS_STEP_LABELS[s.step]
  li.append(
    el('span', s.ok === true ? '✓' : s.ok === false ? '✗' : '–', 'mark'),
    el('span', `${l.zh} · ${l.en}${s.witness !== undefined ? `：${s.witness}` : ''}`, 'label'),
    el('span', s.detail, 'detail'),
  )
  return li
}

function clearResult(): void {
  current = null
  $('state').hidden = true
  $('state').replaceChildren()
  $('verdict').textContent = ''
  $('details').replaceChildren()
  $('steps').replaceChildren()
  $('witness-steps').replaceChildren()
  $('vouched').textContent = ''
  $('consent-at-box').hidden = true
  $('print-slot').replaceChildren()
  clearCertificate()
}

function clearCertificate(text = '当前结果未通过核验，不出具存证证明。No certificate: the result on screen did not verify.'): void {
  $('certificate').replaceChildren(el('p', text, 'no-cert'))
}

function render(s: Shown): void {
  $('result').hidden = false
  const fields = fieldsOf(s)
  const sheet = fields ? certificateSheet(fields) : null
  // 1. The state a court decides on, before any ✓.
  if (sheet?.banner) {
    $('state').hidden = false
    $('state').replaceChildren(el('strong', sheet.banner.title), el('span', sheet.banner.text))
  }
  // 2. The verdict.
  const verdict = $('verdict')
  const failed = [
    ...s.steps.filter((x) => x.ok === false).map((x) => STEP_LABELS[x.step]?.zh ?? x.step),
    ...s.witnessing.filter((x) => x.ok === false).map((x) => WITNESS_STEP_LABELS[x.step].zh + (x.witness ? `（${x.witness}）` : '')),
  ]
  verdict.textContent = s.ok ? '✓ 核验通过 Verified' : `✗ 核验失败 Not verified：${[...new Set(failed)].join('、')}`
  verdict.className = s.ok ? 'ok' : 'bad'
  // 3. The record, formatted, only when it is proven; a failed bundle's content is not shown as fact.
  const details: HTMLElement[] = []
  if (sheet) {
    if (isBundle(s.doc) && s.doc.format === 'evidence-ledger/bundle/v1') {
      details.push(el('p', 'v1 证据包：关联条目（撤回、删除）未经证明，也未签名确认完整。请向运营方索取 v2 证据包。Bundle v1: related entries are not proven.', 'warn'))
    }
    details.push(...sheet.blocks.filter((b) => b.type !== 'steps' && b.title !== '核验结果 Verification').map(renderBlock))
  } else {
    details.push(el('p', s.ok ? '回执已核验：以下为账本陈述。Receipt verified: the ledger statement.' : '核验失败：证据包内容不可信，以下仅列出其所称的陈述。Not verified: the bundle\'s content cannot be trusted.', s.ok ? 'note' : 'warn'))
    details.push(statementBlock(s.doc.statement))
  }
  $('details').replaceChildren(...details)
  $('consent-at-box').hidden = !(fields?.consent)
  // 4. Each step, then who vouches for the checkpoint: each witness on its own line.
  $('steps').replaceChildren(...s.steps.map(stepItem))
  $('witness-steps').replaceChildren(...s.witnessing.map(witnessItem))
  const vouched = $('vouched')
  vouched.className = s.vouched === 'quorum' ? 'quorum' : 'operator'
  vouched.textContent = s.vouched === 'quorum'
    ? '已见证：策略要求的见证方已联署该检查点。Witnessed: the policy\'s quorum of witnesses cosigned the checkpoint.'
    : '未经独立见证：只有账本运营方为该检查点担保。Not witnessed: only the ledger operator vouches for this checkpoint (paste a witness policy to require independent witnesses).'
  // 5. Print: only while this passed result is the one on screen.
  if (fields) {
    const button = el('button', '打印存证证明 Print certificate')
    button.id = 'print'
    button.type = 'button'
    button.addEventListener('click', () => void printCurrent())
    $('print-slot').replaceChildren(button)
  }
}

function statementBlock(st: unknown): HTMLElement {
  if (!isStatement(st)) return el('p', '陈述格式错误 · malformed statement', 'warn')
  return renderBlock({
    type: 'rows', title: '陈述 Statement', rows: [
      { label: '存证类型', value: nameOf(KIND_NAMES, st.kind) },
      { label: '业务编号', value: st.id },
      { label: '统一社会信用代码', value: st.subject },
      { label: '提交方', value: st.submitter },
      { label: '上链时间（账本时间）', value: safeTime(st.time) },
      { label: '记录承诺值', value: st.commitment },
    ],
  })
}

function safeTime(iso: string): string {
  try {
    return beijingTime(iso)
  } catch {
    return iso
  }
}

/** Rebuilt from `current` at the moment of printing, never from an earlier result. */
async function printCurrent(): Promise<void> {
  const shown = current
  const fields = shown ? fieldsOf(shown) : null
  if (!fields) return clearCertificate()
  await renderCertificate(certificateSheet(fields), fields.qrPayload)
  if (current === shown) window.print()
}

async function renderCertificate(sheet: Sheet, qrPayload: string): Promise<void> {
  const qr = await QRCode.toString(qrPayload, { type: 'svg', margin: 1 })
  const cert = $('certificate')
  const head = el('header', undefined, 'cert-head')
  const titles = el('div')
  titles.append(el('h1', sheet.title), el('p', sheet.subtitle, 'sub'), definitionList(sheet.meta))
  const qrBox = el('div', undefined, 'qr')
  qrBox.innerHTML = qr // generated by the qrcode library from the URL, not from bundle markup
  qrBox.append(el('p', qrPayload, 'qr-url'))
  head.append(titles, qrBox)
  const parts: HTMLElement[] = [head]
  if (sheet.banner) {
    const banner = el('div', undefined, 'cert-banner')
    banner.append(el('strong', sheet.banner.title), el('span', sheet.banner.text))
    parts.push(banner)
  }
  parts.push(...sheet.blocks.map(renderBlock))
  const footer = el('footer')
  for (const line of sheet.footer) footer.append(el('p', line))
  parts.push(footer)
  cert.replaceChildren(...parts)
}

/** Consent status at a moment the reader enters, from the same proven facts. */
function consentAt(): void {
  const input = ($('consent-at') as HTMLInputElement).value
  const out = $('consent-at-result')
  const s = current
  if (!s || !s.ok || !isBundle(s.doc) || !input) return void (out.textContent = '')
  // datetime-local is the reader's wall clock; the page states Beijing time, so read it as +08:00.
  const at = new Date(`${input.length === 16 ? `${input}:00` : input}+08:00`) // with or without seconds
  if (!Number.isFinite(at.getTime())) return void (out.textContent = '时间无效 · invalid time')
  const c = consentSection({
    authorizedAt: s.doc.statement.time,
    terms: s.doc.redacted ? null : authorizationTerms(s.doc.record),
    related: relatedStatements(s.doc),
    at: at.toISOString(),
  })
  out.textContent = `${c.at}：${c.statusName} — ${c.reason}`
}

function verifyText(text: string): void {
  clearResult()
  const vkey = ($('vkey') as HTMLInputElement).value.trim()
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return showError('证据包不是有效的 JSON · The bundle is not valid JSON')
  }
  if (!vkey) return showError('请先填写账本公钥 · Pin the ledger verifier key first')
  if (typeof doc !== 'object' || doc === null) return showError('不是证据包或回执 · Neither a bundle nor a receipt')
  const policyText = ($('policy') as HTMLTextAreaElement).value
  let policy: Policy | undefined
  try {
    policy = policyText.trim() === '' ? undefined : parsePolicy(policyText.replace(/\r\n/g, '\n'))
  } catch (e) {
    return showError(`见证策略无法读取 · The witness policy does not parse: ${(e as Error).message}`)
  }
  let steps: StepResult[]
  let witnessing: WitnessStep[]
  try {
    steps = isBundle(doc) ? verifyBundle(doc, vkey) : verifyReceipt(doc as Receipt, vkey)
    witnessing = witnessingSteps(doc as WitnessableDocument, vkey, policy)
  } catch (e) {
    return showError(`无法核验 · Cannot verify: ${(e as Error).message}`)
  }
  const ok = allPassed(steps) && witnessing.every((w) => w.ok !== false)
  current = { doc: doc as EvidenceBundle | Receipt, steps, witnessing, vouched: vouchedBy(witnessing, policy), ok, vkey }
  render(current)
}

function showError(message: string): void {
  clearResult()
  $('result').hidden = false
  $('verdict').textContent = `✗ ${message}`
  $('verdict').className = 'bad'
}

function loadFile(file: File): void {
  void file.text().then((text) => {
    ;($('bundle') as HTMLTextAreaElement).value = text
    verifyText(text)
  })
}

clearCertificate()
$('verify').addEventListener('click', () => verifyText(($('bundle') as HTMLTextAreaElement).value.trim()))
// Ctrl+P prints too: make sure it prints the current result's certificate or the refusal.
window.addEventListener('beforeprint', () => {
  if (!current || !fieldsOf(current)) clearCertificate()
  else if ($('certificate').querySelector('.no-cert')) clearCertificate('请使用“打印存证证明”按钮打印。Use the Print certificate button.')
})
const file = $('file') as HTMLInputElement
file.addEventListener('change', () => {
  const f = file.files?.[0]
  // Reset, so choosing the same file again fires "change" and verifies again.
  file.value = ''
  if (f) loadFile(f)
})
$('consent-at').addEventListener('input', consentAt)
const area = $('bundle')
area.addEventListener('dragover', (e) => {
  e.preventDefault()
  area.classList.add('dragover')
})
area.addEventListener('dragleave', () => area.classList.remove('dragover'))
area.addEventListener('drop', (e) => {
  e.preventDefault()
  area.classList.remove('dragover')
  const f = (e as DragEvent).dataTransfer?.files?.[0]
  if (f) loadFile(f)
})

