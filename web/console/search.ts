// One search box for everything an auditor may hold: an entry index, a leaf hash, a
// commitment, a document's SHA-256, kind:id, or a USCC (which opens the enterprise timeline).
import { html } from 'htm/preact'
import { useEffect, useState } from 'preact/hooks'
import { EntryTable } from './blocks.ts'
import { href } from './route.ts'
import type { EntrySummary, SearchResult } from './types.ts'
import { Show, useApi } from './ui.ts'

const MATCHED: Record<SearchResult['matched'], string> = {
  index: '按条目序号 by entry index',
  leaf: '按叶哈希 by leaf hash',
  commitment: '按承诺值 by commitment',
  document: '按文件 SHA-256 by a document\'s SHA-256',
  hash: '按承诺值或文件 SHA-256 by commitment or document SHA-256',
  'kind:id': '按业务编号 by kind:id',
  uscc: '按统一社会信用代码 by USCC',
  nothing: '没有找到 nothing found',
}

export function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial)
  useEffect(() => setQ(initial), [initial])
  return html`<form role="search" class="search" onSubmit=${(ev: Event) => {
    ev.preventDefault()
    if (q.trim() !== '') location.hash = href({ view: 'search', q: q.trim() })
  }}>
    <label for="q">搜索 Search</label>
    <div class="row">
      <input id="q" type="search" value=${q} onInput=${(ev: Event) => setQ((ev.target as HTMLInputElement).value)}
        placeholder="序号、叶哈希、承诺值、文件 SHA-256、kind:id 或统一社会信用代码" aria-describedby="q-help" autocomplete="off" spellcheck=${false} />
      <button type="submit">搜索 Search</button>
    </div>
    <p id="q-help" class="muted small">Entry index, leaf hash, commitment, document SHA-256, kind:id (evidence:EV-1) or USCC.</p>
  </form>`
}

export function Search({ q }: { q: string }) {
  const result = useApi<SearchResult>(q === '' ? null : `/v1/search?q=${encodeURIComponent(q)}`)
  // A USCC is an enterprise: its timeline is the answer.
  useEffect(() => {
    if (result.data?.matched === 'uscc' && result.data.subject) location.replace(href({ view: 'enterprise', uscc: result.data.subject }))
  }, [result.data])
  return html`
    <h2>搜索 Search</h2>
    <${SearchBox} initial=${q} />
    ${q === '' ? null : html`<${Show} loaded=${result}>${(r: SearchResult) => html`
      <p id="search-matched" role="status">${MATCHED[r.matched]}${r.entries.length > 0 ? ` · ${r.entries.length} 条 entries` : ''}</p>
      ${r.entries.length === 0 ? null : html`<${EntryTable} entries=${r.entries}
        why=${r.hits ? (e: EntrySummary) => MATCHED[r.hits!.find((h) => h.index === e.index)?.matched ?? r.matched] : undefined} />`}`}<//>`}`
}
