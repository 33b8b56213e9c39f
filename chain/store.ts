// Storage driver interface and its LevelDB implementation (docs/formats.md). Callers see only
// LedgerStore, so another driver (PostgreSQL, …) can be added without touching them.
import { join } from 'node:path'
import { Level } from 'level'
import { PayloadVault } from './payload-vault.ts'
import { parseBlockHeader } from './block.ts'
import { BlockSealer, openPayload, payloadKeyId } from './payload-cipher.ts'
import type { NodeId, NodeReader, StoredNode } from './tree.ts'
import { bytesToHex, concatBytes, hexToBytes, utf8Decoder, utf8ToBytes, readU64, u64 } from './encoding.ts'
import { ERASED_FINGERPRINT, statementOwner, type KindIdOwner, type KindIdRow } from './idempotency.ts'
import { commitmentBytes, payloadDocumentHashes, type HashHit } from './search-hashes.ts'
import { parseStatement } from './statement.ts'

export interface LogHead {
  size: number
  height: number
  blockHash: string
  root: string
}

export interface EntryWrite {
  index: number
  statement: Uint8Array
  leafHash: Uint8Array
  kind: string
  id: string
  /**
   * Whose kind+id this is (ids are unique per submitter): the statement's submitter, or for
   * a redaction the submitter of the erased entry, so a redaction is addressed as its record is.
   */
  owner: string
  subject: string
  /** Identity of the submitted content, for idempotent replays (idempotency.ts). */
  fingerprint: Uint8Array
  payload?: Uint8Array
  /** Indexes of the entries this one refs (revoked authorization, erased entry). */
  refIndexes: number[]
  /** The statement's `sha256:<hex>` commitment, indexed for search (search-hashes.ts). */
  commitment: string
  /** Hex SHA-256 of the documents its record names (documentHashes), indexed for search. */
  documents?: readonly string[]
}

/** An entry whose payload a redaction erases. */
export interface ErasedEntry {
  index: number
  kind: string
  id: string
  /** Its submitter: its kind+id row is keyed by it. */
  owner: string
}

export interface BlockWrite {
  height: number
  header: Uint8Array
  checkpoint: string
  entries: EntryWrite[]
  nodes: StoredNode[]
  erasePayloads: ErasedEntry[]
  head: LogHead
}

export interface StoredEntry {
  height: number
  statement: Uint8Array
  /** Hashes of the perfect subtrees this leaf completed, level 0 (its leaf hash) up. */
  nodes: Uint8Array
}

export interface LedgerStore extends NodeReader {
  open(): Promise<void>
  close(): Promise<void>
  head(): Promise<LogHead | null>
  /**
   * Writes one block atomically, and durably (fsync) unless `sync: false`: a restore into
   * a staging directory syncs once at the end instead (see sync()).
   */
  writeBlock(block: BlockWrite, opts?: { sync?: boolean }): Promise<void>
  /** Consecutive blocks in one atomic write (restore). */
  writeBlocks(blocks: readonly BlockWrite[], opts?: { sync?: boolean }): Promise<void>
  /** Makes every earlier write durable. */
  sync(): Promise<void>
  entry(index: number): Promise<StoredEntry | undefined>
  blockHeader(height: number): Promise<Uint8Array | undefined>
  checkpoint(height: number): Promise<string | undefined>
  /**
   * Kind+id rows are keyed by (kind, id, owner): business ids are unique per submitter
   * (EntryWrite.owner). An exact lookup, and the same for many keys in one batched read
   * (the sequencer does one per block: keep it one round trip).
   */
  byKindId(kind: string, id: string, owner: string): Promise<KindIdRow | undefined>
  byKindIds(keys: readonly { kind: string; id: string; owner: string }[]): Promise<(KindIdRow | undefined)[]>
  /** Every owner of a kind+id with its entry index, in owner order (an auditor's lookup without a submitter). */
  ownersOfKindId(kind: string, id: string): Promise<KindIdOwner[]>
  byLeafHash(leafHash: Uint8Array): Promise<number | undefined>
  /** Entries whose commitment or a document of whose record has this SHA-256, in index order. */
  byHash(hash: Uint8Array, limit: number): Promise<HashHit[]>
  /** Entry indexes of one subject in index order, strictly after `after`. */
  subjectIndexes(subject: string, opts: { after?: number; limit: number }): Promise<number[]>
  referrers(index: number): Promise<number[]>
  payload(index: number): Promise<Uint8Array | undefined>
  payloads(indexes: readonly number[]): Promise<(Uint8Array | undefined)[]>
  /**
   * Canonical statement bytes of entries [from, from + count), in index order, in one
   * range read (tlog-tiles entry bundles: up to 256 per call). Stops early at the end of the
   * log; never takes a lock, so it runs beside appends (a row is written whole or not at all).
   */
  statements(from: number, count: number): Promise<Uint8Array[]>
  /** Everything, in key order, for audit and export. */
  scanEntries(from?: number): AsyncIterable<[number, StoredEntry]>
  scanBlocks(from?: number): AsyncIterable<[number, Uint8Array]>
  scanCheckpoints(from?: number): AsyncIterable<[number, string]>
  /** The same scan in chunks, for full-log passes where per-row awaits would dominate. */
  scanEntryChunks(): AsyncIterable<[number, StoredEntry][]>
  /**
   * Only drivers that several processes write at once (PostgreSQL): runs `fn` holding the
   * log's block lock, on a view of the store inside one transaction that commits when `fn`
   * returns; `head` is the committed head once the lock is held. A driver without it has
   * one writer, the process that opened it.
   */
  exclusive?<T>(fn: (tx: LedgerStore, head: LogHead | null) => Promise<T>): Promise<T>
  /**
   * The witnessing loop's cosigned checkpoints (chain/cosigned-checkpoints.ts), one value
   * per slot. A write for a smaller tree than the stored one is ignored, so instances over
   * one database never move a slot back. Not synced on its own: a lost one is asked again.
   */
  cosigned(slot: CosignedSlot): Promise<string | undefined>
  /** The same value into each of `slots`, in one write. */
  putCosigned(slots: readonly CosignedSlot[], size: number, value: string): Promise<void>
  /** Memory the driver itself holds outside the JS heap, as far as it can tell (memory reports). */
  memoryBytes?(): number
}

