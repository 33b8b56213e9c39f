// What a server said when it refused a CLI request, in words: the problem's title and
// detail (RFC 9457), not its raw JSON; the start of the body when it is no problem document.
export async function refusalWords(res: Response): Promise<string> {
  const text = await res.text()
  try {
    const p = JSON.parse(text) as { title?: string; detail?: string }
    if (p.title || p.detail) return [p.title, p.detail].filter(Boolean).join(': ')
  } catch {
    // not a problem document; say what came back
  }
  return text.slice(0, 200)
}
