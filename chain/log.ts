// The append-only log, told as the life of an entry (tessera's append lifecycle):
//   open       recover.ts       prove the stored tip is the log its head names
//   append     sequencer.ts     queue; concurrent groups share the next block (group commit)
//   integrate  integrate.ts     replays (idempotency.ts), statements, leaves, tree nodes,
//                               header, signed checkpoint
//   persist    store.ts         one atomic, fsynced write batch per block
//   answer     block-proofs.ts  receipts for everyone in the block, once it is durable
//   read       reader.ts        the read surface; audit.ts re-verifies all of it from storage
// Nobody hears "done" before their block is on disk, and a block is all-or-nothing.
import { blockHash, parseBlockHeader } from './block.ts'
import type { CheckpointSigner } from './checkpoint.ts'
import { bytesToHex, hexToBytes } from './encoding.ts'
import { EMPTY_ROOT, leafHash } from './hash.ts'
import { cosignedSize, decodeCosigned, encodeCosigned, type CosignedArchive, type CosignedCheckpoint, type CosignedSlot } from './cosigned-checkpoints.ts'
import type { KindIdOwner } from './idempotency.ts'
import { integrateBlock, type AppendOutcome, type AppendRequest, type LogTip } from './integrate.ts'
import { NodeCache, PINNED_LEVEL } from './node-cache.ts'
import type { LogBlock, LogEntry, LogReader } from './reader.ts'
import { LedgerIntegrityError, recoverTip, signedByOurKeys } from './recover.ts'
import type { HashHit } from './search-hashes.ts'
import { Sequencer, type BlockStats } from './sequencer.ts'
import { parseStatement, type Kind, type Statement } from './statement.ts'
import { openLevelStorage, storeOf, type LedgerStorage } from './storage.ts'
import type { LedgerStore } from './store.ts'
import { CompactRange, consistencyProof, inclusionProof, rootAt, type NodeId, type NodeReader } from './tree.ts'
import type { Receipt } from './verify.ts'

export type { AppendOutcome, AppendRequest } from './integrate.ts'
export type { BlockStats } from './sequencer.ts'
export { LedgerIntegrityError } from './recover.ts'

export interface LogOptions {
  storage: LedgerStorage
  origin: string
  signer: CheckpointSigner
  /** Verifier keys of retired signing keys whose checkpoints this log may hold. */
  retiredKeys?: string[]
  /** Upper bound on entries per block; a single append() group is never split. */
  maxBlockEntries?: number
  now?: () => number
}

export interface LogCacheStats {
  /** Tree-node hashes held (chain/node-cache.ts). */
  treeNodeBytes: number
  /** Block headers held (at most CACHED_BLOCKS). */
  cachedBlocks: number
  /** The storage driver's own memory (LevelDB: memtables and block cache), if it reports one. */
  storeBytes?: number
}

/** Headers of recently read blocks: receipts of one block are often asked for together. */
const CACHED_BLOCKS = 1024

export class Log implements LogReader, NodeReader, CosignedArchive {
  /** The storage this log owns (and closes): an opaque handle outside chain/. */
  readonly storage: LedgerStorage
  readonly origin: string
  readonly signer: CheckpointSigner
  readonly #store: LedgerStore
  readonly #now: () => number
  readonly #sequencer: Sequencer<AppendRequest, AppendOutcome>
  readonly #emptyCheckpoint: string
  readonly #nodes = new NodeCache()
  readonly #blocks = new Map<number, LogBlock>()
  readonly #checkpointListeners = new Set<(checkpoint: string) => void>()
  readonly #recover: { origin: string; vkey: string; retiredKeys?: string[] }
  #tip: LogTip
  onBlock: ((stats: BlockStats) => void) | null = null