/** Which cosigned checkpoint: the newest gathered so far, or the newest that met the quorum. */
export type CosignedSlot = 'latest' | 'witnessed'

// Key prefixes. Numbers are fixed-width big-endian so ranges scan in index order.
// e + u64 index → u64 height ‖ u8 n ‖ n × 32-byte hashes ‖ statement bytes. The n hashes
// are every perfect subtree this leaf completes, level 0 (the leaf hash) upward: tree
// nodes live in their entry's row, so an append writes one row for both and an audit
// reads one row per entry.
const P_ENTRY = 0x65
const P_BLOCK = 0x62 // b + u64 height → canonical header
const P_CHECKPOINT = 0x63 // c + u64 height → signed note
// k + kind ‖ 0x00 ‖ id ‖ 0x00 ‖ owner → u64 index ‖ fingerprint. Neither ids nor submitters
// hold 0x00 (schemas, token checks, restore), so "every owner of kind+id" is a prefix scan.
const P_KINDID = 0x6b
const P_SUBJECT = 0x73 // s + subject ‖ 0x00 ‖ u64 index → ""
const P_LEAF = 0x68 // h + leaf hash → u64 index
const P_REF = 0x66 // f + u64 target ‖ u64 source → ""
const P_PAYLOAD = 0x70 // p + u64 index → canonical {record, salt}, sealed (chain/payload-cipher.ts)
// d + 32-byte hash ‖ u64 index → "c" (the entry's commitment) or "d" (a document its record
// names): several entries may share a document, so the index is part of the key.
const P_HASH = 0x64
const HASH_COMMITMENT = new Uint8Array([0x63])
const HASH_DOCUMENT = new Uint8Array([0x64])
// m + "head" → JSON LogHead; m + "format" → STORAGE_FORMAT; m + "vault" → u64 next key id;
// m + "shred" → JSON key ids still to destroy; m + "cosigned:<slot>" → u64 size ‖ JSON
// cosigned checkpoint. Meta rows are not part of the format's layout, so adding one needs no
// format bump.
const P_META = 0x6d

/** Bumped whenever the row layout changes; a store of another format refuses to open. */
export const STORAGE_FORMAT = 'evidence-ledger/4'
/** Its kind+id rows lack the owner, open() migrates them (migrateFormat2), then on to 4. */
const FORMAT_2 = 'evidence-ledger/2'
/** It lacks the commitment and document hash rows, open() adds them (migrateFormat3). */
const FORMAT_3 = 'evidence-ledger/3'

const EMPTY = new Uint8Array(0)
const ZERO = new Uint8Array([0])
const SCAN_CHUNK_BYTES = 256 * 1024

export { readU64, u64 }

function key(prefix: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 1
  for (const p of parts) len += p.length
  const out = new Uint8Array(len)
  out[0] = prefix
  let off = 1
  for (const p of parts) {
    out.set(p, off)
    off += p.length
  }
  return out
}

export const keys = {
  entry: (i: number) => key(P_ENTRY, u64(i)),
  block: (h: number) => key(P_BLOCK, u64(h)),
  checkpoint: (h: number) => key(P_CHECKPOINT, u64(h)),
  kindId: (kind: string, id: string, owner: string) => key(P_KINDID, utf8ToBytes(kind), ZERO, utf8ToBytes(id), ZERO, utf8ToBytes(owner)),
  /** Every owner's row of kind+id lies in [kindIdOwners, kindIdOwnersEnd). */
  kindIdOwners: (kind: string, id: string) => key(P_KINDID, utf8ToBytes(kind), ZERO, utf8ToBytes(id), ZERO),
  kindIdOwnersEnd: (kind: string, id: string) => key(P_KINDID, utf8ToBytes(kind), ZERO, utf8ToBytes(id), new Uint8Array([1])),
  subject: (s: string, i: number) => key(P_SUBJECT, utf8ToBytes(s), new Uint8Array([0]), u64(i)),
  leaf: (h: Uint8Array) => key(P_LEAF, h),
  ref: (target: number, source: number) => key(P_REF, u64(target), u64(source)),
  payload: (i: number) => key(P_PAYLOAD, u64(i)),
  hash: (h: Uint8Array, i: number) => key(P_HASH, h, u64(i)),
  head: () => key(P_META, utf8ToBytes('head')),
  format: () => key(P_META, utf8ToBytes('format')),
  vaultNext: () => key(P_META, utf8ToBytes('vault')),
  pendingShred: () => key(P_META, utf8ToBytes('shred')),
  cosigned: (slot: CosignedSlot) => key(P_META, utf8ToBytes(`cosigned:${slot}`)),
}

