// The log's read surface: everything a service, a route or an exporter may ask of a log,
// and nothing of how it is stored. A second storage driver plugs in under it unseen.
import type { BlockHeader } from './block.ts'
import type { KindIdOwner } from './idempotency.ts'
import type { HashHit } from './search-hashes.ts'
import type { Kind, Statement } from './statement.ts'
import type { Receipt } from './verify.ts'

export interface LogEntry {
  index: number
  /** Height of the block that holds it. */
  height: number
  statement: Statement
  leafHash: string
}

export interface LogBlock {
  header: BlockHeader
  hash: string
  checkpoint: string
}

export interface LogReader {
  readonly origin: string
  readonly size: number
  /** Height of the last block; -1 for an empty log. */
  readonly height: number
  /** Latest signed checkpoint (an empty log has a freshly signed size-0 one). */
  checkpoint(): string
  statement(index: number): Promise<Statement | undefined>
  /** An entry's statement and leaf hash, without building its proof. */
  entry(index: number): Promise<LogEntry | undefined>
  leafHash(index: number): Promise<string | undefined>
  /** The entry of `owner`'s kind+id: business ids are unique per submitter, not globally. */
  indexOfKindId(kind: Kind, id: string, owner: string): Promise<number | undefined>
  /** Every submitter that has an entry of this kind+id, in owner order, with its index. */
  ownersOfKindId(kind: Kind, id: string): Promise<KindIdOwner[]>
  indexOfLeaf(leafHashHex: string): Promise<number | undefined>
  /** Entries whose commitment, or a document of whose record, has this SHA-256 (hex), in index order. */
  entriesByHash(hashHex: string, limit: number): Promise<HashHit[]>
  /** The canonical {record, salt} of an entry, unless hash-only or erased. */
  payload(index: number): Promise<Uint8Array | undefined>
  /** Indexes of later entries that ref this one (revocations, redactions), in index order. */
  referrers(index: number): Promise<number[]>
  /** Entry indexes of one subject in index order, strictly after `after`. */
  subjectIndexes(subject: string, opts: { after?: number; limit: number }): Promise<number[]>
  block(height: number): Promise<LogBlock | undefined>
  /** An entry's proof against the checkpoint of the block that holds it. */
  receipt(index: number): Promise<Receipt | undefined>
  /** Canonical statement bytes of entries [from, from + count) that exist, in order (tlog-tiles entry bundles). */
  statements(from: number, count: number): Promise<Uint8Array[]>
  /** Hashes of the tree nodes at `level` (0 = leaves), indexes [from, from + count): tlog-tiles hash tiles. */
  nodeHashes(level: number, from: number, count: number): Promise<Uint8Array[]>
  /** Called after every durable block with its checkpoint; returns the unsubscribe. */
  onCheckpoint(listener: (checkpoint: string) => void): () => void
  rootAt(size: number): Promise<Uint8Array>
  inclusionProof(index: number, size: number): Promise<Uint8Array[]>
  consistencyProof(from: number, to: number): Promise<Uint8Array[]>
}
