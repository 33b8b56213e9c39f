// One enterprise (USCC): every entry in time order, and each data authorization's validity
// window by data category — granted, in force, revoked or expired — with the status at a
// date the auditor picks, decided by chain/consent.ts (the rule the API answers with).
import { html } from 'htm/preact'
import { useMemo, useState } from 'preact/hooks'
import type { ChartConfiguration } from 'chart.js'
import { authorizationStatus } from '../../chain/consent.ts'
import { CONSENT_STATUS_NAMES, DATA_CATEGORY_NAMES, nameOf } from '../../src/certificate/labels.ts'
import { ChartView, markerAt } from './chart.ts'
import { EntryTable } from './blocks.ts'
import { href } from './route.ts'
import type { AuthorizationWindow, EntrySummary } from './types.ts'
import { Show, time, useApi } from './ui.ts'

const BEIJING_MS = 8 * 3_600_000
/** "2026-12-01T16:00" in Beijing wall-clock time, as a datetime-local input holds it. */
const toLocalInput = (ms: number) => new Date(ms + BEIJING_MS).toISOString().slice(0, 16)
const fromLocalInput = (v: string) => Date.parse(`${v}:00+08:00`)
const beijingDate = (ms: number) => new Date(ms + BEIJING_MS).toISOString().slice(0, 10)

export function statusAt(a: AuthorizationWindow, at: number): string {
  if (a.terms === null) return 'undetermined'
  return authorizationStatus({
    terms: { ...a.terms, purpose: '' },
    authorizedAt: a.authorizedAt,
    revokedAt: a.revocation?.time ?? null,
  }, { at: new Date(at).toISOString() }).status
}

const statusName = (s: string) => s === 'undetermined' ? '无法判定（仅哈希或已删除）' : nameOf(CONSENT_STATUS_NAMES as Record<string, string>, s)

export function Enterprise({ uscc }: { uscc: string }) {
  const entries = useApi<{ entries: EntrySummary[]; nextCursor: string | null }>(`/v1/subjects/${encodeURIComponent(uscc)}/entries?limit=500`)
  const auths = useApi<{ authorizations: AuthorizationWindow[] }>(`/v1/subjects/${encodeURIComponent(uscc)}/authorizations?limit=200`)
  return html`
    <h2>企业时间线 Enterprise timeline <span class="mono">${uscc}</span></h2>
    <section aria-labelledby="auth-h">
      <h3 id="auth-h">数据授权 Data authorizations</h3>
      <${Show} loaded=${auths}>${(a: { authorizations: AuthorizationWindow[] }) => html`<${Authorizations} list=${a.authorizations} />`}<//>
    </section>
    <section aria-labelledby="entries-h">
      <h3 id="entries-h">全部条目（按时间）All entries, in time order</h3>
      <${Show} loaded=${entries}>${(p: { entries: EntrySummary[]; nextCursor: string | null }) => html`
        <${EntryTable} entries=${p.entries} />
        ${p.nextCursor === null ? null : html`<p class="note">只列出前 ${p.entries.length} 条 The first ${p.entries.length} entries.</p>`}`}<//>
    </section>`
}

interface Row { label: string; a: AuthorizationWindow; category: string }

