// One entry: its statement for people, its inclusion proof verified here with
// chain/verify.ts (the code /verify, the CLI and the server run), the entries that ref it,
// and for court and admin tokens the record itself with its bundle and certificate.
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { STEP_LABELS, allPassed, verifyEntryProof, type StepResult } from '../../chain/verify.ts'
import { byteSize } from '../../src/certificate/format.ts'
import { documentHashes, recordDetails } from '../../src/certificate/record-details.ts'
import { api, download, explain, savedToken, tokenRoles } from './api.ts'
import { href } from './route.ts'
import type { BlockView, EntryView } from './types.ts'
import { Fields, Problem, Show, kindName, time, useApi } from './ui.ts'

export function Entry({ index }: { index: number }) {
  const entry = useApi<EntryView>(`/v1/entries/${index}`)
  return html`
    <h2>条目 Entry ${index}</h2>
    <${Show} loaded=${entry}>${(e: EntryView) => html`<${EntryOf} e=${e} />`}<//>`
}

function EntryOf({ e }: { e: EntryView }) {
  const s = e.statement
  const revoked = e.related.some((r) => r.statement.kind === 'authorization-revocation')
  const erased = e.related.some((r) => r.statement.kind === 'redaction')
  return html`
    ${revoked ? html`<div class="state" role="status"><strong>已撤回 REVOKED</strong><span>此授权已被撤回 This authorization was revoked</span></div>` : null}
    ${erased ? html`<div class="state" role="status"><strong>记录已删除 ERASED</strong><span>记录内容已按删除请求清除，承诺值仍在账本中 The record was erased; its commitment stays in the log</span></div>` : null}
    <nav class="pager" aria-label="相邻条目 Neighbouring entries">
      ${e.index > 0 ? html`<a href=${href({ view: 'entry', index: e.index - 1 })}>« 上一条 Previous</a>` : null}
      <a href=${href({ view: 'block', height: e.block.height })}>所在区块 Block ${e.block.height}</a>
      <a href=${href({ view: 'entry', index: e.index + 1 })}>下一条 Next »</a>
    </nav>
    <h3>陈述 Statement</h3>
    <${Fields} rows=${[
      ['存证类型 Kind', kindName(s.kind)],
      ['业务编号 Business ID', s.id],
      ['统一社会信用代码 Enterprise USCC', html`<a href=${href({ view: 'enterprise', uscc: s.subject })}>${s.subject}</a>`],
      ['提交方 Submitter', s.submitter],
      ['上链时间 Ledger time', time(s.time)],
      ['承诺值 Commitment', html`<span class="mono">${s.commitment}</span>`],
      ['叶哈希 Leaf hash', html`<span class="mono">${e.leafHash}</span>`],
      ['引用 Refs', s.refs.length === 0 ? '无 none' : html`${s.refs.map((r) => html`<a class="mono" href=${href({ view: 'search', q: r })}>${r}</a> `)}`],
    ]} />
    <${Proof} e=${e} />
    <h3>相关条目 Related entries</h3>
    ${e.related.length === 0
      ? html`<p class="muted">没有条目引用本条目（未撤回、未删除）。No entry refers to this one (not revoked, not erased).</p>`
      : html`<ul id="related">${e.related.map((r) => html`<li><a href=${href({ view: 'entry', index: r.index })}>${kindName(r.statement.kind)} ${r.statement.id}</a> · ${time(r.statement.time)}</li>`)}</ul>`}
    ${s.kind !== 'redaction' && tokenRoles(savedToken()).some((r) => r === 'court' || r === 'admin') ? html`<${RecordOf} e=${e} />` : null}`
}

