// Recovery at open: before a log serves or appends, prove the stored state is the log its
// head names — the last block's header, hash and size, nothing stored beyond it, the tree
// loaded from storage ending at the block's root, and the block's checkpoint signed by
// this ledger's key (current or retired) for this origin. Anything else refuses to start:
// appending after damage would build on it. The full re-verification is audit.ts.
import { blockHash, checkBlockCheckpoint, parseBlockHeader } from './block.ts'
import { bytesToHex } from './encoding.ts'
import type { LogTip } from './integrate.ts'
import { parseVkey } from './note.ts'
import type { LedgerStore } from './store.ts'
import { CompactRange } from './tree.ts'
import { verifyCheckpoint } from './verify.ts'

export class LedgerIntegrityError extends Error {
  override name = 'LedgerIntegrityError'
}

/** The checkpoint as verified by this ledger's current or a retired key, or null if neither signed it. */
export function signedByOurKeys(checkpoint: string, opts: { vkey: string; retiredKeys?: string[] }) {
  for (const k of [opts.vkey, ...(opts.retiredKeys ?? [])]) {
    const r = verifyCheckpoint(checkpoint, parseVkey(k))
    if (r.ok) return r
  }
  return null
}

const HEADER_PROBLEMS = { json: 'is unreadable', canonical: 'is not canonical', shape: 'is not a block header' } as const

export async function recoverTip(store: LedgerStore, opts: { origin: string; vkey: string; retiredKeys?: string[] }): Promise<LogTip> {
  const head = await store.head()
  if (head === null) {
    // No head must mean no log: rows without one are damaged storage, not an empty log to overwrite.
    if (await store.blockHeader(0) || await store.entry(0)) {
      throw new LedgerIntegrityError('refusing to start: storage holds blocks or entries but no log head')
    }
    return { compact: new CompactRange(0, []), latest: null }
  }
  const fail = (why: string): never => {
    throw new LedgerIntegrityError(`refusing to start: ${why} (storage at block ${head.height}, size ${head.size})`)
  }
  const headerBytes = await store.blockHeader(head.height)
  const checkpoint = await store.checkpoint(head.height)
  if (!headerBytes || checkpoint === undefined) return fail('the last block or its checkpoint is missing')
  const parsed = parseBlockHeader(headerBytes)
  if (!parsed.ok) return fail(`the last block header ${HEADER_PROBLEMS[parsed.problem]}`)
  const header = parsed.header
  if (blockHash(header) !== head.blockHash) fail('the last block hash does not match the log head')
  if (header.size !== head.size) fail(`the last block says size ${header.size}, the head says ${head.size}`)
  // The head must name the newest block: appending after an older one would overwrite acknowledged entries.
  if (await store.blockHeader(head.height + 1) || await store.entry(head.size)) {
    fail(`storage holds blocks or entries after block ${head.height}, which the head names as the last`)
  }
  let compact: CompactRange
  try {
    compact = await CompactRange.load(store, head.size)
  } catch (e) {
    return fail(`the tree cannot be loaded: ${(e as Error).message}`)
  }
  const root = bytesToHex(compact.root())
  if (root !== header.root) fail(`the stored tree has root ${root}, the last block says ${header.root}`)
  const signed = signedByOurKeys(checkpoint, opts)
  if (!signed) {
    return fail(`the last checkpoint is not signed by this ledger's key ${opts.vkey} or a retired one; wrong signing key for this data directory (or, over a shared database, another instance's key: every instance must sign with the same one)?`)
  }
  const problem = checkBlockCheckpoint(header, signed.checkpoint, opts.origin)
  if (problem === 'origin') fail(`the log's origin is "${signed.checkpoint.origin}", configured origin is "${opts.origin}"`)
  if (problem !== null) fail('the last checkpoint does not match the tree')
  return { compact, latest: { header, hash: head.blockHash, checkpoint } }
}
