// The public entry page (/v/<leafHash>): verifies the embedded statement and proofs with
// chain/verify.ts, the file the CLI, the server and /verify run. The data arrives in a
// JSON block, never as code; everything is written with textContent.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '../chain/encoding.ts'
import { STEP_LABELS, allPassed, verifyEntryProof, type StepResult } from '../chain/verify.ts'
import { beijingTime } from '../src/certificate/format.ts'
import { KIND_NAMES, nameOf } from '../src/certificate/labels.ts'
import type { PublicEntry } from './entry-data.ts'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const data = JSON.parse($('entry-data').textContent ?? 'null') as PublicEntry

function rows(target: HTMLElement, pairs: [string, string][]): void {
  target.replaceChildren(...pairs.flatMap(([k, v]) => {
    const dt = document.createElement('dt')
    dt.textContent = k
    const dd = document.createElement('dd')
    dd.textContent = v
    return [dt, dd]
  }))
}

function stepItem(s: StepResult, prefix = ''): HTMLLIElement {
  const li = document.createElement('li')
  li.className = s.ok === true ? 'pass' : s.ok === false ? 'fail' : 'na'
  li.dataset.step = s.step
  const mark = document.createElement('span')
  mark.className = 'mark'
  mark.textContent = s.ok === true ? '✓' : s.ok === false ? '✗' : '–'
  const label = document.createElement('span')
  label.textContent = `${prefix}${STEP_LABELS[s.step].zh} ${STEP_LABELS[s.step].en}`
  const detail = document.createElement('span')
  detail.className = 'detail'
  detail.textContent = s.detail
  li.append(mark, label, detail)
  return li
}

function verify(vkey: string): void {
  const main = verifyEntryProof(data, vkey).steps
  const items = main.map((s) => stepItem(s))
  const all: StepResult[] = [...main]
  for (const [i, r] of data.related.entries()) {
    const steps = verifyEntryProof({ ...r, checkpoint: data.checkpoint }, vkey).steps.filter((s) => s.step !== 'checkpoint')
    const refs: StepResult = r.statement.refs.includes(data.entry.leafHash)
      ? { step: 'related', ok: true, detail: `${r.statement.kind} ${r.statement.id} 引用本条目 · refers to this entry` }
      : { step: 'related', ok: false, detail: '未引用本条目 · does not refer to this entry' }
    for (const s of [...steps, refs]) {
      all.push(s)
      items.push(stepItem(s, `关联条目 ${i + 1} · `))
    }
  }
  const ok = allPassed(all)
  const verdict = $('verdict')
  verdict.textContent = ok ? '✓ 核验通过：该条目存在于账本 Verified: the entry is in the ledger' : '✗ 核验失败 Not verified'
  verdict.className = ok ? 'ok' : 'bad'
  $('steps').replaceChildren(...items)
  rows($('key'), [['公钥 Key', vkey], ['指纹 Fingerprint', `SHA256:${bytesToHex(sha256(utf8ToBytes(vkey.trim())))}`]])
}

const st = data.statement
rows($('statement'), [
  ['存证类型 Kind', nameOf(KIND_NAMES, st.kind)],
  ['业务编号 ID', st.id],
  ['统一社会信用代码 Enterprise USCC', st.subject],
  ['提交方 Submitter', st.submitter],
  ['上链时间 Ledger time', beijingTime(st.time)],
  ['承诺值 Commitment', st.commitment],
  ['叶哈希 Leaf hash', data.entry.leafHash],
  ['条目序号 Entry index', String(data.entry.index)],
  ['树大小 Tree size', String(data.inclusion.treeSize)],
])
if (data.related.length > 0) {
  $('related-section').hidden = false
  rows($('related'), data.related.map((r) => [nameOf(KIND_NAMES, r.statement.kind), `${r.statement.id} · ${beijingTime(r.statement.time)}`]))
  // A revocation or an erasure is what a reader must see first (statements only: the page holds no records).
  const kinds = data.related.map((r) => r.statement.kind)
  const state = kinds.includes('authorization-revocation') ? '已撤回 REVOKED' : kinds.includes('redaction') ? '记录已删除 ERASED' : null
  if (state) {
    const strong = document.createElement('strong')
    strong.textContent = state
    $('state').hidden = false
    $('state').replaceChildren(strong)
  }
}
$('checkpoint').textContent = `检查点 Checkpoint\n${data.checkpoint}`
;($('vkey') as HTMLInputElement).value = data.vkey
$('reverify').addEventListener('click', () => verify(($('vkey') as HTMLInputElement).value.trim()))
verify(data.vkey)