  private constructor(opts: LogOptions, tip: LogTip) {
    this.storage = opts.storage
    this.origin = opts.origin
    this.signer = opts.signer
    this.#store = storeOf(opts.storage)
    this.#now = opts.now ?? Date.now
    this.#tip = tip
    this.#recover = { origin: opts.origin, vkey: opts.signer.vkey, retiredKeys: opts.retiredKeys }
    this.#emptyCheckpoint = opts.signer.signCheckpoint({ origin: opts.origin, size: 0, root: EMPTY_ROOT })
    this.#sequencer = new Sequencer(opts.maxBlockEntries ?? 20_000, (requests) => this.#writeBlock(requests), (stats) => this.onBlock?.(stats))
  }

  /** Opens the log and proves the stored tree matches the last block before serving. */
  static async open(opts: LogOptions): Promise<Log> {
    const store = storeOf(opts.storage)
    const recover = { origin: opts.origin, vkey: opts.signer.vkey, retiredKeys: opts.retiredKeys }
    // A shared store is recovered under the block lock: a block another instance commits
    // between reading the head and checking nothing lies beyond it would look like damage.
    const tip = store.exclusive ? await store.exclusive((tx) => recoverTip(tx, recover)) : await recoverTip(store, recover)
    return new Log(opts, tip)
  }

  /** Opens the LevelDB storage at `path` and the log in it; closing the log closes both. */
  static async openAt(path: string, opts: Omit<LogOptions, 'storage'>): Promise<Log> {
    const storage = await openLevelStorage(path)
    try {
      return await Log.open({ ...opts, storage })
    } catch (e) {
      await storage.close()
      throw e
    }
  }

  get size(): number {
    return this.#tip.compact.size
  }

  get height(): number {
    return this.#tip.latest?.header.height ?? -1
  }

  root(): Uint8Array {
    return this.#tip.compact.root()
  }

  checkpoint(): string {
    return this.#tip.latest?.checkpoint ?? this.#emptyCheckpoint
  }

  latestBlock(): { header: LogBlock['header']; hash: string } | null {
    const latest = this.#tip.latest
    return latest ? { header: latest.header, hash: latest.hash } : null
  }

  /**
   * Queues a group of requests. They land in one block together, resolved in order once
   * that block is durable. Concurrent callers share blocks (group commit).
   */
  append(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    return this.#sequencer.add(requests)
  }

  /** Stops accepting appends and waits until every queued one is written. */
  drain(): Promise<void> {
    return this.#sequencer.drain()
  }

  async close(): Promise<void> {
    await this.drain()
    await this.storage.close()
  }

