// The auditor console (/console, docs/console.md): Preact + htm views over the read API,
// charts by Chart.js, proofs verified with chain/verify.ts. Bundled and inlined by
// src/web-page.ts like /verify; nothing is fetched from anywhere but this service's API.
import { html } from 'htm/preact'
import { render } from 'preact'
import { App } from './console/app.ts'
import type { ConsoleData } from './console/data.ts'

const data = JSON.parse(document.getElementById('console-data')?.textContent ?? '{}') as ConsoleData
render(html`<${App} data=${{ loginUrl: data.loginUrl ?? null }} />`, document.getElementById('app')!)
