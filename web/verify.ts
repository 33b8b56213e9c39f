// The /verify page: runs chain/verify.ts (the very file the server and CLI use) in the
// browser. Bundled with esbuild and inlined, so a saved copy works offline.
import QRCode from 'qrcode'
import { allPassed, isBundle, verifyBundle, verifyReceipt, type EvidenceBundle, type Receipt, type StepResult } from '../chain/verify.ts'
import type { Statement } from '../chain/statement.ts'
import { kindLabels, partyField } from '../src/kinds/index.ts'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

const STEP_LABELS: Record<string, string> = {
  commitment: '记录与承诺值一致 Record matches its commitment',
  leaf: '声明与叶哈希一致 Statement matches its leaf hash',
  inclusion: '条目包含于默克尔树 Entry is included in the tree',
  checkpoint: '检查点签名有效 Checkpoint signed by the ledger key',
  block: '区块头与检查点一致 Block header matches the checkpoint',
  related: '后续关联声明 Later statements bound to this entry',
}

interface Loaded {
  doc: EvidenceBundle | Receipt
  steps: StepResult[]
  ok: boolean
}

let last: Loaded | null = null

function enterprise(doc: EvidenceBundle | Receipt): string {
  const record = isBundle(doc) ? (doc.record as Record<string, unknown> | null) : null
  const field = partyField(doc.statement.kind)
  const party = (field ? record?.[field] : undefined) as { name?: string } | undefined
  return party?.name ? `${party.name} (${doc.statement.subject})` : doc.statement.subject
}

function checkpointSize(doc: EvidenceBundle | Receipt): string {
  return String(doc.inclusion.treeSize)
}

function render(l: Loaded): void {
  $('result').hidden = false
  const verdict = $('verdict')
  verdict.textContent = l.ok ? '✓ 核验通过 Verified' : '✗ 核验失败 Not verified'
  verdict.className = l.ok ? 'ok' : 'bad'
  const list = $('steps')
  list.replaceChildren(...l.steps.map((s) => {
    const li = document.createElement('li')
    li.className = s.ok === true ? 'pass' : s.ok === false ? 'fail' : 'na'
    li.dataset.step = s.step
    const mark = document.createElement('span')
    mark.className = 'mark'
    mark.textContent = s.ok === true ? '✓' : s.ok === false ? '✗' : '–'
    const label = document.createElement('span')
    label.textContent = STEP_LABELS[s.step] ?? s.step
    const detail = document.createElement('span')
    detail.className = 'detail'
    detail.textContent = s.detail
    li.append(mark, label, detail)
    return li
  }))
  const st = l.doc.statement as Statement
  const rows: [string, string][] = [
    ['类型 Kind', kindLabels(st.kind)?.kind ?? st.kind],
    ['编号 ID', st.id],
    ['企业 Enterprise', enterprise(l.doc)],
    ['上链时间 Ledger time', st.time],
    ['提交方 Submitter', st.submitter],
    ['承诺值 Commitment', st.commitment],
  ]
  if (isBundle(l.doc)) {
    if (l.doc.redacted) rows.push(['状态 State', '原始记录已依法删除 (redacted); 承诺值仍在账本上'])
    const rec = l.doc.record
    const labels = kindLabels(st.kind)?.fields ?? {}
    if (rec && typeof rec === 'object') for (const [k, v] of Object.entries(rec)) rows.push([Object.hasOwn(labels, k) ? `${labels[k]} ${k}` : k, typeof v === 'string' ? v : JSON.stringify(v)])
  }
  $('record').replaceChildren(...definitionList(rows))
  ;($('print') as HTMLButtonElement).disabled = false
  renderCertificate(l)
}

/** <dt>/<dd> pairs; textContent only, so record text can never inject markup. */
function definitionList(rows: [string, string][]): HTMLElement[] {
  return rows.flatMap(([k, v]) => {
    const dt = document.createElement('dt')
    dt.textContent = k
    const dd = document.createElement('dd')
    dd.textContent = v
    return [dt, dd]
  })
}

function renderCertificate(l: Loaded): void {
  const st = l.doc.statement as Statement
  const fields: [string, string][] = [
    ['存证类型 Kind', kindLabels(st.kind)?.kind ?? st.kind],
    ['业务编号 ID', st.id],
    ['企业 Enterprise', enterprise(l.doc)],
    ['上链时间 Ledger time', st.time],
    ['叶哈希 Leaf hash', l.doc.entry.leafHash],
    ['条目序号 Entry index', String(l.doc.entry.index)],
    ['树大小 Tree size', checkpointSize(l.doc)],
  ]
  $('cert-fields').replaceChildren(...definitionList(fields))
  $('cert-checkpoint').textContent = `检查点 Checkpoint\n${l.doc.checkpoint}`
  $('cert-verdict').textContent = l.ok ? '本页核验通过：该记录于上述时间存在于账本且未被篡改。Verified in this page.' : '核验失败 Not verified'
  const link = location.protocol.startsWith('http') ? `${location.origin}${location.pathname}` : 'evidence-ledger /verify'
  QRCode.toString(`leaf:${l.doc.entry.leafHash}\n${link}`, { type: 'svg', margin: 1 }, (err: Error | null | undefined, svg: string) => {
    if (!err) $('qr').innerHTML = svg
  })
}

function verifyNow(): void {
  const vkey = ($('vkey') as HTMLInputElement).value.trim()
  const text = ($('bundle') as HTMLTextAreaElement).value.trim()
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return showError('证据包不是有效的 JSON · The bundle is not valid JSON')
  }
  if (!vkey) return showError('请先填写账本公钥 · Pin the ledger verifier key first')
  const steps = isBundle(doc) ? verifyBundle(doc, vkey) : verifyReceipt(doc as Receipt, vkey)
  last = { doc: doc as EvidenceBundle | Receipt, steps, ok: allPassed(steps) }
  render(last)
}

function showError(message: string): void {
  $('result').hidden = false
  $('verdict').textContent = `✗ ${message}`
  $('verdict').className = 'bad'
  $('steps').replaceChildren()
  $('record').replaceChildren()
}

function loadFile(file: File): void {
  file.text().then((text) => {
    ;($('bundle') as HTMLTextAreaElement).value = text
    verifyNow()
  })
}

$('verify').addEventListener('click', verifyNow)
$('print').addEventListener('click', () => {
  if (last) window.print()
})
$('file').addEventListener('change', (e) => {
  const f = (e.target as HTMLInputElement).files?.[0]
  if (f) loadFile(f)
})
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