/** Byte offset of the level-`level` hash inside an entry row. */
export const entryNodeOffset = (level: number) => 9 + 32 * level

type Db = Level<Uint8Array, Uint8Array>

/** The LevelDB knobs an operator may set (LEVELDB_* in docs/operations.md). */
export interface LevelTuning {
  /**
   * Files LevelDB keeps open (its table cache holds this many minus 10). LevelDB maps each
   * open table file whole with mmap, and every page a read touches stays in the process's
   * RSS until the file is closed: on a log of thousands of table files this, not the heap,
   * is what RSS measures. LevelDB raises anything below 74 to 74.
   */
  maxOpenFiles?: number
  /** Bytes of the memtable (and of the one being flushed): anonymous memory, filled by appends. */
  writeBufferSize?: number
  /**
   * Bytes of LevelDB's block cache (0: none). Blocks of a mapped table file are read in
   * place; only compressed ones are decompressed into this cache, and table files beyond
   * LevelDB's 1000 mappings are read into it.
   */
  cacheSize?: number
}

/**
 * LevelDB tuning for bulk work (import, restore, migrate, audit, export, the benches' builds):
 * a 32 MiB memtable instead of the default 4 MiB means far fewer flushes and level-0
 * compactions under large blocks (building a 200k-entry log: 20 s → 13 s on a 2-core
 * machine), and LevelDB's usual 1000 open files.
 */
export const LEVEL_OPTIONS = { writeBufferSize: 32 * 1024 * 1024, maxOpenFiles: 1000, cacheSize: 8 * 1024 * 1024 } satisfies Required<LevelTuning>

/**
 * The serving process's defaults (issue 18: RSS ≤ 200 MB at 10 million entries). With 1000
 * open files, random reads over a 10M-entry log (1,800 table files of 2 MB) left ~970 files
 * mapped and 1.6 GB of them resident; with 74 (LevelDB's floor: 64 tables) ~10 MB, for
 * ~0.15 ms more per random proof (a table is reopened more often). A 32 MiB memtable (plus
 * the one being flushed) kept ~30 MB more malloc'd memory in RSS than 8 MiB after a minute
 * of mixed load; 4 MiB saved no more. Batches pay ~4% more CPU per record for the extra
 * flushes and compactions (98.5 vs 94.8 µs in 20 s runs). No block cache: every table is
 * mapped, so only compressed blocks would land there, and at 10M entries proofs (0.29–0.41
 * ms) and POSTs read the same with 0 and 8 MiB.
 * docs/operations.md has the numbers.
 */
export const SERVING_LEVEL_OPTIONS = { writeBufferSize: 8 * 1024 * 1024, maxOpenFiles: 74, cacheSize: 0 } satisfies Required<LevelTuning>

export class MissingNodeError extends Error {
  constructor(id: NodeId) {
    super(`tree node level ${id.level} index ${id.index} is missing from storage`)
  }
}

/** Where the payload keys of a LevelDB store live: inside its directory, so moving or
 * restoring the directory takes them along (LevelDB ignores names it did not make). */
export function vaultDir(location: string): string {
  return join(location, 'payload-keys')
}

/** Key-id rewrites an erasure needs: re-sealed sibling rows and the keys to destroy. */
interface Shredding {
  puts: [Uint8Array, Uint8Array][]
  /** Document hash rows of the erased records: a search must not find what was erased. */
  dels: Uint8Array[]
  keyIds: number[]
  erased: Set<number>
}

export class LevelStore implements LedgerStore {
  readonly location: string
  readonly db: Db
  #vault: PayloadVault | null = null
  readonly #cosignedSizes = new Map<CosignedSlot, number>()

  /** What LevelDB was opened with. */
  readonly tuning: Required<LevelTuning>

  constructor(location: string, tuning: LevelTuning = {}) {
    this.location = location
    this.tuning = { ...LEVEL_OPTIONS, ...tuning }
    this.db = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view', ...this.tuning })
  }

  get #keys(): PayloadVault {
    if (!this.#vault) throw new Error('store is not open')
    return this.#vault
  }

