// Views live in the URL's fragment (#/blocks/12), so the page stays one static file, every
// view can be bookmarked and shared, and Back works.
import { useEffect, useState } from 'preact/hooks'

export type Route =
  | { view: 'overview' }
  | { view: 'blocks'; before?: number }
  | { view: 'block'; height: number }
  | { view: 'entry'; index: number }
  | { view: 'search'; q: string }
  | { view: 'enterprise'; uscc: string }

const int = (s: string | undefined): number | undefined => (s !== undefined && /^\d{1,15}$/.test(s) ? Number(s) : undefined)

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?')
  const params = new URLSearchParams(query)
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent)
  switch (parts[0]) {
    case 'blocks': {
      const height = int(parts[1])
      if (height !== undefined) return { view: 'block', height }
      return { view: 'blocks', before: int(params.get('before') ?? undefined) }
    }
    case 'entries': {
      const index = int(parts[1])
      return index === undefined ? { view: 'overview' } : { view: 'entry', index }
    }
    case 'search':
      return { view: 'search', q: params.get('q') ?? '' }
    case 'enterprise':
      return parts[1] ? { view: 'enterprise', uscc: parts[1] } : { view: 'overview' }
    default:
      return { view: 'overview' }
  }
}

export function href(r: Route): string {
  switch (r.view) {
    case 'overview': return '#/'
    case 'blocks': return r.before === undefined ? '#/blocks' : `#/blocks?before=${r.before}`
    case 'block': return `#/blocks/${r.height}`
    case 'entry': return `#/entries/${r.index}`
    case 'search': return `#/search?q=${encodeURIComponent(r.q)}`
    case 'enterprise': return `#/enterprise/${encodeURIComponent(r.uscc)}`
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash))
    addEventListener('hashchange', on)
    return () => removeEventListener('hashchange', on)
  }, [])
  return route
}
