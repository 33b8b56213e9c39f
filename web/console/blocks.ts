// Blocks, newest first, paged by height; one block with its header, checkpoint and entries.
import { html } from 'htm/preact'
import { href } from './route.ts'
import type { BlockSummary, BlockView, EntrySummary } from './types.ts'
import { Fields, Show, kindName, short, time, useApi } from './ui.ts'

const PAGE = 20

export function Blocks({ before }: { before?: number }) {
  const page = useApi<{ blocks: BlockSummary[]; nextBefore: number | null }>(`/v1/blocks?limit=${PAGE}${before === undefined ? '' : `&before=${before}`}`)
  return html`
    <h2>区块 Blocks</h2>
    <${Show} loaded=${page}>${(p: { blocks: BlockSummary[]; nextBefore: number | null }) => html`
      <div class="scroll"><table class="grid stack" id="blocks-table">
        <caption class="visually-hidden">区块，最新在前 Blocks, newest first</caption>
        <thead><tr><th scope="col">高度 Height</th><th scope="col">时间 Time</th><th scope="col">条目 Entries</th><th scope="col">哈希 Hash</th></tr></thead>
        <tbody>${p.blocks.map((b) => html`<tr>
          <td data-label="高度 Height"><a href=${href({ view: 'block', height: b.height })}>${b.height}</a></td>
          <td data-label="时间 Time">${time(b.header.time)}</td><td data-label="条目 Entries">${b.header.count}</td><td data-label="哈希 Hash" class="mono" title=${b.hash}>${short(b.hash)}</td></tr>`)}</tbody>
      </table></div>
      <nav class="pager" aria-label="区块翻页 Block pages">
        ${before === undefined ? null : html`<a href=${href({ view: 'blocks' })}>« 最新 Newest</a>`}
        ${p.nextBefore === null ? null : html`<a id="older-blocks" href=${href({ view: 'blocks', before: p.nextBefore })}>较早 Older »</a>`}
      </nav>`}<//>`
}

export function Block({ height }: { height: number }) {
  const block = useApi<BlockView>(`/v1/blocks/${height}`)
  return html`
    <h2>区块 Block ${height}</h2>
    <${Show} loaded=${block}>${(b: BlockView) => html`
      <nav class="pager" aria-label="相邻区块 Neighbouring blocks">
        ${height > 0 ? html`<a href=${href({ view: 'block', height: height - 1 })}>« 上一块 Previous</a>` : null}
        <a href=${href({ view: 'block', height: height + 1 })}>下一块 Next »</a>
      </nav>
      <${Fields} rows=${[
        ['区块哈希 Block hash', html`<span class="mono">${b.hash}</span>`],
        ['上一块哈希 Previous hash', html`<span class="mono">${b.header.prev}</span>`],
        ['时间 Time', time(b.header.time)],
        ['首条目 First entry', b.header.first],
        ['条目数 Entries', b.header.count],
        ['树大小 Tree size', b.header.size],
        ['树根 Root', html`<span class="mono">${b.header.root}</span>`],
      ]} />
      <h3>检查点 Checkpoint</h3>
      <pre class="checkpoint">${b.checkpoint}</pre>
      <h3>本块条目 Entries in this block</h3>
      <${BlockEntries} first=${b.header.first} count=${b.header.count} />`}<//>`
}

function BlockEntries({ first, count }: { first: number; count: number }) {
  const limit = Math.min(count, 100)
  const page = useApi<{ entries: EntrySummary[] }>(`/v1/entries?limit=${limit}${first > 0 ? `&after=${first - 1}` : ''}`)
  return html`<${Show} loaded=${page}>${(p: { entries: EntrySummary[] }) => html`
    <${EntryTable} entries=${p.entries} />
    ${count > limit ? html`<p class="note">只列出前 ${limit} 条 The first ${limit} of ${count} entries.</p>` : null}`}<//>`
}

export function EntryTable({ entries, why }: { entries: EntrySummary[]; why?: (e: EntrySummary) => string }) {
  return html`<div class="scroll"><table class="grid stack entries">
    <thead><tr><th scope="col">序号 Index</th><th scope="col">类型 Kind</th><th scope="col">业务编号 ID</th><th scope="col">主体 USCC</th><th scope="col">上链时间 Ledger time</th>${why ? html`<th scope="col">匹配 Matched</th>` : null}</tr></thead>
    <tbody>${entries.map((e) => html`<tr>
      <td data-label="序号 Index"><a href=${href({ view: 'entry', index: e.index })}>${e.index}</a></td>
      <td data-label="类型 Kind">${kindName(e.statement.kind)}</td><td data-label="业务编号 ID">${e.statement.id}</td>
      <td data-label="主体 USCC"><a href=${href({ view: 'enterprise', uscc: e.statement.subject })}>${e.statement.subject}</a></td>
      <td data-label="上链时间 Ledger time">${time(e.statement.time)}</td>${why ? html`<td data-label="匹配 Matched">${why(e)}</td>` : null}</tr>`)}</tbody>
  </table></div>`
}
