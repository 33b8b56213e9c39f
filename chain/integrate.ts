// Integration, the heart of an append: one batch of requests becomes one block — replays
// and conflicts sorted out, statements stamped with the block's time, leaves and tree
// nodes, header, signed checkpoint — and, once that block is durable, the receipts. Pure
// computation over the log's tip: the caller writes the block, and only then moves on.
import { encodeBlockHeader, blockHash, GENESIS_PREV, type BlockHeader } from './block.ts'
import { BlockProofs } from './block-proofs.ts'
import type { CheckpointSigner } from './checkpoint.ts'
import { bytesToHex } from './encoding.ts'
import { leafHash } from './hash.ts'
import { BlockDedup, type KindIdRow, type Replay } from './idempotency.ts'
import type { LogBlock } from './reader.ts'
import { statementText, type Kind, type Statement } from './statement.ts'
import type { EntryWrite, ErasedEntry, BlockWrite } from './store.ts'
import { TextArena } from './text-arena.ts'
import type { CompactRange, StoredNode } from './tree.ts'
import type { Receipt } from './verify.ts'

export interface AppendRequest {
  kind: Kind
  id: string
  subject: string
  commitment: string
  submitter: string
  /**
   * Whose kind+id this is: ids are unique per owner (idempotency.ts). The submitter, except
   * for a redaction: the erased record's submitter, so it is addressed as its record is.
   */
  owner: string
  refs: { index: number; leafHash: string }[]
  /** Identity of the submitted content: equal fingerprint = idempotent replay (idempotency.ts). */
  fingerprint: Uint8Array
  /** Canonical {record, salt}, kept off the tree and erasable (payload.ts). */
  payload?: Uint8Array
  /** Hex SHA-256 of the documents the record names (search-hashes.ts), for the search index. */
  documents?: readonly string[]
  /** Erase this entry's payload in the same block (redaction). */
  erase?: ErasedEntry
}

export type AppendOutcome = { status: 'created'; index: number; receipt: Receipt } | Replay

/** What the log is at: its right edge and its last block (null while empty). */
export interface LogTip {
  compact: CompactRange
  latest: LogBlock | null
}

export interface IntegratedBlock {
  /** Null when every request was a replay or a conflict: nothing to write. */
  write: BlockWrite | null
  /** The log's tip once `write` is durable. */
  tip: LogTip
  /** Every request's outcome, in order: call it once the block is durable. */
  outcomes(): AppendOutcome[]
}

export function integrateBlock(
  tip: LogTip,
  requests: readonly AppendRequest[],
  /** The stored owner+kind+id row of each request (one batched read). */
  stored: readonly (KindIdRow | undefined)[],
  ctx: { now: number; origin: string; signer: CheckpointSigner },
): IntegratedBlock {
  const compact = tip.compact.clone()
  const frontier = compact.nodes()
  // Ledger time never goes back, even if the clock does: history queries rely on it.
  const lastTime = tip.latest ? Date.parse(tip.latest.header.time) : 0
  const time = new Date(Math.max(ctx.now, lastTime)).toISOString()
  const dedup = new BlockDedup(stored)
  const entries: EntryWrite[] = []
  const nodes: StoredNode[] = []
  const erase: ErasedEntry[] = []
  const created: { slot: number; statement: Statement; leaf: Uint8Array; index: number }[] = []
  const texts = new TextArena()
  const outcomes: (AppendOutcome | null)[] = requests.map((r, slot) => {
    const replay = dedup.admit(slot, r, compact.size)
    if (replay) return replay
    const statement: Statement = {
      v: 1, kind: r.kind, id: r.id, subject: r.subject, commitment: r.commitment,
      submitter: r.submitter, time, refs: r.refs.map((x) => x.leafHash),
    }
    // statementBytes(), written straight into the block's shared buffer.
    const bytes = texts.encode(statementText(statement))
    const leaf = leafHash(bytes)
    const index = compact.size
    for (const n of compact.append(leaf)) nodes.push(n)
    entries.push({
      index, statement: bytes, leafHash: leaf, kind: r.kind, id: r.id, owner: r.owner, subject: r.subject,
      fingerprint: r.fingerprint, payload: r.payload, refIndexes: r.refs.map((x) => x.index),
      commitment: r.commitment, documents: r.documents,
    })
    if (r.erase !== undefined) erase.push(r.erase)
    created.push({ slot, statement, leaf, index })
    return null
  })
  if (entries.length === 0) return { write: null, tip, outcomes: () => outcomes as AppendOutcome[] }

  const height = (tip.latest?.header.height ?? -1) + 1
  const root = compact.root()
  const header: BlockHeader = {
    height,
    prev: tip.latest?.hash ?? GENESIS_PREV,
    first: tip.compact.size,
    count: entries.length,
    size: compact.size,
    root: bytesToHex(root),
    time,
  }
  const hash = blockHash(header)
  const checkpoint = ctx.signer.signCheckpoint({ origin: ctx.origin, size: compact.size, root })
  return {
    write: {
      height, header: encodeBlockHeader(header), checkpoint, entries, nodes, erasePayloads: erase,
      head: { size: compact.size, height, blockHash: hash, root: header.root },
    },
    tip: { compact, latest: { header, hash, checkpoint } },
    outcomes() {
      // Every proof of this block needs only the block's new nodes and the old right edge;
      // entries share most of their path, so each hash is hex-encoded once for all.
      const proofs = new BlockProofs(header.size, frontier, nodes)
      for (const c of created) {
        outcomes[c.slot] = {
          status: 'created',
          index: c.index,
          receipt: {
            entry: { index: c.index, leafHash: bytesToHex(c.leaf) },
            statement: c.statement,
            block: { height, hash },
            checkpoint,
            inclusion: { treeSize: header.size, hashes: proofs.inclusion(c.index) },
          },
        }
      }
      return outcomes as AppendOutcome[]
    },
  }
}