  async open(): Promise<void> {
    await this.db.open()
    try {
      const format = await this.db.get(keys.format())
      const found = format === undefined ? undefined : utf8Decoder.decode(format)
      if (found === FORMAT_2) await migrateFormat2(this.db)
      else if (found !== FORMAT_3 && found !== STORAGE_FORMAT && (found !== undefined || (await this.db.get(keys.head())) !== undefined)) {
        throw new Error(`${this.location} holds a log in storage format ${found ?? 'evidence-ledger/1'}, this version reads ${STORAGE_FORMAT}: export it with the version that wrote it and import it here`)
      }
      const next = await this.db.get(keys.vaultNext())
      this.#vault = await PayloadVault.open(vaultDir(this.location), next === undefined ? 0 : readU64(next))
      // An erasure whose block committed but whose keys were not yet destroyed when the
      // process died: destroy them now, before anyone can read the rows they open.
      const pending = await this.db.get(keys.pendingShred())
      if (pending !== undefined) {
        await this.#vault.shred(JSON.parse(utf8Decoder.decode(pending)) as number[])
        await this.db.del(keys.pendingShred())
      }
      // After the vault: the document hashes are inside the sealed payloads.
      if (found === FORMAT_2 || found === FORMAT_3) await this.#migrateFormat3()
    } catch (e) {
      await this.#vault?.close()
      this.#vault = null
      await this.db.close()
      throw e
    }
  }

