// Small pieces every view uses: loading an API answer, showing a refusal, label/value lists.
import { html } from 'htm/preact'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { beijingTime } from '../../src/certificate/format.ts'
import { KIND_NAMES, nameOf } from '../../src/certificate/labels.ts'
import { api, explain } from './api.ts'

export interface Loaded<T> {
  data: T | null
  error: unknown
  loading: boolean
  reload(): void
}

/** GETs `path` (null: nothing to load yet), again whenever it changes or on reload(). */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: path !== null })
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (path === null) return
    let live = true
    setState((s) => ({ ...s, loading: true }))
    api<T>(path).then(
      (data) => { if (live) setState({ data, error: null, loading: false }) },
      (error: unknown) => { if (live) setState({ data: null, error, loading: false }) },
    )
    return () => { live = false }
  }, [path, tick])
  const reload = useCallback(() => setTick((n) => n + 1), [])
  return { ...state, reload }
}

export function Problem({ error }: { error: unknown }) {
  return html`<div class="problem" role="alert">${explain(error)}</div>`
}

/** Shows the refusal, a loading line, or the view for the data. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => unknown }) {
  if (loaded.error) return html`<${Problem} error=${loaded.error} />`
  if (loaded.data === null) return html`<p class="muted" aria-live="polite">加载中… Loading…</p>`
  return children(loaded.data)
}

export function Fields({ rows }: { rows: [string, unknown][] }) {
  return html`<dl class="fields">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`
}

export const time = (iso: string | null | undefined): string => (iso ? beijingTime(iso) : '—')
export const kindName = (kind: string): string => `${nameOf(KIND_NAMES, kind)} ${kind}`
/** The first 12 hex characters: enough to tell hashes apart on screen; the full one is in the title. */
export const short = (hash: string): string => `${hash.slice(0, 12)}…`
