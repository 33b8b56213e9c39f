// Characters that change how text looks rather than what it says are refused in every
// free-text field and in token subjects: a bidi override in an applicant's name once
// appeared, reordered, on the printed certificate.
import t from 'tap'
import { makeApp, sampleRecords } from '../helpers/app.ts'
import { unsafeTextReason } from '../../chain/text-rules.ts'

const SPOOFS: [string, string][] = [
  ['\u202e', 'bidi override or isolate'], ['\u202a', 'bidi override or isolate'], ['\u2066', 'bidi override or isolate'],
  ['\u2069', 'bidi override or isolate'], ['\u0085', 'control character'], ['\u009b', 'control character'],
  ['\ufeff', 'byte order mark'], ['\u2028', 'line separator'], ['\u2029', 'paragraph separator'],
  ['\ufdd0', 'noncharacter'], ['\uffff', 'noncharacter'], ['\u{10fffe}', 'noncharacter'], ['\u0007', 'control character'],
]

/** Every string leaf of a record, as [path, setter]. */
function stringLeaves(v: unknown, path: string[] = []): string[][] {
  if (typeof v === 'string') return [path]
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, [...path, String(i)]))
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => stringLeaves(x, [...path, k]))
  return []
}

function withValue(record: unknown, path: string[], value: string): unknown {
  const copy = structuredClone(record) as Record<string, unknown>
  let o = copy as Record<string, unknown>
  for (const p of path.slice(0, -1)) o = o[p] as Record<string, unknown>
  o[path.at(-1)!] = value
  return copy
}

t.test('the text rule names each spoofing class, and passes Chinese text, tabs and newlines', async (t) => {
  for (const [ch, name] of SPOOFS) t.match(unsafeTextReason(`郑州${ch}科技`), new RegExp(`\\(${name}\\) at character 2$`), `U+${ch.codePointAt(0)!.toString(16)}`)
  t.equal(unsafeTextReason('郑州示例科技有限公司\t第2行\n（甲方）😀'), null)
  t.match(unsafeTextReason('a\ud800b'), /not well-formed/)
})

t.test('every string field of every kind refuses a bidi override with a 400 naming the field, and nothing is written', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const samples = sampleRecords(7)
  let checked = 0
  for (const kind of ['financing-application', 'data-authorization', 'evidence'] as const) {
    const record = samples[kind]
    for (const path of stringLeaves(record)) {
      const original = path.reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], record) as string
      const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind, record: withValue(record, path, `${original.slice(0, 1)}\u202e${original.slice(1)}`) } })
      t.equal(res.statusCode, 400, `${kind} ${path.join('.')}`)
      t.match(res.json().detail, path.at(-1)!, `${kind} ${path.join('.')}: the detail names the field`)
      checked++
    }
  }
  t.ok(checked > 20, `${checked} fields`)
  t.equal(app.ledger.log.size, 0, 'nothing notarized')
})

t.test('a record title with any spoofing character is refused, saying which', async (t) => {
  const { app, auth } = await makeApp(t)
  const headers = await auth('submitter')
  const record = sampleRecords(8).evidence
  for (const [ch, name] of SPOOFS) {
    const res = await app.inject({ method: 'POST', url: '/v1/records', headers, payload: { kind: 'evidence', record: { ...record, title: `借款${ch}合同` } } })
    t.equal(res.statusCode, 400, `U+${ch.codePointAt(0)!.toString(16)}`)
    t.match(res.json().detail, new RegExp(`^record\\.title is refused: U\\+[0-9A-F]{4,6} \\(${name}\\) at character 2;`), `U+${ch.codePointAt(0)!.toString(16)}`)
    t.match(res.json().errors, [{ in: 'body', field: 'record.title', pointer: '/record/title' }], 'and the errors member points at it')
  }
})

t.test('a token whose subject carries a bidi override is refused', async (t) => {
  const { app, token } = await makeApp(t)
  const bad = await token('submitter', 'platform\u202eA')
  const res = await app.inject({ method: 'GET', url: '/v1/checkpoint', headers: { authorization: `Bearer ${bad}` } })
  // Public route: auth is not consulted. A submitter route is.
  t.equal(res.statusCode, 200)
  const post = await app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${bad}` }, payload: { kind: 'evidence', id: 'E', subject: '91350100M000100Y43', commitment: 'sha256:' + 'ab'.repeat(32) } })
  t.equal(post.statusCode, 401)
  t.match(post.json().detail, /token subject must be .*bidi/)
})
