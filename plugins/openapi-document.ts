// Final touches on the OpenAPI document @fastify/swagger generates from the route schemas:
// paths in the order of the tag list (what a platform calls first comes first, whatever
// order the routes were registered in), and schema `examples` arrays (JSON Schema, which
// TypeBox writes) as the one `example` OpenAPI 3.0 knows, where @fastify/swagger leaves
// them (inside anyOf branches, for one).

export const OPENAPI_TAGS = [
  { name: 'records', description: 'Notarize records and read them back' },
  { name: 'consent', description: 'Data-authorization status at a moment, and erasure' },
  { name: 'evidence', description: 'Evidence bundles, the 存证证明 certificate and the public verification pages' },
  { name: 'audit', description: 'Entries, blocks, subject histories, search and statistics, for auditors' },
  { name: 'proofs', description: 'Signed checkpoints, verifier keys, inclusion and consistency proofs: public' },
  { name: 'tlog', description: 'C2SP tlog-tiles read API: public' },
  { name: 'operations', description: 'Backup' },
  { name: 'health', description: 'Liveness, readiness and metrics' },
]

type Json = Record<string, unknown>

export function finishDocument<T extends object>(doc: T): T {
  const d = doc as Json
  const paths = (d.paths ?? {}) as Record<string, Record<string, { tags?: string[] }>>
  const order = (path: string) => Math.min(...Object.values(paths[path]).map((op) => {
    const i = OPENAPI_TAGS.findIndex((t) => op.tags?.includes(t.name))
    return i < 0 ? OPENAPI_TAGS.length : i
  }))
  // Array.prototype.sort is stable: within a tag, registration order stays.
  d.paths = Object.fromEntries(Object.keys(paths).sort((a, b) => order(a) - order(b)).map((p) => [p, paths[p]]))
  singleExamples(d)
  return doc
}

// A schema's `examples` is an array; a media type's or parameter's is a map of named examples.
function singleExamples(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) singleExamples(x)
    return
  }
  if (typeof node !== 'object' || node === null) return
  const n = node as Json
  if (Array.isArray(n.examples)) {
    if (n.example === undefined && n.examples.length > 0) n.example = n.examples[0]
    delete n.examples
  }
  for (const [k, v] of Object.entries(n)) if (k !== 'example') singleExamples(v)
}
