// Overview: the log at a glance, polled every few seconds so it moves without a reload.
import { html } from 'htm/preact'
import { useEffect, useMemo, useState } from 'preact/hooks'
import type { ChartConfiguration } from 'chart.js'
import { KIND_NAMES, nameOf } from '../../src/certificate/labels.ts'
import { ChartView, KIND_COLORS } from './chart.ts'
import type { Stats } from './types.ts'
import { Fields, Show, time, useApi } from './ui.ts'

const POLL_MS = 5_000

function bucketLabel(iso: string, span: 'hour' | 'day'): string {
  // Beijing wall-clock time of the bucket's start: HH:MM.
  const d = new Date(Date.parse(iso) + 8 * 3_600_000)
  const hm = d.toISOString().slice(11, 16)
  return span === 'hour' ? hm : `${d.toISOString().slice(5, 10)} ${hm}`
}

function chartOf(s: Stats): ChartConfiguration {
  const kinds = [...new Set(s.window.buckets.flatMap((b) => Object.keys(b.perKind)))].sort()
  return {
    type: 'bar',
    data: {
      labels: s.window.buckets.map((b) => bucketLabel(b.start, s.window.span)),
      datasets: kinds.map((k) => ({
        label: nameOf(KIND_NAMES, k),
        data: s.window.buckets.map((b) => b.perKind[k] ?? 0),
        backgroundColor: KIND_COLORS[k] ?? '#888',
        stack: 'entries',
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  }
}

export function Overview() {
  const [span, setSpan] = useState<'hour' | 'day'>('hour')
  const stats = useApi<Stats>(`/v1/stats?window=${span}`)
  useEffect(() => {
    const timer = setInterval(stats.reload, POLL_MS)
    return () => clearInterval(timer)
  }, [stats.reload])
  return html`
    <h2>概览 Overview</h2>
    <${Show} loaded=${stats}>${(s: Stats) => html`<${OverviewOf} s=${s} span=${span} setSpan=${setSpan} />`}<//>`
}

function OverviewOf({ s, span, setSpan }: { s: Stats; span: 'hour' | 'day'; setSpan: (s: 'hour' | 'day') => void }) {
  const config = useMemo(() => chartOf(s), [s])
  const minutes = s.window.buckets.length * s.window.bucketSeconds / 60
  const perMinute = minutes > 0 ? (s.window.entries / minutes).toFixed(2) : '0'
  const spanName = span === 'hour' ? '最近一小时 last hour' : '最近一天 last day'
  return html`
    <section aria-labelledby="numbers-h" class="cards">
      <h3 id="numbers-h" class="visually-hidden">数字 Numbers</h3>
      <div class="card"><span>树大小 Tree size</span><strong id="tree-size">${s.treeSize}</strong></div>
      <div class="card"><span>区块高度 Height</span><strong>${s.height}</strong></div>
      <div class="card"><span>最新区块 Last block</span><strong class="small">${time(s.lastBlockTime)}</strong></div>
      <div class="card"><span>每分钟条目 Entries/min (${spanName})</span><strong>${perMinute}</strong></div>
      <div class="card"><span>提交延迟 Commit latency</span><strong class="small">${s.commitLatency
        ? `p50 ${s.commitLatency.p50Ms} ms · p95 ${s.commitLatency.p95Ms} ms`
        : '本进程尚未写入区块 no block written by this process yet'}</strong></div>
    </section>
    <section aria-labelledby="chart-h">
      <h3 id="chart-h">每种类型的条目 Entries per kind, ${spanName}</h3>
      <div class="buttons" role="group" aria-label="时间范围 Time span">
        <button type="button" aria-pressed=${span === 'hour'} onClick=${() => setSpan('hour')}>1 小时 hour</button>
        <button type="button" aria-pressed=${span === 'day'} onClick=${() => setSpan('day')}>1 天 day</button>
      </div>
      <${ChartView} id="activity-chart" config=${config} label=${`${spanName}每 ${s.window.bucketSeconds / 60} 分钟的条目数，按类型堆叠 Entries per ${s.window.bucketSeconds / 60} minutes by kind`} />
      ${s.window.complete ? null : html`<p class="note">范围内条目过多，只统计了最近的部分。Too many entries in the span: counts are of its newest part.</p>`}
      <details>
        <summary>数据表 As a table</summary>
        <table class="grid"><thead><tr><th scope="col">类型 Kind</th><th scope="col">条目 Entries</th></tr></thead>
          <tbody>${Object.entries(s.window.perKind).map(([k, n]) => html`<tr><td>${nameOf(KIND_NAMES, k)} ${k}</td><td>${n}</td></tr>`)}</tbody></table>
      </details>
    </section>
    <section aria-labelledby="witness-h">
      <h3 id="witness-h">见证 Witnesses</h3>
      ${s.witnessing === null
        ? html`<p class="muted">未配置见证策略 No witness policy configured (WITNESS_POLICY).</p>`
        : html`<${Fields} rows=${[
            ['法定数 Quorum', s.witnessing.quorum],
            ['已见证树大小 Witnessed size', s.witnessing.witnessedSize ?? '尚无 none yet'],
            ...s.witnessing.witnesses.map((w): [string, string] => [w.name,
              `${w.size ?? '?'}${w.lastCosignedAt ? ` · ${time(w.lastCosignedAt)}` : ''}${w.lastError ? ` · ✗ ${w.lastError}` : ''}`]),
          ]} />`}
    </section>`
}
