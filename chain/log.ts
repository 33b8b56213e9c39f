// The append-only log, told as the life of an entry:
//   append → queue → sequence into a block (dedup, statement, leaf, tree nodes, header,
//   checkpoint) → one durable write batch → acknowledge everyone in that block.
// Nobody hears "done" before their block is on disk, and a block is all-or-nothing.
import { bytesToHex, equalBytes, hexToBytes } from './encoding.ts'
import { canonicalBytes, statementText, parseStatement, type Kind, type Statement } from './statement.ts'
import { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.ts'
import {
  CompactRange, consistencyProof, inclusionProof, rootAt,
  type NodeId, type NodeReader, type StoredNode,
} from './tree.ts'
import type { CheckpointSigner } from './checkpoint.ts'
import { blockHash, GENESIS_PREV, verifyCheckpoint, type BlockHeader, type Receipt } from './verify.ts'
import { parseVkey } from './note.ts'
import type { EntryWrite, ErasedEntry, LedgerStore, LogHead } from './store.ts'

export interface AppendRequest {
  kind: Kind
  id: string
  subject: string
  commitment: string
  submitter: string
  refs: { index: number; leafHash: string }[]
  /** Identity of the submitted content: equal fingerprint = idempotent replay. */
  fingerprint: Uint8Array
  /** Canonical {record, salt}, kept off the tree and erasable. */
  payload?: Uint8Array
  /** Erase this entry's payload in the same block (redaction). */
  erase?: ErasedEntry
}

export type AppendOutcome =
  | { status: 'created'; index: number; receipt: Receipt }
  | { status: 'duplicate'; index: number }
  | { status: 'conflict'; index: number }

export interface LogOptions {
  store: LedgerStore
  origin: string
  signer: CheckpointSigner
  /** Verifier keys of retired signing keys whose checkpoints this log may hold. */
  retiredKeys?: string[]
  /** Upper bound on entries per block; a single append() group is never split. */
  maxBlockEntries?: number
  now?: () => number
}

export class LedgerIntegrityError extends Error {
  override name = 'LedgerIntegrityError'
}

export interface BlockStats {
  count: number
  durationMs: number
}

interface Pending {
  requests: AppendRequest[]
  resolve: (o: AppendOutcome[]) => void
  reject: (e: unknown) => void
}

interface CachedBlock {
  header: BlockHeader
  hash: string
  checkpoint: string
}

// Upper tree levels are few and hot: keep them forever. Lower ones only for recent blocks:
// the newest RECENT_LEAVES >> level nodes of each level below PINNED_LEVEL.
const PINNED_LEVEL = 8
const RECENT_LEAVES = 1 << 16

export class Log implements NodeReader {
  readonly store: LedgerStore
  readonly origin: string
  readonly signer: CheckpointSigner
  readonly #maxBlock: number
  readonly #now: () => number
  #compact: CompactRange
  #head: LogHead | null
  #latest: CachedBlock | null
  #emptyCheckpoint: string
  #queue: Pending[] = []
  #writing: Promise<void> | null = null
  #closed = false
  #nodes = new NodeCache()
  #blocks = new Map<number, CachedBlock>()
  #lastTime = 0
  onBlock: ((stats: BlockStats) => void) | null = null

  private constructor(opts: LogOptions, compact: CompactRange, head: LogHead | null, latest: CachedBlock | null) {
    this.store = opts.store
    this.origin = opts.origin
    this.signer = opts.signer
    this.#maxBlock = opts.maxBlockEntries ?? 20_000
    this.#now = opts.now ?? Date.now
    this.#compact = compact
    this.#head = head
    this.#latest = latest
    this.#emptyCheckpoint = opts.signer.signCheckpoint({ origin: opts.origin, size: 0, root: EMPTY_ROOT })
    if (latest) this.#lastTime = Date.parse(latest.header.time)
  }

  /** Opens the log and proves the stored tree matches the last block before serving. */
  static async open(opts: LogOptions): Promise<Log> {
    const head = await opts.store.head()
    if (head === null) {
      // No head must mean no log: rows without one are damaged storage, not an empty log to overwrite.
      if (await opts.store.blockHeader(0) || await opts.store.entry(0)) {
        throw new LedgerIntegrityError('refusing to start: storage holds blocks or entries but no log head')
      }
      return new Log(opts, new CompactRange(0, []), null, null)
    }
    const fail = (why: string): never => {
      throw new LedgerIntegrityError(`refusing to start: ${why} (storage at block ${head.height}, size ${head.size})`)
    }
    const headerBytes = await opts.store.blockHeader(head.height)
    const checkpoint = await opts.store.checkpoint(head.height)
    if (!headerBytes || checkpoint === undefined) return fail('the last block or its checkpoint is missing')
    let header: BlockHeader
    try {
      header = JSON.parse(new TextDecoder().decode(headerBytes)) as BlockHeader
    } catch {
      return fail('the last block header is unreadable')
    }
    if (bytesToHex(canonicalBytesOf(headerBytes)) !== bytesToHex(headerBytes)) fail('the last block header is not canonical')
    if (blockHash(header) !== head.blockHash) fail('the last block hash does not match the log head')
    if (header.size !== head.size) fail(`the last block says size ${header.size}, the head says ${head.size}`)
    // The head must name the newest block: appending after an older one would overwrite acknowledged entries.
    if (await opts.store.blockHeader(head.height + 1) || await opts.store.entry(head.size)) {
      fail(`storage holds blocks or entries after block ${head.height}, which the head names as the last`)
    }
    let compact: CompactRange
    try {
      compact = await CompactRange.load(opts.store, head.size)
    } catch (e) {
      return fail(`the tree cannot be loaded: ${(e as Error).message}`)
    }
    const root = bytesToHex(compact.root())
    if (root !== header.root) fail(`the stored tree has root ${root}, the last block says ${header.root}`)
    const keys = [opts.signer.vkey, ...(opts.retiredKeys ?? [])]
    const signed = keys.map((k) => verifyCheckpoint(checkpoint, parseVkey(k))).find((r) => r.ok)
    if (!signed || !signed.ok) {
      return fail(`the last checkpoint is not signed by this ledger's key ${opts.signer.vkey} or a retired one; wrong signing key for this data directory?`)
    }
    if (signed.checkpoint.size !== head.size || bytesToHex(signed.checkpoint.root) !== root) fail('the last checkpoint does not match the tree')
    if (signed.checkpoint.origin !== opts.origin) fail(`the log's origin is "${signed.checkpoint.origin}", configured origin is "${opts.origin}"`)
    return new Log(opts, compact, head, { header, hash: head.blockHash, checkpoint })
  }

  get size(): number {
    return this.#compact.size
  }

  get height(): number {
    return this.#head?.height ?? -1
  }

  root(): Uint8Array {
    return this.#compact.root()
  }

  /** Latest signed checkpoint (an empty tree has a freshly signed size-0 one). */
  checkpoint(): string {
    return this.#latest?.checkpoint ?? this.#emptyCheckpoint
  }

  latestBlock(): { header: BlockHeader; hash: string } | null {
    return this.#latest ? { header: this.#latest.header, hash: this.#latest.hash } : null
  }

  /**
   * Queues a group of requests. They land in one block together, resolved in order once
   * that block is durable. Concurrent callers share blocks (group commit).
   */
  append(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    if (this.#closed) return Promise.reject(new Error('log is closed'))
    if (requests.length === 0) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.#queue.push({ requests, resolve, reject })
      this.#kick()
    })
  }

  /** Stops accepting appends and waits until every queued one is written. */
  async drain(): Promise<void> {
    this.#closed = true
    while (this.#writing || this.#queue.length > 0) {
      this.#kick()
      await this.#writing
    }
  }

  async close(): Promise<void> {
    await this.drain()
    await this.store.close()
  }

  #kick(): void {
    if (this.#writing || this.#queue.length === 0) return
    const batch: Pending[] = []
    let n = 0
    while (this.#queue.length > 0 && (batch.length === 0 || n + this.#queue[0].requests.length <= this.#maxBlock)) {
      const p = this.#queue.shift()!
      n += p.requests.length
      batch.push(p)
    }
    this.#writing = this.#sequence(batch).finally(() => {
      this.#writing = null
      this.#kick()
    })
  }

  async #sequence(batch: Pending[]): Promise<void> {
    const started = performance.now()
    try {
      const requests = batch.flatMap((p) => p.requests)
      const outcomes = await this.#writeBlock(requests)
      let off = 0
      for (const p of batch) {
        p.resolve(outcomes.slice(off, off + p.requests.length))
        off += p.requests.length
      }
      this.onBlock?.({ count: requests.length, durationMs: performance.now() - started })
    } catch (e) {
      for (const p of batch) p.reject(e)
    }
  }

  async #writeBlock(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    const existing = await this.store.byKindIds(requests)
    const inBlock = new Map<string, { index: number; fingerprint: Uint8Array }>()
    const compact = this.#compact.clone()
    const frontier = compact.nodes()
    const time = new Date(Math.max(this.#now(), this.#lastTime)).toISOString()
    const entries: EntryWrite[] = []
    const nodes: StoredNode[] = []
    const erase: ErasedEntry[] = []
    const created: { slot: number; statement: Statement; leaf: Uint8Array; index: number }[] = []
    const texts = new TextArena()
    const outcomes: (AppendOutcome | null)[] = requests.map((r, slot) => {
      const k = `${r.kind}\u0000${r.id}`
      const prior = inBlock.get(k) ?? existing[slot]
      if (prior) {
        return equalBytes(prior.fingerprint, r.fingerprint)
          ? { status: 'duplicate', index: prior.index }
          : { status: 'conflict', index: prior.index }
      }
      const statement: Statement = {
        v: 1, kind: r.kind, id: r.id, subject: r.subject, commitment: r.commitment,
        submitter: r.submitter, time, refs: r.refs.map((x) => x.leafHash),
      }
      // statementBytes(), written straight into the block's shared buffer.
      const bytes = texts.encode(statementText(statement))
      const leaf = leafHash(bytes)
      const index = compact.size
      for (const n of compact.append(leaf)) nodes.push(n)
      inBlock.set(k, { index, fingerprint: r.fingerprint })
      entries.push({
        index, statement: bytes, leafHash: leaf, kind: r.kind, id: r.id, subject: r.subject,
        fingerprint: r.fingerprint, payload: r.payload, refIndexes: r.refs.map((x) => x.index),
      })
      if (r.erase !== undefined) erase.push(r.erase)
      created.push({ slot, statement, leaf, index })
      return null
    })
    if (entries.length > 0) {
      const height = this.height + 1
      const root = compact.root()
      const header: BlockHeader = {
        height,
        prev: this.#latest?.hash ?? GENESIS_PREV,
        first: this.size,
        count: entries.length,
        size: compact.size,
        root: bytesToHex(root),
        time,
      }
      const hash = blockHash(header)
      const checkpoint = this.signer.signCheckpoint({ origin: this.origin, size: compact.size, root })
      const head: LogHead = { size: compact.size, height, blockHash: hash, root: header.root }
      await this.store.writeBlock({
        height, header: canonicalBytes(header), checkpoint, entries, nodes, erasePayloads: erase, head,
      })
      // Durable: only now does the in-memory view move forward.
      this.#compact = compact
      this.#head = head
      this.#latest = { header, hash, checkpoint }
      this.#lastTime = Date.parse(time)
      this.#rememberBlock(height, this.#latest)
      for (const n of nodes) this.#nodes.set(n.id.level, n.id.index, n.hash)
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
    }
    return outcomes as AppendOutcome[]
  }

  // ---- reads -------------------------------------------------------------------------

  async readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    const out: (Uint8Array | undefined)[] = ids.map((id) => this.#nodes.get(id.level, id.index))
    const missing = ids.filter((_, i) => out[i] === undefined)
    if (missing.length > 0) {
      const loaded = await this.store.readNodes(missing)
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

  async block(height: number): Promise<CachedBlock | undefined> {
    const cached = this.#blocks.get(height)
    if (cached) return cached
    const [bytes, checkpoint] = await Promise.all([this.store.blockHeader(height), this.store.checkpoint(height)])
    if (!bytes || checkpoint === undefined) return undefined
    const header = JSON.parse(new TextDecoder().decode(bytes)) as BlockHeader
    const b = { header, hash: blockHash(header), checkpoint }
    this.#rememberBlock(height, b)
    return b
  }

  async statement(index: number): Promise<{ statement: Statement; height: number } | undefined> {
    const e = await this.store.entry(index)
    return e && { statement: parseStatement(e.statement), height: e.height }
  }

  /** The receipt of an entry: its proof against the checkpoint of the block that holds it. */
  async receipt(index: number): Promise<Receipt | undefined> {
    const e = await this.store.entry(index)
    if (!e) return undefined
    const b = await this.block(e.height)
    if (!b) throw new LedgerIntegrityError(`block ${e.height} of entry ${index} is missing`)
    return this.#receipt(index, parseStatement(e.statement), leafHash(e.statement), e.height, b)
  }

  async #receipt(index: number, statement: Statement, leaf: Uint8Array, height: number, b: CachedBlock): Promise<Receipt> {
    return this.#receiptFrom(index, statement, leaf, height, b, await inclusionProof(this, index, b.header.size))
  }

  #receiptFrom(index: number, statement: Statement, leaf: Uint8Array, height: number, b: CachedBlock, proof: Uint8Array[]): Receipt {
    return {
      entry: { index, leafHash: bytesToHex(leaf) },
      statement,
      block: { height, hash: b.hash },
      checkpoint: b.checkpoint,
      inclusion: { treeSize: b.header.size, hashes: proof.map(bytesToHex) },
    }
  }

  async indexOfLeaf(hex: string): Promise<number | undefined> {
    return this.store.byLeafHash(hexToBytes(hex))
  }

  #checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} is outside 0..${this.size}`)
    }
  }

  #rememberBlock(height: number, b: CachedBlock): void {
    this.#blocks.set(height, b)
    if (this.#blocks.size > 1024) this.#blocks.delete(this.#blocks.keys().next().value!)
  }
}