/** Verifies the entry's inclusion proof against its own block's signed checkpoint. */
function Proof({ e }: { e: EntryView }) {
  const [steps, setSteps] = useState<StepResult[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    let live = true
    setSteps(null)
    ;(async () => {
      const [block, keys] = await Promise.all([api<BlockView>(`/v1/blocks/${e.block.height}`), api<{ keys: { vkey: string }[] }>('/v1/keys')])
      const proof = await api<{ treeSize: number; hashes: string[] }>(`/v1/proofs/inclusion?index=${e.index}&size=${block.header.size}`)
      const input = { statement: e.statement, entry: { index: e.index, leafHash: e.leafHash }, inclusion: proof, checkpoint: block.checkpoint }
      // The block may be signed by a retired key: the one whose signature verifies, else the current key's failure.
      const results = keys.keys.map((k) => verifyEntryProof(input, k.vkey).steps).reverse()
      if (live) setSteps(results.find(allPassed) ?? results[0] ?? [])
    })().catch((err: unknown) => { if (live) setError(err) })
    return () => { live = false }
  }, [e.index])
  if (error) return html`<${Problem} error=${error} />`
  if (steps === null) return html`<p class="muted" aria-live="polite">正在核验… Verifying…</p>`
  const ok = allPassed(steps)
  return html`<section aria-labelledby="proof-h">
    <h3 id="proof-h">包含证明 Inclusion proof</h3>
    <p id="proof-verdict" class=${ok ? 'ok' : 'bad'} role="status">${ok
      ? '✓ 已在本浏览器中核验：该条目在账本中 Verified in this browser: the entry is in the log'
      : '✗ 核验失败 Not verified'}</p>
    <ol id="steps">${steps.map((st) => html`<li class=${st.ok === true ? 'pass' : st.ok === false ? 'fail' : 'na'} data-step=${st.step}>
      <span class="mark">${st.ok === true ? '✓' : st.ok === false ? '✗' : '–'}</span><span>${STEP_LABELS[st.step].zh} ${STEP_LABELS[st.step].en}</span>
      <span class="detail">${st.detail}</span></li>`)}</ol>
  </section>`
}

/** Court and admin: the record as notarized, its documents, and downloads of its bundle and certificate. */
function RecordOf({ e }: { e: EntryView }) {
  const s = e.statement
  const q = `?submitter=${encodeURIComponent(s.submitter)}`
  const base = `/v1/evidence/${s.kind}/${encodeURIComponent(s.id)}`
  const record = useApi<{ payload?: { record: unknown } | null; redacted: boolean }>(`/v1/records/${s.kind}/${encodeURIComponent(s.id)}${q}`)
  const [failed, setFailed] = useState<unknown>(null)
  const get = (path: string, name: string) => () => { setFailed(null); download(path, name).catch(setFailed) }
  return html`<section aria-labelledby="record-h">
    <h3 id="record-h">记录 Record (court / admin)</h3>
    <${Show} loaded=${record}>${(r: { payload?: { record: unknown } | null; redacted: boolean }) => {
      const rec = r.payload?.record
      if (rec === undefined || rec === null) return html`<p class="muted">${r.redacted ? '记录已删除 The record was erased.' : '仅哈希存证，账本不持有记录 Notarized hash-only: the ledger does not hold the record.'}</p>`
      const docs = documentHashes(rec)
      return html`
        <${Fields} rows=${recordDetails(s.kind, rec).map((d): [string, string] => [d.label, d.value])} />
        ${docs.length === 0 ? null : html`<div class="scroll"><table class="grid documents">
          <thead><tr><th scope="col">文件 File</th><th scope="col">大小 Size</th><th scope="col">SHA-256</th></tr></thead>
          <tbody>${docs.map((d) => html`<tr><td>${d.name}</td><td>${byteSize(d.bytes)}</td><td class="mono"><a href=${href({ view: 'search', q: d.sha256 })}>${d.sha256}</a></td></tr>`)}</tbody></table></div>`}`
    }}<//>
    <div class="buttons">
      <button type="button" onClick=${get(base + q, `evidence-${s.kind}-${s.id}.json`)}>下载证据包 Evidence bundle</button>
      <button type="button" onClick=${get(`${base}/certificate.pdf${q}`, `certificate-${s.kind}-${s.id}.pdf`)}>下载存证证明 Certificate (PDF)</button>
    </div>
    ${failed ? html`<div class="problem" role="alert">${explain(failed)}</div>` : null}
  </section>`
}