function Authorizations({ list }: { list: AuthorizationWindow[] }) {
  const [at, setAt] = useState(() => Date.now())
  const rows: Row[] = list.flatMap((a) => (a.terms?.dataCategories ?? ['?']).map((c) => ({ a, category: c, label: `${a.id} · ${c === '?' ? '未知类别' : nameOf(DATA_CATEGORY_NAMES, c)}` })))
  const config = useMemo(() => timelineChart(rows, at), [list, at])
  if (list.length === 0) return html`<p class="muted">该企业没有数据授权。No data authorizations for this enterprise.</p>`
  return html`
    <label for="at">查询时点（北京时间）Status at (Beijing time)</label>
    <input id="at" type="datetime-local" value=${toLocalInput(at)} onInput=${(ev: Event) => {
      const ms = fromLocalInput((ev.target as HTMLInputElement).value)
      if (Number.isFinite(ms)) setAt(ms)
    }} />
    <${ChartView} id="timeline-chart" config=${config}
      label=${`各授权按数据类别的有效期：绿色为有效，红色为撤回后，灰色为尚未生效；虚线为所选时点 ${beijingDate(at)}。Validity windows by data category; the dashed line is the picked date.`} />
    <div class="scroll"><table class="grid stack" id="authorizations">
      <thead><tr><th scope="col">授权编号 Authorization</th><th scope="col">数据类别 Categories</th><th scope="col">生效 Valid from</th><th scope="col">失效（不含）Valid until</th><th scope="col">撤回 Revoked</th><th scope="col">所选时点状态 Status at the date</th></tr></thead>
      <tbody>${list.map((a) => {
        const status = statusAt(a, at)
        return html`<tr data-status=${status}>
          <td data-label="授权编号 Authorization"><a href=${href({ view: 'entry', index: a.index })}>${a.id}</a></td>
          <td data-label="数据类别 Categories">${a.terms ? a.terms.dataCategories.map((c) => nameOf(DATA_CATEGORY_NAMES, c)).join('、') : '—'}</td>
          <td data-label="生效 Valid from">${a.terms ? time(a.terms.validFrom) : '—'}</td><td data-label="失效（不含）Valid until">${a.terms ? time(a.terms.validUntil) : '—'}</td>
          <td data-label="撤回 Revoked">${a.revocation ? html`<a href=${href({ view: 'entry', index: a.revocation.index })}>${time(a.revocation.time)}</a>` : '—'}</td>
          <td data-label="所选时点状态 Status" class=${`status ${status}`}>${statusName(status)} ${status}</td></tr>`
      })}</tbody></table></div>`
}

/**
 * Floating horizontal bars on a time axis, one row per authorization and category:
 * not yet valid (granted, before validFrom), in force (from the later of validFrom and the
 * authorization's ledger time), and after a revocation until validUntil.
 */
function timelineChart(rows: Row[], at: number): ChartConfiguration {
  const span = (r: Row) => {
    if (r.a.terms === null) return null
    const from = Date.parse(r.a.terms.validFrom)
    const until = Date.parse(r.a.terms.validUntil)
    const granted = Date.parse(r.a.authorizedAt)
    const start = Math.max(from, granted)
    const revoked = r.a.revocation ? Date.parse(r.a.revocation.time) : Infinity
    return { granted, start, end: Math.min(until, revoked), until, revoked }
  }
  const spans = rows.map(span)
  const times = spans.flatMap((s) => (s ? [s.granted, s.start, Math.min(s.until, Math.max(s.start, s.end) + 1)] : [])).concat(at)
  const min = Math.min(...times)
  const max = Math.max(...spans.map((s) => s?.until ?? 0), at)
  const pad = Math.max((max - min) * 0.03, 86_400_000)
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.label),
      datasets: [
        { label: '尚未生效 not yet valid', backgroundColor: '#b8bcc6', data: spans.map((s) => (s && s.start > s.granted ? [s.granted, s.start] : null)) },
        { label: '有效 in force', backgroundColor: '#2a7a4a', data: spans.map((s) => (s && s.end > s.start ? [s.start, s.end] : null)) },
        { label: '已撤回 revoked', backgroundColor: '#c0392b', data: spans.map((s) => (s && s.revoked < s.until ? [Math.max(s.revoked, s.start), s.until] : null)) },
      ],
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: min - pad, max: max + pad, ticks: { callback: (v) => beijingDate(Number(v)), maxRotation: 0, autoSkipPadding: 16 } },
        y: { stacked: true },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => { const v = c.raw as [number, number]; return `${c.dataset.label}: ${beijingDate(v[0])} → ${beijingDate(v[1])}` } } },
      },
    },
    plugins: [markerAt(at)],
  }
}