/** Numeric key of a perfect subtree (indexes stay far below 2^47). */
function nodeKey(level: number, index: number): number {
  return index * 64 + level
}

/**
 * Tree nodes in memory without an object per node: one flat buffer of hashes per level.
 * Levels ≥ PINNED_LEVEL keep every node seen (a 2^-level fraction of the leaves); lower
 * levels are rings of the newest RECENT_LEAVES >> level nodes. Reads return copies, so a
 * later overwrite of a ring slot never changes a hash a caller holds.
 */
class NodeCache {
  #hashes: Uint8Array[] = []
  /** index + 1 of the node in each slot; 0 = empty. */
  #tags: Float64Array[] = []

  get(level: number, index: number): Uint8Array | undefined {
    const tags = this.#tags[level]
    if (tags === undefined) return undefined
    const slot = index % tags.length
    if (tags[slot] !== index + 1) return undefined
    return this.#hashes[level].slice(slot * HASH_SIZE, (slot + 1) * HASH_SIZE)
  }

  set(level: number, index: number, hash: Uint8Array): void {
    let tags = this.#tags[level]
    if (level >= PINNED_LEVEL) {
      if (tags === undefined || index >= tags.length) tags = this.#grow(level, index + 1)
    } else if (tags === undefined) {
      tags = this.#grow(level, Math.max(1, RECENT_LEAVES >> level))
    }
    const slot = index % tags.length
    tags[slot] = index + 1
    this.#hashes[level].set(hash, slot * HASH_SIZE)
  }

