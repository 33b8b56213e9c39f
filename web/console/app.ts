// The console's frame: the token (pasted, kept for this tab only), the navigation, and the
// view the URL's fragment names.
import { html } from 'htm/preact'
import { useState } from 'preact/hooks'
import { savedToken, saveToken, tokenRoles } from './api.ts'
import { Block, Blocks } from './blocks.ts'
import type { ConsoleData } from './data.ts'
import { Enterprise } from './enterprise.ts'
import { Entry } from './entry.ts'
import { Overview } from './overview.ts'
import { href, useRoute, type Route } from './route.ts'
import { Search, SearchBox } from './search.ts'

function TokenForm({ data, onToken }: { data: ConsoleData; onToken: (t: string) => void }) {
  const [value, setValue] = useState('')
  return html`<section class="token" aria-labelledby="token-h">
    <h2 id="token-h">登录 Sign in</h2>
    <p>粘贴审计员（auditor）、法院（court）或管理员（admin）的访问令牌。令牌只保存在本标签页（sessionStorage），关闭即清除。
      Paste an auditor, court or admin bearer token. It is kept in this tab only (sessionStorage) and gone when the tab closes.</p>
    ${data.loginUrl ? html`<p><a href=${data.loginUrl} rel="noopener">通过身份提供方获取令牌 Get a token from your identity provider</a></p>` : null}
    <form onSubmit=${(ev: Event) => {
      ev.preventDefault()
      if (value.trim() !== '') onToken(value.trim())
    }}>
      <label for="token">访问令牌 Bearer token</label>
      <textarea id="token" rows="3" spellcheck=${false} autocomplete="off" value=${value} onInput=${(ev: Event) => setValue((ev.target as HTMLTextAreaElement).value)}></textarea>
      <div class="buttons"><button type="submit" id="use-token">使用此令牌 Use this token</button></div>
    </form>
  </section>`
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'overview': return html`<${Overview} />`
    case 'blocks': return html`<${Blocks} before=${route.before} />`
    case 'block': return html`<${Block} height=${route.height} key=${route.height} />`
    case 'entry': return html`<${Entry} index=${route.index} key=${route.index} />`
    case 'search': return html`<${Search} q=${route.q} key=${route.q} />`
    case 'enterprise': return html`<${Enterprise} uscc=${route.uscc} key=${route.uscc} />`
  }
}

const NAV: [Route['view'], string, string][] = [
  ['overview', '#/', '概览 Overview'],
  ['blocks', '#/blocks', '区块 Blocks'],
  ['search', '#/search', '搜索 Search'],
]

export function App({ data }: { data: ConsoleData }) {
  const [token, setToken] = useState(savedToken())
  const route = useRoute()
  const roles = tokenRoles(token)
  const current = route.view === 'block' ? 'blocks' : route.view
  return html`
    <a class="skip" href="#main">跳到正文 Skip to content</a>
    <header class="bar">
      <h1>账本审计控制台 <small>evidence-ledger console</small></h1>
      ${token === null ? null : html`<nav aria-label="主导航 Main">
        <ul>${NAV.map(([view, to, label]) => html`<li><a href=${to} aria-current=${current === view ? 'page' : undefined}>${label}</a></li>`)}</ul>
      </nav>
      <div class="who">
        <span>角色 Roles: ${roles.length > 0 ? roles.join(', ') : '?'}</span>
        <button type="button" class="secondary" onClick=${() => { saveToken(null); setToken(null) }}>退出 Forget token</button>
      </div>`}
    </header>
    <main id="main" class="screen" tabindex="-1">
      ${token === null
        ? html`<${TokenForm} data=${data} onToken=${(t: string) => { saveToken(t); setToken(t) }} />`
        : html`${route.view === 'search' ? null : html`<${SearchBox} initial="" />`}<${View} route=${route} />`}
    </main>
    <footer class="screen muted small">
      <a href="/verify">核验证据包 Verify a bundle</a> · <a href="/docs">API</a> · <a href=${href({ view: 'overview' })}>概览 Overview</a>
    </footer>`
}
