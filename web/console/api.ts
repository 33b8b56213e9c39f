// The console's one way to the API: the pasted bearer token (kept in sessionStorage, so it
// is gone when the tab closes), and problem+json refusals turned into sentences.
const TOKEN_KEY = 'evidence-ledger.console.token'

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function saveToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY)
  else sessionStorage.setItem(TOKEN_KEY, token)
}

/** A refused or failed request, with what to tell the user. */
export class ApiError extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string

  constructor(status: number, title: string, detail: string) {
    super(`${status} ${title}: ${detail}`)
    this.status = status
    this.title = title
    this.detail = detail
  }
}

/** Roles the token claims, read without verifying it (the server does): only to decide what to offer. */
export function tokenRoles(token: string | null): string[] {
  const part = token?.split('.')[1]
  if (!part) return []
  try {
    const json = JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown }
    return Array.isArray(json.roles) ? json.roles.filter((r): r is string => typeof r === 'string') : []
  } catch {
    return []
  }
}

async function request(path: string): Promise<Response> {
  const token = savedToken()
  let res: Response
  try {
    res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  } catch {
    throw new ApiError(0, '无法连接', '无法连接到账本服务 The ledger service cannot be reached')
  }
  if (res.ok) return res
  let title = res.statusText
  let detail = ''
  try {
    const p = (await res.json()) as { title?: string; detail?: string }
    title = p.title ?? title
    detail = p.detail ?? ''
  } catch { /* not problem+json: the status says enough */ }
  throw new ApiError(res.status, title, detail)
}

export async function api<T>(path: string): Promise<T> {
  return (await request(path)).json() as Promise<T>
}

/** Fetches with the token and hands the bytes to the browser as a download (a plain link cannot carry the token). */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await request(path)).blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** What a refusal means for the person at the console, in plain words. */
export function explain(e: unknown): string {
  if (!(e instanceof ApiError)) return `出错了 Something went wrong: ${(e as Error).message}`
  if (e.status === 401) return '未登录或令牌无效、已过期：请粘贴有效的令牌。Not signed in, or the token is invalid or expired: paste a valid token.'
  if (e.status === 403) return '此令牌的角色无权查看账本：需要审计员（auditor）、法院（court）或管理员（admin）令牌。This token\'s role may not read the ledger: it needs an auditor, court or admin token.'
  if (e.status === 0) return e.detail
  return `${e.status} ${e.title}${e.detail ? `：${e.detail}` : ''}`
}
