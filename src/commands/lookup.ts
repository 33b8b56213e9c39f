// `evidence-ledger get | search | loginfo`: rekor-cli-style lookups against a running
// ledger. `get` does not take the server's word: it fetches the entry's inclusion proof
// against the current signed checkpoint and verifies both with chain/verify.ts.
import { parseCheckpointNote } from '../../chain/note.ts'
import { allPassed, verifyEntryProof, type StepResult } from '../../chain/verify.ts'
import type { Statement } from '../../chain/statement.ts'
import { readVkey } from './verify.ts'
import { refusalWords } from './refusal.ts'
import { bytesToHex } from '../../chain/encoding.ts'

export interface LookupOptions {
  url?: string
  token?: string
  key?: string
  json?: boolean
}

interface Entry { index: number; leafHash: string; height: number; statement: Statement }

function base(o: LookupOptions): string {
  const url = o.url ?? process.env.EVIDENCE_LEDGER_URL ?? 'http://127.0.0.1:3000'
  try {
    return new URL(url).origin
  } catch {
    throw new Error(`--url is not a URL: ${url}`)
  }
}

async function call(o: LookupOptions, path: string, auth = true): Promise<Response> {
  const token = o.token ?? process.env.EVIDENCE_LEDGER_TOKEN
  if (auth && !token) throw new Error('this needs an auditor token: pass --token <jwt> or set EVIDENCE_LEDGER_TOKEN (e.g. from `evidence-ledger token --role auditor`)')
  let res: Response
  try {
    res = await fetch(base(o) + path, { headers: auth ? { authorization: `Bearer ${token}` } : {} })
  } catch (e) {
    throw new Error(`cannot reach ${base(o)}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`)
  }
  if (!res.ok) throw new Error(`${base(o)}${path.split('?')[0]} answered ${res.status} ${await refusalWords(res)}`)
  return res
}

async function search(o: LookupOptions, q: string): Promise<{ matched: string; entries: Entry[]; subject?: string }> {
  return (await call(o, `/v1/search?q=${encodeURIComponent(q)}`)).json() as Promise<{ matched: string; entries: Entry[]; subject?: string }>
}

function describe(e: Entry): string {
  const s = e.statement
  return [
    `entry ${e.index} (block ${e.height})`,
    `  kind        ${s.kind}`,
    `  id          ${s.id}`,
    `  enterprise  ${s.subject}`,
    `  submitter   ${s.submitter}`,
    `  ledger time ${s.time} (the operator's clock)`,
    `  commitment  ${s.commitment}`,
    `  leaf hash   ${e.leafHash}`,
    ...(s.refs.length > 0 ? [`  refers to   ${s.refs.join(', ')}`] : []),
  ].join('\n')
}

export async function runGet(o: LookupOptions & { index?: string; leaf?: string; id?: string }): Promise<number> {
  const given = [o.index, o.leaf, o.id].filter((x) => x !== undefined)
  if (given.length !== 1) throw new Error('say which entry: exactly one of --index N, --leaf <hash>, --id <kind:id>')
  const found = await search(o, given[0]!)
  const e = found.entries[0]
  // Each option names one way to find an entry: a leaf hash that is some entry's commitment
  // or a document's SHA-256 is not that entry's leaf.
  const expected = o.index !== undefined ? 'index' : o.leaf !== undefined ? 'leaf' : 'kind:id'
  if (found.matched !== expected || !e) throw new Error(`no entry matches ${given[0]}`)
  const vkey = o.key ? readVkey(o.key) : await publishedKey(o)
  const checkpoint = await (await call(o, '/v1/checkpoint', false)).text()
  const size = parseCheckpointNote(checkpoint).checkpoint.size
  const proof = await (await call(o, `/v1/proofs/inclusion?index=${e.index}&size=${size}`, false)).json() as { treeSize: number; hashes: string[] }
  const { steps } = verifyEntryProof({ statement: e.statement, entry: { index: e.index, leafHash: e.leafHash }, inclusion: proof, checkpoint }, vkey)
  const ok = allPassed(steps)
  if (o.json) {
    process.stdout.write(JSON.stringify({ entry: e, checkpoint, inclusion: proof, verified: ok, steps, key: vkey }, null, 2) + '\n')
  } else {
    process.stdout.write(`${describe(e)}\n\n${steps.map(stepLine).join('\n')}\n\n${ok
      ? `VERIFIED: entry ${e.index} is in the ledger's signed tree of size ${size}${o.key ? '' : ' (key as published by the server; pass --key to pin the one you trust)'}.`
      : 'NOT VERIFIED: at least one step failed.'}\n`)
  }
  return ok ? 0 : 1
}

function stepLine(s: StepResult): string {
  return `${s.ok === true ? 'PASS' : s.ok === false ? 'FAIL' : 'n/a '}  ${s.step}: ${s.detail}`
}

async function publishedKey(o: LookupOptions): Promise<string> {
  const keys = await (await call(o, '/v1/keys', false)).json() as { keys: { vkey: string; current: boolean }[] }
  const current = keys.keys.find((k) => k.current)
  if (!current) throw new Error('the server publishes no current verifier key')
  return current.vkey
}

export async function runSearch(q: string, o: LookupOptions): Promise<number> {
  const found = await search(o, q)
  if (o.json) {
    process.stdout.write(JSON.stringify(found, null, 2) + '\n')
  } else if (found.entries.length === 0) {
    process.stdout.write(`nothing matches ${q} (an entry index, a leaf hash, a commitment, a document's SHA-256, kind:id or a USCC)\n`)
  } else {
    const what = {
      index: 'entry index', leaf: 'leaf hash', commitment: 'commitment', document: "a document's SHA-256 (in the record)",
      hash: "commitment or a document's SHA-256", 'kind:id': 'business id', uscc: 'enterprise (USCC)',
    }[found.matched] ?? found.matched
    process.stdout.write(`${found.entries.length} entr${found.entries.length === 1 ? 'y' : 'ies'} by ${what}:\n\n${found.entries.map(describe).join('\n\n')}\n`)
    if (found.subject) process.stdout.write(`\n(first ${found.entries.length}; the whole history: GET /v1/subjects/${found.subject}/entries)\n`)
  }
  return found.entries.length > 0 ? 0 : 1
}

export async function runLoginfo(o: LookupOptions): Promise<number> {
  const checkpoint = await (await call(o, '/v1/checkpoint', false)).text()
  const keys = await (await call(o, '/v1/keys', false)).json() as { origin: string; keys: { vkey: string; current: boolean }[] }
  const { note, checkpoint: cp } = parseCheckpointNote(checkpoint)
  const info = {
    url: base(o), origin: cp.origin, treeSize: cp.size, root: bytesToHex(cp.root),
    signers: note.signatures.map((s) => s.name),
    keys: keys.keys.map((k) => ({ vkey: k.vkey, current: k.current })),
  }
  if (o.json) {
    process.stdout.write(JSON.stringify({ ...info, checkpoint }, null, 2) + '\n')
  } else {
    process.stdout.write([
      `ledger     ${info.url}`,
      `origin     ${info.origin}`,
      `tree size  ${info.treeSize} entries`,
      `root       ${info.root}`,
      `signed by  ${info.signers.join(', ')}${info.signers.length === 1 ? ' (only the operator vouches; witnesses add their cosignatures here)' : ''}`,
      ...info.keys.map((k) => `key        ${k.vkey}${k.current ? ' (current)' : ' (retired)'}`),
      '',
    ].join('\n'))
  }
  return 0
}