  async #writeBlock(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.#store.exclusive !== undefined) return this.#writeSharedBlock(requests)
    const stored = await this.#store.byKindIds(requests)
    const block = integrateBlock(this.#tip, requests, stored, { now: this.#now(), origin: this.origin, signer: this.signer })
    if (block.write !== null) {
      await this.#store.writeBlock(block.write)
      // Durable: only now does the in-memory view move forward.
      this.#tip = block.tip
      this.#rememberBlock(block.write.height, block.tip.latest!)
      for (const n of block.write.nodes) this.#nodes.set(n.id.level, n.id.index, n.hash)
      // Listeners (witnessing) only take note and return; they must never hold up the sequencer.
      for (const l of this.#checkpointListeners) l(block.write.checkpoint)
    }
    return block.outcomes()
  }

  async loadCosigned(slot: CosignedSlot): Promise<CosignedCheckpoint | undefined> {
    const v = await this.#store.cosigned(slot)
    return v === undefined ? undefined : decodeCosigned(v)
  }

  saveCosigned(slots: readonly CosignedSlot[], c: CosignedCheckpoint): Promise<void> {
    return this.#store.putCosigned(slots, cosignedSize(c), encodeCosigned(c))
  }

  onCheckpoint(listener: (checkpoint: string) => void): () => void {
    this.#checkpointListeners.add(listener)
    return () => this.#checkpointListeners.delete(listener)
  }

  /**
   * A store other processes write too (PostgreSQL): the block is integrated and written
   * under the database's block lock, on top of the head stored there. When another
   * instance has written since this one last did, the tip is first reloaded from the
   * stored rows (recoverTip: O(log n) node reads and the last block, never a rebuild), so
   * no two instances ever write the same height and replays are checked against every
   * committed entry.
   */
  async #writeSharedBlock(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    const { block, tip } = await this.#store.exclusive!(async (tx, head) => {
      const height = head?.height ?? -1
      if (height < this.height) {
        // The database forgot blocks this instance saw committed (restored from an older
        // backup, or a failover to a standby that had not received them): appending now
        // would fork the log every earlier receipt is on.
        throw new LedgerIntegrityError(`the database's head is block ${height}, but block ${this.height} was committed before: it lost acknowledged blocks; refusing to append`)
      }
      const tip = height === this.height && head?.blockHash === (this.#tip.latest?.hash ?? head?.blockHash) ? this.#tip : await recoverTip(tx, this.#recover)
      const stored = await tx.byKindIds(requests)
      const block = integrateBlock(tip, requests, stored, { now: this.#now(), origin: this.origin, signer: this.signer })
      if (block.write !== null) await tx.writeBlock(block.write)
      return { block, tip }
    })
    // Committed: only now does the in-memory view move forward.
    if (block.write !== null) {
      this.#tip = block.tip
      this.#rememberBlock(block.write.height, block.tip.latest!)
      for (const n of block.write.nodes) this.#nodes.set(n.id.level, n.id.index, n.hash)
      for (const l of this.#checkpointListeners) l(block.write.checkpoint)
    } else if (tip.compact.size > this.#tip.compact.size) {
      this.#tip = tip
    }
    return block.outcomes()
  }

  /**
   * Moves this instance's view to the newest block another instance committed (a shared
   * store; a no-op otherwise), so size, height and checkpoint() are current. Reads the
   * head, its block and the O(log n) nodes of the right edge.
   */
  async refresh(): Promise<void> {
    if (this.#store.exclusive === undefined) return
    const head = await this.#store.head()
    if (head === null || head.height <= this.height) return
    const [bytes, checkpoint] = await Promise.all([this.#store.blockHeader(head.height), this.#store.checkpoint(head.height)])
    const parsed = bytes && parseBlockHeader(bytes)
    if (!parsed || !parsed.ok || checkpoint === undefined) throw new LedgerIntegrityError(`block ${head.height}, the stored head, is missing or unreadable`)
    // Another instance over the same database signing with another key would make this
    // one serve checkpoints its own /v1/keys cannot verify: refuse (readiness goes 503).
    if (!signedByOurKeys(checkpoint, this.#recover)) {
      throw new LedgerIntegrityError(`block ${head.height} was committed with a checkpoint this instance's key ${this.signer.vkey} (or a retired one) did not sign: every instance over one database must use the same signing key (LEDGER_SIGNING_KEY or DATA_DIR/keys/checkpoint.skey)`)
    }
    const compact = await CompactRange.load(this, head.size)
    if (bytesToHex(compact.root()) !== parsed.header.root) throw new LedgerIntegrityError(`the stored tree of size ${head.size} does not end at block ${head.height}'s root`)
    // Appends of this instance may have moved past it meanwhile: the view only moves forward.
    if (head.height > this.height) {
      this.#tip = { compact, latest: { header: parsed.header, hash: head.blockHash, checkpoint } }
      for (const l of this.#checkpointListeners) l(checkpoint)
    }
  }

  // ---- reads -------------------------------------------------------------------------

  statements(from: number, count: number): Promise<Uint8Array[]> {
    // Bounded by the in-memory size: rows of a block still being written are not served.
    return this.#store.statements(from, Math.min(count, this.size - from))
  }

  nodeHashes(level: number, from: number, count: number): Promise<Uint8Array[]> {
    if (count <= 0) return Promise.resolve([])
    if ((from + count) * 2 ** level > this.size) throw new RangeError(`nodes ${from}..${from + count - 1} at level ${level} are not complete in a tree of ${this.size}`)
    return this.readNodes(Array.from({ length: count }, (_, i) => ({ level, index: from + i })))
  }

  async readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const out: (Uint8Array | undefined)[] = ids.map((id) => this.#nodes.get(id.level, id.index))
    const missing = ids.filter((_, i) => out[i] === undefined)
    if (missing.length > 0) {
      const loaded = await this.#store.readNodes(missing)
      let j = 0
      for (let i = 0; i < out.length; i++) {
        if (out[i] === undefined) {
          out[i] = loaded[j++]
          if (ids[i].level >= PINNED_LEVEL) this.#nodes.set(ids[i].level, ids[i].index, out[i]!)
        }
      }
    }
    return out as Uint8Array[]
  }

  rootAt(size: number): Promise<Uint8Array> {
    this.#checkSize(size)
    return rootAt(this, size)
  }

  inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    this.#checkSize(size)
    return inclusionProof(this, index, size)
  }

  consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    this.#checkSize(to)
    return consistencyProof(this, from, to)
  }

  async block(height: number): Promise<LogBlock | undefined> {
    const cached = this.#blocks.get(height)
    if (cached) return cached
    const [bytes, checkpoint] = await Promise.all([this.#store.blockHeader(height), this.#store.checkpoint(height)])
    if (!bytes || checkpoint === undefined) return undefined
    const parsed = parseBlockHeader(bytes)
    if (!parsed.ok) throw new LedgerIntegrityError(`block ${height}: stored header fails the ${parsed.problem} check`)
    const b: LogBlock = { header: parsed.header, hash: blockHash(parsed.header), checkpoint }
    this.#rememberBlock(height, b)
    return b
  }

  async statement(index: number): Promise<Statement | undefined> {
    const e = await this.#store.entry(index)
    return e && parseStatement(e.statement)
  }

  async entry(index: number): Promise<LogEntry | undefined> {
    const e = await this.#store.entry(index)
    return e && { index, height: e.height, statement: parseStatement(e.statement), leafHash: bytesToHex(leafHash(e.statement)) }
  }

  async leafHash(index: number): Promise<string | undefined> {
    const e = await this.#store.entry(index)
    return e && bytesToHex(leafHash(e.statement))
  }

  async indexOfKindId(kind: Kind, id: string, owner: string): Promise<number | undefined> {
    return (await this.#store.byKindId(kind, id, owner))?.index
  }

  ownersOfKindId(kind: Kind, id: string): Promise<KindIdOwner[]> {
    return this.#store.ownersOfKindId(kind, id)
  }

  indexOfLeaf(hex: string): Promise<number | undefined> {
    return this.#store.byLeafHash(hexToBytes(hex))
  }

  entriesByHash(hex: string, limit: number): Promise<HashHit[]> {
    return this.#store.byHash(hexToBytes(hex), limit)
  }

  payload(index: number): Promise<Uint8Array | undefined> {
    return this.#store.payload(index)
  }

  referrers(index: number): Promise<number[]> {
    return this.#store.referrers(index)
  }

  subjectIndexes(subject: string, opts: { after?: number; limit: number }): Promise<number[]> {
    return this.#store.subjectIndexes(subject, opts)
  }

  async receipt(index: number): Promise<Receipt | undefined> {
    const e = await this.#store.entry(index)
    if (!e) return undefined
    const b = await this.block(e.height)
    if (!b) throw new LedgerIntegrityError(`block ${e.height} of entry ${index} is missing`)
    const proof = await inclusionProof(this, index, b.header.size)
    return {
      entry: { index, leafHash: bytesToHex(leafHash(e.statement)) },
      statement: parseStatement(e.statement),
      block: { height: e.height, hash: b.hash },
      checkpoint: b.checkpoint,
      inclusion: { treeSize: b.header.size, hashes: proof.map(bytesToHex) },
    }
  }

  /** What this log keeps in memory, for memory reports (bench/huge-serve.ts). */
  cacheStats(): LogCacheStats {
    return { treeNodeBytes: this.#nodes.bytes, cachedBlocks: this.#blocks.size, storeBytes: this.#store.memoryBytes?.() }
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} is outside 0..${this.size}`)
    }
  }

  #rememberBlock(height: number, b: LogBlock): void {
    this.#blocks.set(height, b)
    if (this.#blocks.size > CACHED_BLOCKS) this.#blocks.delete(this.#blocks.keys().next().value!)
  }
}