  #grow(level: number, min: number): Float64Array {
    let n = Math.max(64, this.#tags[level]?.length ?? 0)
    while (n < min) n *= 2
    const tags = new Float64Array(n)
    const hashes = new Uint8Array(n * HASH_SIZE)
    // Pinned levels only grow, and their slot is the index itself: old slots keep their place.
    if (this.#tags[level]) {
      tags.set(this.#tags[level])
      hashes.set(this.#hashes[level])
    }
    this.#tags[level] = tags
    this.#hashes[level] = hashes
    return tags
  }
}

const utf8Encoder = new TextEncoder()

/** UTF-8 of one block's statements, back to back in shared buffers (views, not copies). */
class TextArena {
  #buf = new Uint8Array(0)
  #off = 0

  encode(text: string): Uint8Array {
    const max = 3 * text.length
    if (this.#off + max > this.#buf.length) {
      this.#buf = new Uint8Array(Math.max(64 * 1024, max))
      this.#off = 0
    }
    const { written } = utf8Encoder.encodeInto(text, this.#buf.subarray(this.#off))
    const out = this.#buf.subarray(this.#off, this.#off + written)
    this.#off += written
    return out
  }
}

/**
 * Inclusion proofs, as hex, for the entries of a block just built: RFC 9162 PATH(m, D[n])
 * read bottom-up in the aligned tree. At each level the sibling of m's subtree is either a
 * perfect subtree (created by this block, or on the old right edge `frontier`), or the one
 * incomplete subtree on the right edge of size n, or absent (then the level is skipped).
 * Per level, the block creates consecutive node indexes and the old edge has at most one
 * node, so lookups are array reads; each hash is hex-encoded once for the whole block.
 */
class BlockProofs {
  readonly #size: number
  /** Per level: index of the first node the block created, its hashes, their hex. */
  readonly #firstIndex: number[] = []
  readonly #created: Uint8Array[][] = []
  readonly #createdHex: (string | undefined)[][] = []
  /** Per level: the old right edge's node there, if any, and its hex. */
  readonly #frontier: (StoredNode | undefined)[] = []
  readonly #frontierHex: (string | undefined)[] = []
  /** Hex MTH of the right-edge subtree at each level (the one holding leaf size − 1). */
  readonly #edge: string[] = []

  constructor(size: number, frontier: readonly StoredNode[], created: readonly StoredNode[]) {
    this.#size = size
    for (const n of frontier) this.#frontier[n.id.level] = n
    for (const n of created) {
      const { level, index } = n.id
      const list = (this.#created[level] ??= [])
      if (list.length === 0) this.#firstIndex[level] = index
      else if (index !== this.#firstIndex[level] + list.length) throw new Error(`block nodes of level ${level} are not consecutive`)
      list.push(n.hash)
    }
    for (let level = 0; level < this.#created.length; level++) {
      this.#created[level] ??= []
      this.#createdHex[level] = new Array<string | undefined>(this.#created[level].length)
    }
    let edge = this.#node(0, size - 1)
    this.#edge.push(bytesToHex(edge))
    for (let level = 1, width = 2; width / 2 < size; level++, width *= 2) {
      const j = Math.floor((size - 1) / width)
      const start = j * width
      if (start + width <= size) edge = this.#node(level, j)
      else if (start + width / 2 < size) edge = nodeHash(this.#node(level - 1, 2 * j), edge)
      this.#edge.push(bytesToHex(edge))
    }
  }

  inclusion(index: number): string[] {
    const size = this.#size
    const out: string[] = []
    for (let level = 0, width = 1; width < size; level++, width *= 2) {
      const j = Math.floor(index / width)
      const sibling = j % 2 === 0 ? j + 1 : j - 1
      const start = sibling * width
      if (start >= size) continue
      out.push(start + width <= size ? this.#nodeHex(level, sibling) : this.#edge[level])
    }
    return out
  }

  #node(level: number, index: number): Uint8Array {
    const k = index - this.#firstIndex[level]
    const list = this.#created[level]
    if (list !== undefined && k >= 0 && k < list.length) return list[k]
    const f = this.#frontier[level]
    if (f !== undefined && f.id.index === index) return f.hash
    throw new Error(`block proof needs node level ${level} index ${index}, which the block did not produce`)
  }

  #nodeHex(level: number, index: number): string {
    const k = index - this.#firstIndex[level]
    const hex = this.#createdHex[level]
    if (hex !== undefined && k >= 0 && k < hex.length) return (hex[k] ??= bytesToHex(this.#created[level][k]))
    const f = this.#frontier[level]
    if (f !== undefined && f.id.index === index) return (this.#frontierHex[level] ??= bytesToHex(f.hash))
    throw new Error(`block proof needs node level ${level} index ${index}, which the block did not produce`)
  }
}

function canonicalBytesOf(json: Uint8Array): Uint8Array {
  return canonicalBytes(JSON.parse(new TextDecoder().decode(json)))
}