  /**
   * Format 3 → 4: every entry gains its commitment row and every payload still held its
   * document rows, then the format row, synced. The rows only add to the store and are the
   * same each time, so they go in one batch per scan chunk (memory stays bounded on a log of
   * millions); a crash before the format row leaves format 3, and the next open indexes again.
   * The synced format row makes the earlier, unsynced batches durable with it (one write-ahead
   * log). Erased payloads are gone, and so are their documents.
   */
  async #migrateFormat3(): Promise<void> {
    for await (const chunk of this.#chunks(keys.entry(0), key(P_ENTRY + 1))) {
      const batch = this.db.batch()
      for (const [k, v] of chunk) {
        const i = readU64(k, 1)
        batch.put(keys.hash(commitmentBytes(parseStatement(decodeEntry(v).statement).commitment), i), HASH_COMMITMENT)
      }
      await batch.write()
    }
    for await (const chunk of this.#chunks(keys.payload(0), key(P_PAYLOAD + 1))) {
      const batch = this.db.batch()
      for (const [k, row] of chunk) {
        const i = readU64(k, 1)
        const plain = await this.#open(row)
        if (plain !== undefined) for (const h of payloadDocumentHashes(plain)) batch.put(keys.hash(hexToBytes(h), i), HASH_DOCUMENT)
      }
      await batch.write()
    }
    await this.db.put(keys.format(), utf8ToBytes(STORAGE_FORMAT), { sync: true })
  }

  async close(): Promise<void> {
    await this.#vault?.close()
    await this.db.close()
  }

  /** LevelDB's own estimate: its memtables and block cache (not the table files it maps). */
  memoryBytes(): number {
    // classic-level (Node) has it; level's typings cover the browser build too, which has not.
    const db = this.db as Db & { getProperty?(name: string): string }
    return Number(db.getProperty?.('leveldb.approximate-memory-usage') ?? NaN)
  }

  async head(): Promise<LogHead | null> {
    const v = await this.db.get(keys.head())
    return v === undefined ? null : (JSON.parse(utf8Decoder.decode(v)) as LogHead)
  }

  async writeBlock(b: BlockWrite, opts: { sync?: boolean } = {}): Promise<void> {
    await this.writeBlocks([b], opts)
  }

  async writeBlocks(blocks: readonly BlockWrite[], opts: { sync?: boolean } = {}): Promise<void> {
    const shredding = await this.#planShredding(blocks)
    // One key per block for its payloads; keys are durable before they are handed out,
    // so this adds no fsync to the block.
    const sealers: (BlockSealer | null)[] = []
    for (const b of blocks) {
      if (!b.entries.some((e) => e.payload && !shredding.erased.has(e.index))) {
        sealers.push(null)
        continue
      }
      const { id, key: k } = await this.#keys.take()
      sealers.push(new BlockSealer(id, k))
    }
    // The chained form skips abstract-level's per-op object copies: ~2× faster here.
    const batch = this.db.batch()
    blocks.forEach((b, i) => this.#putBlock(batch, b, sealers[i], shredding.erased))
    for (const [k, v] of shredding.puts) batch.put(k, v)
    for (const k of shredding.dels) batch.del(k)
    if (sealers.some((x) => x !== null) || shredding.puts.length > 0) batch.put(keys.vaultNext(), u64(this.#keys.next))
    if (shredding.keyIds.length > 0) batch.put(keys.pendingShred(), utf8ToBytes(JSON.stringify(shredding.keyIds)))
    await batch.write({ sync: opts.sync ?? true })
    if (shredding.keyIds.length > 0) {
      // Only now is the redaction durable; destroying the keys first could lose payloads
      // of a block that never committed. A crash in between is finished at open().
      await this.#keys.shred(shredding.keyIds)
      await this.db.del(keys.pendingShred())
    }
  }

  /**
   * What erasing payloads takes: the erased rows' key is shared by their block's other
   * payloads, so those are opened and sealed again under a fresh key, and the old key is
   * destroyed once the block is durable. Every copy LevelDB keeps of the erased row (log,
   * tables, snapshots) then names a key that no longer exists.
   */
  async #planShredding(blocks: readonly BlockWrite[]): Promise<Shredding> {
    const erased = new Set<number>()
    for (const b of blocks) for (const e of b.erasePayloads) erased.add(e.index)
    const plan: Shredding = { puts: [], dels: [], keyIds: [], erased }
    if (erased.size === 0) return plan
    const targets = [...erased]
    const rows = await this.db.getMany(targets.map(keys.payload))
    for (let i = 0; i < targets.length; i++) {
      const plain = rows[i] === undefined ? undefined : await this.#open(rows[i]!)
      if (plain !== undefined) for (const h of payloadDocumentHashes(plain)) plan.dels.push(keys.hash(hexToBytes(h), targets[i]))
    }
    const doomed = new Map<number, number>() // key id → a target index sealed with it
    targets.forEach((t, i) => {
      const id = rows[i] === undefined ? null : payloadKeyId(rows[i]!)
      if (id !== null && !doomed.has(id)) doomed.set(id, t)
    })
    for (const [keyId, target] of doomed) {
      plan.keyIds.push(keyId)
      const key = await this.#keys.key(keyId)
      const entry = await this.entry(target)
      const header = entry && (await this.blockHeader(entry.height))
      if (!key) continue // already destroyed: nothing of it is left to re-seal
      // The old key is destroyed below: a block whose neighbours cannot be found must stop
      // the erasure rather than take their payloads with it.
      const parsed = entry && header ? parseBlockHeader(header) : undefined
      if (!parsed?.ok) throw new Error(`cannot erase entry ${target}: its block header is missing or damaged, so the payloads sharing its key cannot be re-sealed`)
      const { first, count } = parsed.header
      const siblings = Array.from({ length: count }, (_, j) => first + j).filter((j) => !erased.has(j))
      const rows = await this.db.getMany(siblings.map(keys.payload))
      const keep = siblings.flatMap((index, j) => {
        const row = rows[j]
        return row !== undefined && payloadKeyId(row) === keyId ? [{ index, plain: openPayload(row, key) }] : []
      })
      if (keep.length === 0) continue
      const fresh = await this.#keys.take()
      const sealed = new BlockSealer(fresh.id, fresh.key).sealAll(keep.map((k) => k.plain))
      keep.forEach((k, j) => plan.puts.push([keys.payload(k.index), sealed[j]]))
    }
    return plan
  }

  #putBlock(batch: ReturnType<typeof this.db.batch>, b: BlockWrite, sealer: BlockSealer | null, erased: ReadonlySet<number>): void {
    // Keys and values are views into one reused scratch buffer: LevelDB's WriteBatch copies
    // each row when it is put, so no row needs its own allocation (that garbage used to be
    // the largest cost of a block).
    const a = scratch.reset()
    const sealed = sealer?.sealAll(b.entries.filter((e) => e.payload && !erased.has(e.index)).map((e) => e.payload!))
    let p = 0
    // CompactRange.append lists the nodes each leaf completes together, level 0 upward, in
    // leaf order: entry i's hashes are the next contiguous run of b.nodes.
    const nodes = b.nodes
    let n = 0
    for (const e of b.entries) {
      const i = e.index
      let m = n
      while (m < nodes.length && nodeRowOf(nodes[m].id) === i) {
        if (nodes[m].id.level !== m - n || nodes[m].hash.length !== 32) throw new Error(`node level ${nodes[m].id.level} of entry ${i} is out of order`)
        m++
      }
      if (m === n) throw new Error(`entry ${i} comes without its leaf node`)
      a.begin(9)
      const k = a.byte(P_ENTRY).u64(i).end()
      a.begin(9 + 32 * (m - n) + e.statement.length).u64(b.height).byte(m - n)
      for (; n < m; n++) a.bytes(nodes[n].hash)
      batch.put(k, a.bytes(e.statement).end())
      batch.put(a.kindIdKey(e.kind, e.id, e.owner), a.begin(8 + e.fingerprint.length).u64(i).bytes(e.fingerprint).end())
      batch.put(a.begin(10 + 3 * e.subject.length).byte(P_SUBJECT).utf8(e.subject).byte(0).u64(i).end(), EMPTY)
      batch.put(a.begin(1 + e.leafHash.length).byte(P_LEAF).bytes(e.leafHash).end(), a.begin(8).u64(i).end())
      for (const t of e.refIndexes) batch.put(a.begin(17).byte(P_REF).u64(t).u64(i).end(), EMPTY)
      batch.put(a.begin(41).byte(P_HASH).bytes(commitmentBytes(e.commitment)).u64(i).end(), HASH_COMMITMENT)
      for (const d of e.documents ?? []) batch.put(a.begin(41).byte(P_HASH).bytes(hexToBytes(d)).u64(i).end(), HASH_DOCUMENT)
      if (e.payload && sealed && !erased.has(i)) batch.put(a.begin(9).byte(P_PAYLOAD).u64(i).end(), sealed[p++])
    }
    if (n !== nodes.length) throw new Error(`block ${b.height} carries tree nodes of no entry in it`)
    for (const e of b.erasePayloads) {
      batch.del(keys.payload(e.index))
      const row = new Uint8Array(8 + ERASED_FINGERPRINT.length)
      row.set(u64(e.index))
      row.set(ERASED_FINGERPRINT, 8)
      batch.put(keys.kindId(e.kind, e.id, e.owner), row)
    }
    batch.put(keys.block(b.height), b.header)
    batch.put(keys.checkpoint(b.height), utf8ToBytes(b.checkpoint))
    batch.put(keys.head(), utf8ToBytes(JSON.stringify(b.head)))
    if (b.height === 0) batch.put(keys.format(), utf8ToBytes(STORAGE_FORMAT))
  }

  async sync(): Promise<void> {
    // A synced write flushes LevelDB's log, and with it every unsynced write before it
    // (rows already moved into tables were synced when the table was written).
    await this.db.put(keys.format(), utf8ToBytes(STORAGE_FORMAT), { sync: true })
  }

  async readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return []
    const rows = ids.map(nodeRowOf)
    const unique = [...new Set(rows)]
    const values = await this.db.getMany(unique.map(keys.entry))
    const byRow = new Map(unique.map((r, i) => [r, values[i]]))
    return ids.map((id, i) => {
      const v = byRow.get(rows[i])
      if (v === undefined || v.length < 9 || v[8] <= id.level) throw new MissingNodeError(id)
      return v.slice(entryNodeOffset(id.level), entryNodeOffset(id.level + 1))
    })
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    const v = await this.db.get(keys.entry(index))
    return v === undefined ? undefined : decodeEntry(v)
  }

  blockHeader(height: number): Promise<Uint8Array | undefined> {
    return this.db.get(keys.block(height))
  }

  async checkpoint(height: number): Promise<string | undefined> {
    const v = await this.db.get(keys.checkpoint(height))
    return v === undefined ? undefined : utf8Decoder.decode(v)
  }

  async cosigned(slot: CosignedSlot): Promise<string | undefined> {
    const v = await this.db.get(keys.cosigned(slot))
    return v === undefined ? undefined : utf8Decoder.decode(v.subarray(8))
  }

  async putCosigned(slots: readonly CosignedSlot[], size: number, value: string): Promise<void> {
    const batch = this.db.batch()
    const row = concatBytes(u64(size), utf8ToBytes(value))
    for (const slot of slots) {
      // This process is the only writer: the stored size is read once, then remembered.
      let stored = this.#cosignedSizes.get(slot)
      if (stored === undefined) {
        const old = await this.db.get(keys.cosigned(slot))
        stored = old === undefined ? -1 : readU64(old)
      }
      if (stored > size) continue
      this.#cosignedSizes.set(slot, size)
      batch.put(keys.cosigned(slot), row)
    }
    // No sync: LevelDB's log is one sequential file, so the next block's synced write makes
    // this durable too; a process crash (kill -9) never loses it, as the OS has it already.
    if (batch.length > 0) await batch.write({ sync: false })
    else await batch.close()
  }

  async byKindId(kind: string, id: string, owner: string): Promise<KindIdRow | undefined> {
    const [row] = await this.byKindIds([{ kind, id, owner }])
    return row
  }

  async byKindIds(list: readonly { kind: string; id: string; owner: string }[]): Promise<(KindIdRow | undefined)[]> {
    if (list.length === 0) return []
    // Sized to the keys, not a 256 KiB chunk: this runs once per block of a few entries.
    let bound = 0
    for (const k of list) bound += kindIdKeyBound(k.kind, k.id, k.owner)
    const a = new Arena(bound)
    const values = await this.db.getMany(list.map((k) => a.kindIdKey(k.kind, k.id, k.owner)))
    return values.map((v) => (v === undefined ? undefined : { index: readU64(v), fingerprint: v.slice(8) }))
  }

  async ownersOfKindId(kind: string, id: string): Promise<KindIdOwner[]> {
    const gte = keys.kindIdOwners(kind, id)
    const out: KindIdOwner[] = []
    for await (const [k, v] of this.db.iterator({ gte, lt: keys.kindIdOwnersEnd(kind, id) })) {
      out.push({ owner: utf8Decoder.decode(k.subarray(gte.length)), index: readU64(v) })
    }
    return out
  }

  async byLeafHash(leafHash: Uint8Array): Promise<number | undefined> {
    const v = await this.db.get(keys.leaf(leafHash))
    return v === undefined ? undefined : readU64(v)
  }

  async byHash(hash: Uint8Array, limit: number): Promise<HashHit[]> {
    const out: HashHit[] = []
    for await (const [k, v] of this.db.iterator({ gte: key(P_HASH, hash), lte: key(P_HASH, hash, u64(Number.MAX_SAFE_INTEGER)), limit })) {
      out.push({ index: readU64(k, 33), matched: v[0] === HASH_COMMITMENT[0] ? 'commitment' : 'document' })
    }
    return out
  }

  async subjectIndexes(subject: string, opts: { after?: number; limit: number }): Promise<number[]> {
    const prefix = key(P_SUBJECT, utf8ToBytes(subject), new Uint8Array([0]))
    const gt = opts.after === undefined ? undefined : keys.subject(subject, opts.after)
    const out: number[] = []
    for await (const k of this.db.keys({
      ...(gt ? { gt } : { gte: prefix }),
      lt: key(P_SUBJECT, utf8ToBytes(subject), new Uint8Array([1])),
      limit: opts.limit,
    })) {
      out.push(readU64(k, k.length - 8))
    }
    return out
  }

  async referrers(index: number): Promise<number[]> {
    const out: number[] = []
    for await (const k of this.db.keys({ gte: key(P_REF, u64(index)), lt: key(P_REF, u64(index + 1)) })) {
      out.push(readU64(k, 9))
    }
    return out
  }

  async payload(index: number): Promise<Uint8Array | undefined> {
    const row = await this.db.get(keys.payload(index))
    return row === undefined ? undefined : this.#open(row)
  }

  async payloads(indexes: readonly number[]): Promise<(Uint8Array | undefined)[]> {
    if (indexes.length === 0) return []
    const rows = await this.db.getMany(indexes.map(keys.payload))
    const out: (Uint8Array | undefined)[] = []
    for (let i = 0; i < rows.length; i++) out.push(rows[i] === undefined ? undefined : await this.#open(rows[i]!))
    return out
  }

  /** A payload row's bytes: opened with its key, or as stored if written before sealing. */
  async #open(row: Uint8Array): Promise<Uint8Array | undefined> {
    const keyId = payloadKeyId(row)
    if (keyId === null) return row
    const key = await this.#keys.key(keyId)
    // A destroyed key means an erasure whose row deletion this read raced: erased.
    return key === undefined ? undefined : openPayload(row, key)
  }

  async statements(from: number, count: number): Promise<Uint8Array[]> {
    if (count <= 0) return []
    const out: Uint8Array[] = []
    for await (const v of this.db.values({ gte: keys.entry(from), lt: keys.entry(from + count) })) out.push(v.slice(entryNodeOffset(v[8])))
    return out
  }

  /**
   * Range scan in chunks (nextv): far fewer native round trips than one per entry. The
   * next chunk is already being read (on libuv's pool) while the caller works on this one;
   * without that read-ahead an audit spent ~40% of its time waiting for LevelDB.
   */
  async *#chunks(gte: Uint8Array, lt: Uint8Array): AsyncGenerator<[Uint8Array, Uint8Array][]> {
    // nextv stops at highWaterMarkBytes (16 KiB by default, ~50 entry rows): a crossing
    // into the native side per 50 rows capped full scans at ~150k rows/s. 256 KiB chunks
    // read ~280k rows/s; two chunks in flight hold at most ~512 KiB.
    const it = this.db.iterator({ gte, lt, highWaterMarkBytes: SCAN_CHUNK_BYTES })
    let pending: Promise<[Uint8Array, Uint8Array][]> | null = null
    try {
      let chunk = await it.nextv(2048)
      while (chunk.length > 0) {
        pending = it.nextv(2048)
        yield chunk
        chunk = await pending
        pending = null
      }
    } finally {
      // An abandoned scan must not close the iterator under a read still in flight.
      if (pending) await pending.catch(() => undefined)
      await it.close()
    }
  }

  async *#scan(gte: Uint8Array, lt: Uint8Array): AsyncGenerator<[Uint8Array, Uint8Array]> {
    for await (const chunk of this.#chunks(gte, lt)) yield* chunk
  }

  async *scanEntryChunks(): AsyncIterable<[number, StoredEntry][]> {
    for await (const chunk of this.#chunks(keys.entry(0), key(P_ENTRY + 1))) {
      yield chunk.map(([k, v]): [number, StoredEntry] => [readU64(k, 1), decodeEntry(v)])
    }
  }

  async *scanEntries(from = 0): AsyncIterable<[number, StoredEntry]> {
    for await (const [k, v] of this.#scan(keys.entry(from), key(P_ENTRY + 1))) yield [readU64(k, 1), decodeEntry(v)]
  }

  async *scanBlocks(from = 0): AsyncIterable<[number, Uint8Array]> {
    for await (const [k, v] of this.#scan(keys.block(from), key(P_BLOCK + 1))) yield [readU64(k, 1), v]
  }

  async *scanCheckpoints(from = 0): AsyncIterable<[number, string]> {
    for await (const [k, v] of this.#scan(keys.checkpoint(from), key(P_CHECKPOINT + 1))) yield [readU64(k, 1), utf8Decoder.decode(v)]
  }
}

/** The leaf whose append completed this perfect subtree: its last leaf. */
export function nodeRowOf(id: NodeId): number {
  return (id.index + 1) * 2 ** id.level - 1
}

const ARENA_CHUNK = 256 * 1024
const utf8Encoder = new TextEncoder()

/**
 * Builds many keys and values as views into large buffers (one allocation per 256 KiB
 * instead of several per row). Each row is begun with an upper bound on its size and
 * stays contiguous. reset() rewinds to reuse the same buffers, so the caller must be done
 * with every earlier view — true once each row has been put into a LevelDB batch, which
 * copies it.
 * Numbers are written exactly as u64() does: big-endian, fixed width.
 */
class Arena {
  readonly #chunkSize: number
  #chunks: Uint8Array<ArrayBuffer>[] = []
  #next = 0
  #buf = new Uint8Array(0)
  #view = new DataView(this.#buf.buffer)
  #start = 0
  #off = 0

  constructor(chunkSize = ARENA_CHUNK) {
    this.#chunkSize = chunkSize
  }

  reset(): this {
    this.#next = 0
    this.#buf = new Uint8Array(0)
    this.#off = 0
    return this
  }

  begin(max: number): this {
    if (this.#off + max > this.#buf.length) {
      let buf = this.#chunks[this.#next]
      if (buf === undefined || buf.length < max) {
        buf = new Uint8Array(Math.max(this.#chunkSize, max))
        this.#chunks[this.#next] = buf
      }
      this.#next++
      this.#buf = buf
      this.#view = new DataView(buf.buffer)
      this.#off = 0
    }
    this.#start = this.#off
    return this
  }

  byte(b: number): this {
    this.#buf[this.#off++] = b
    return this
  }

  u64(n: number): this {
    this.#view.setUint32(this.#off, Math.floor(n / 2 ** 32))
    this.#view.setUint32(this.#off + 4, n >>> 0)
    this.#off += 8
    return this
  }

  bytes(b: Uint8Array): this {
    this.#buf.set(b, this.#off)
    this.#off += b.length
    return this
  }

  /** UTF-8, as utf8ToBytes writes it; reserve 3 bytes per UTF-16 unit in begin(). */
  utf8(s: string): this {
    const buf = this.#buf
    let off = this.#off
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c >= 0x80) {
        off = this.#off + utf8Encoder.encodeInto(s, buf.subarray(this.#off)).written
        break
      }
      buf[off++] = c
    }
    this.#off = off
    return this
  }

  end(): Uint8Array {
    return this.#buf.subarray(this.#start, this.#off)
  }

  /** Same bytes as keys.kindId(kind, id, owner). */
  kindIdKey(kind: string, id: string, owner: string): Uint8Array {
    return this.begin(kindIdKeyBound(kind, id, owner)).byte(P_KINDID).utf8(kind).byte(0).utf8(id).byte(0).utf8(owner).end()
  }
}

/** Upper bound on the bytes of a kind+id key (3 UTF-8 bytes per UTF-16 unit). */
function kindIdKeyBound(kind: string, id: string, owner: string): number {
  return 3 + 3 * (kind.length + id.length + owner.length)
}

/**
 * Format 2 → 3: kind+id rows gain their owner (ids became unique per submitter). Every k
 * row is rewritten in one atomic, synced batch with the format row, so a crash leaves
 * either the old store (and the next open migrates again) or the new one. The owner is
 * the submitter of the row's entry; a redaction's is the submitter of the entry it erases
 * (its one ref).
 */
async function migrateFormat2(db: Db): Promise<void> {
  const rows: { key: Uint8Array; kind: string; id: string; value: Uint8Array }[] = []
  for await (const [k, v] of db.iterator({ gte: key(P_KINDID), lt: key(P_KINDID + 1) })) {
    const sep = k.indexOf(0, 1)
    if (sep < 0) throw new Error(`kind+id row ${bytesToHex(k)} has no separator: not storage format 2`)
    rows.push({ key: k, kind: utf8Decoder.decode(k.subarray(1, sep)), id: utf8Decoder.decode(k.subarray(sep + 1)), value: v })
  }
  const statementAt = async (index: number) => {
    const v = await db.get(keys.entry(index))
    if (v === undefined) throw new Error(`storage format 2 → 3: entry ${index} named by a kind+id row is missing`)
    return parseStatement(decodeEntry(v).statement)
  }
  const submitterOfLeaf = async (leafHex: string) => {
    const leaf = await db.get(keys.leaf(hexToBytes(leafHex)))
    return leaf === undefined ? undefined : (await statementAt(readU64(leaf))).submitter
  }
  const batch = db.batch()
  for (const r of rows) {
    const owner = await statementOwner(await statementAt(readU64(r.value)), submitterOfLeaf)
    batch.del(r.key)
    batch.put(keys.kindId(r.kind, r.id, owner), r.value)
  }
  batch.put(keys.format(), utf8ToBytes(FORMAT_3))
  await batch.write({ sync: true })
}

/** Shared by every writeBlock: safe because a block's rows are all put before it yields. */
const scratch = new Arena()

function decodeEntry(v: Uint8Array): StoredEntry {
  // Views, not copies: every row LevelDB hands out is a fresh buffer of its own, and two
  // copies per row were a tenth of an audit's time.
  const end = entryNodeOffset(v[8])
  return { height: readU64(v), nodes: v.subarray(9, end), statement: v.subarray(end) }
}

export function describeKey(k: Uint8Array): string {
  const names: Record<number, string> = {
    [P_ENTRY]: 'entry', [P_BLOCK]: 'block', [P_CHECKPOINT]: 'checkpoint',
    [P_KINDID]: 'kind+id index', [P_SUBJECT]: 'subject index', [P_LEAF]: 'leaf index',
    [P_REF]: 'ref index', [P_PAYLOAD]: 'payload', [P_META]: 'meta', [P_HASH]: 'hash index',
  }
  return `${names[k[0]] ?? 'unknown'} ${bytesToHex(k.slice(1))}`
}
