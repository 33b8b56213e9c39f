// The hashes an auditor searches the log by, besides the leaf hash: an entry's commitment
// (in its statement) and the SHA-256 of every document its record names (evidence
// documents, application attachments, an authorization's consent text). One rule for every
// path that fills the index — append, restore and the migration of an older store — so
// they can never disagree on what an entry is findable by.
import { hexToBytes, utf8Decoder } from './encoding.ts'

/** Which of an entry's hashes a search matched. */
export type HashMatch = 'commitment' | 'document'

export interface HashHit {
  index: number
  matched: HashMatch
}

const HEX64 = /^[0-9a-f]{64}$/

/**
 * Document hashes a record names: every string of 64 lowercase hex under a property named
 * `sha256` or ending in `Sha256`, at any depth, each once, in the order found. A rule on
 * names rather than a list per kind: chain/ knows no record kinds, and a kind that adds a
 * hashed document field is indexed without a change here.
 */
export function documentHashes(record: unknown): string[] {
  const out = new Set<string>()
  const walk = (v: unknown, depth: number): void => {
    // Records are schema-bounded and shallow; the bound only guards a hostile backup.
    if (depth > 16 || typeof v !== 'object' || v === null) return
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1)
      return
    }
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string') {
        if ((k === 'sha256' || k.endsWith('Sha256')) && HEX64.test(x)) out.add(x)
      } else walk(x, depth + 1)
    }
  }
  walk(record, 0)
  return [...out]
}

/** The document hashes of a stored payload (canonical {record, salt}). */
export function payloadDocumentHashes(payload: Uint8Array): string[] {
  const parsed = JSON.parse(utf8Decoder.decode(payload)) as { record?: unknown }
  return documentHashes(parsed.record)
}

/** The 32 bytes of a statement's `sha256:<hex>` commitment. */
export function commitmentBytes(commitment: string): Uint8Array {
  return hexToBytes(commitment.slice('sha256:'.length))
}
