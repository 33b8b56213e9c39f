// Backup format (NDJSON, one line per block) and its verifying restore. A backup holds
// statements, payloads, block headers and checkpoints; tree nodes and indexes are not
// trusted from it but rebuilt, and every block root and checkpoint is re-verified, so a
// restore either reproduces the exact log or refuses.
import { bytesToHex, fromBase64, hexToBytes, toBase64, utf8Decoder, utf8ToBytes } from '../chain/encoding.ts'
import { leafHash } from '../chain/hash.ts'
import { parseVkey } from '../chain/note.ts'
import { canonicalBytes, isStatement } from '../chain/statement.ts'
import type { BlockWrite, EntryWrite, LedgerStore } from '../chain/store.ts'
import { CompactRange, type StoredNode } from '../chain/tree.ts'
import { blockHash, verifyBlockLink, verifyCheckpointWithAny, type BlockHeader } from '../chain/verify.ts'

export const BACKUP_FORMAT = 'evidence-ledger/backup/v1'

export interface BackupHeader {
  format: typeof BACKUP_FORMAT
  origin: string
  size: number
  height: number
  createdAt: string
}

interface BackupEntry {
  index: number
  statement: string
  fingerprint: string
  payload?: string
}

interface BackupBlock {
  height: number
  header: string
  checkpoint: string
  entries: BackupEntry[]
}

/** Lines of a backup of every block up to the head as it is when the export starts. */
export async function* exportLines(
  store: LedgerStore, origin: string, opts: { onProgress?: (entries: number, total: number) => void } = {},
): AsyncGenerator<string> {
  const head = await store.head()
  const size = head?.size ?? 0
  const height = head?.height ?? -1
  const header: BackupHeader = { format: BACKUP_FORMAT, origin, size, height, createdAt: new Date().toISOString() }
  yield JSON.stringify(header) + '\n'
  const entries = store.scanEntries()[Symbol.asyncIterator]()
  const checkpoints = store.scanCheckpoints()[Symbol.asyncIterator]()
  // Blocks are gathered until they hold EXPORT_READ entries, whose fingerprints and
  // payloads are then read in two batched reads: two point reads per entry (and one per
  // block for its checkpoint) held export at ~5,600 entries/s.
  let group: { height: number; header: string; checkpoint: string; entries: BackupEntry[]; ids: { kind: string; id: string }[] }[] = []
  let grouped = 0
  async function* flush(): AsyncGenerator<string> {
    const all = group.flatMap((b) => b.entries)
    const [rows, payloads] = await Promise.all([store.byKindIds(group.flatMap((b) => b.ids)), store.payloads(all.map((e) => e.index))])
    all.forEach((e, i) => {
      const row = rows[i]
      const payload = payloads[i]
      e.fingerprint = row ? bytesToHex(row.fingerprint) : ''
      if (payload) e.payload = toBase64(payload)
    })
    for (const b of group) {
      const block: BackupBlock = { height: b.height, header: b.header, checkpoint: b.checkpoint, entries: b.entries }
      yield JSON.stringify(block) + '\n'
    }
    const last = group.at(-1)!.entries.at(-1)
    opts.onProgress?.(last ? last.index + 1 : 0, size)
    group = []
    grouped = 0
  }
  try {
    for await (const [h, headerBytes] of store.scanBlocks()) {
      if (h > height) break
      const headerText = utf8Decoder.decode(headerBytes)
      const bh = JSON.parse(headerText) as BlockHeader
      const c = await checkpoints.next()
      const checkpoint = !c.done && c.value[0] === h ? c.value[1] : ''
      const block = { height: h, header: headerText, checkpoint, entries: [] as BackupEntry[], ids: [] as { kind: string; id: string }[] }
      for (let i = 0; i < bh.count; i++) {
        const e = await entries.next()
        if (e.done) throw new Error(`entry ${bh.first + i} is missing from storage`)
        const [index, stored] = e.value
        const statement = utf8Decoder.decode(stored.statement)
        const s = JSON.parse(statement) as { kind: string; id: string }
        block.entries.push({ index, statement, fingerprint: '' })
        block.ids.push({ kind: s.kind, id: s.id })
      }
      group.push(block)
      grouped += bh.count
      if (grouped >= EXPORT_READ) yield* flush()
    }
    if (group.length > 0) yield* flush()
  } finally {
    // An export that stops early (client gone, error) must close its scans: each holds a
    // LevelDB iterator and snapshot for as long as the service runs.
    await Promise.all([checkpoints.return?.(), entries.return?.()])
  }
}

const EXPORT_READ = 1000
const RESTORE_GROUP = 1000

export class RestoreError extends Error {
  override name = 'RestoreError'
}

export interface RestoreResult {
  size: number
  height: number
  root: string
}

/**
 * Restores a backup into an EMPTY store, verifying as it goes: canonical statements,
 * block links, roots recomputed from the statements, checkpoint signatures with the
 * keys the operator trusts. The first mismatch aborts with its position.
 */
export async function restoreLines(
  lines: AsyncIterable<string>, store: LedgerStore, opts: { vkeys: string[]; onProgress?: (size: number, total: number) => void },
): Promise<RestoreResult> {
  if ((await store.head()) !== null) throw new RestoreError('the target data directory already holds a log; restore into an empty one')
  if (opts.vkeys.length === 0) throw new RestoreError('no verifier key to check checkpoints with')
  const keys = opts.vkeys.map(parseVkey)
  const compact = new CompactRange(0, [])
  const out = new GroupWriter(store, () => opts.onProgress?.(compact.size, header?.size ?? compact.size))
  let header: BackupHeader | null = null
  let prev: BlockHeader | null = null
  try {
    for await (const raw of lines) {
      if (raw.trim() === '') continue
      let line: unknown
      try {
        line = JSON.parse(raw)
      } catch {
        throw new RestoreError(`line ${prev ? prev.height + 2 : 1} is not JSON`)
      }
      if (header === null) {
        header = line as BackupHeader
        if (header.format !== BACKUP_FORMAT) throw new RestoreError(`not an evidence-ledger backup (format ${String(header.format)})`)
        continue
      }
      const b = line as BackupBlock
      const where = `block ${b.height}`
      const bh = JSON.parse(b.header) as BlockHeader
      if (utf8Decoder.decode(canonicalBytes(bh)) !== b.header) throw new RestoreError(`${where}: header is not canonical`)
      if (!verifyBlockLink(prev, bh) || bh.height !== b.height) throw new RestoreError(`${where}: does not link to the previous block`)
      if (b.entries.length !== bh.count) throw new RestoreError(`${where}: holds ${b.entries.length} entries, its header says ${bh.count}`)
      const writes: EntryWrite[] = []
      const nodes: StoredNode[] = []
      for (const e of b.entries) {
        if (e.index !== compact.size) throw new RestoreError(`entry ${e.index}: out of order (expected ${compact.size})`)
        const bytes = utf8ToBytes(e.statement)
        const s: unknown = JSON.parse(e.statement)
        if (!isStatement(s) || utf8Decoder.decode(canonicalBytes(s)) !== e.statement) throw new RestoreError(`entry ${e.index}: not a canonical statement`)
        const leaf = leafHash(bytes)
        nodes.push(...compact.append(leaf))
        const refIndexes: number[] = []
        for (const r of s.refs) {
          const target = await out.indexOfLeaf(r)
          if (target === undefined) throw new RestoreError(`entry ${e.index}: refs ${r}, which is not earlier in the log`)
          refIndexes.push(target)
        }
        writes.push({
          index: e.index, statement: bytes, leafHash: leaf, kind: s.kind, id: s.id, subject: s.subject,
          fingerprint: hexToBytes(e.fingerprint), payload: e.payload === undefined ? undefined : fromBase64(e.payload), refIndexes,
        })
      }
      const root = bytesToHex(compact.root())
      if (root !== bh.root) throw new RestoreError(`${where}: statements give root ${root}, the header says ${bh.root}`)
      const origin = header.origin
      const check = verifyCheckpointWithAny(b.checkpoint, keys).then((signed) => {
        if (!signed.ok) return new RestoreError(`${where}: checkpoint signature does not verify with the trusted keys`)
        if (signed.checkpoint.size !== bh.size || bytesToHex(signed.checkpoint.root) !== root) return new RestoreError(`${where}: checkpoint does not match the block`)
        if (signed.checkpoint.origin !== origin) return new RestoreError(`${where}: checkpoint origin ${signed.checkpoint.origin} is not the backup's ${origin}`)
        return null
      })
      await out.add({
        height: bh.height, header: utf8ToBytes(b.header), checkpoint: b.checkpoint, entries: writes, nodes, erasePayloads: [],
        head: { size: bh.size, height: bh.height, blockHash: blockHash(bh), root },
      }, check)
      prev = bh
    }
    await out.flush()
  } catch (e) {
    throw (await out.firstFailedCheck()) ?? e
  }
  if (header === null) throw new RestoreError('the backup is empty')
  if (compact.size !== header.size || (prev?.height ?? -1) !== header.height) {
    throw new RestoreError(`the backup is truncated: it announced ${header.size} entries in ${header.height + 1} blocks, it holds ${compact.size}`)
  }
  await store.sync()
  return { size: compact.size, height: header.height, root: bytesToHex(compact.root()) }
}

/**
 * Writes restored blocks RESTORE_GROUP entries at a time, unsynced (the caller syncs once
 * at the end; a restore goes to a staging directory until it is whole): a write per block
 * held logs of small blocks at ~2,600 entries/s. A group is written only after all of its
 * blocks' signature checks, which run on the thread pool meanwhile, have passed.
 */
class GroupWriter {
  #blocks: BlockWrite[] = []
  #entries = 0
  #checks: Promise<RestoreError | null>[] = []
  // Refs may point into the group not yet written.
  #leaves = new Map<string, number>()

  constructor(private readonly store: LedgerStore, private readonly onWritten: () => void) {}

  async indexOfLeaf(leafHex: string): Promise<number | undefined> {
    return this.#leaves.get(leafHex) ?? this.store.byLeafHash(hexToBytes(leafHex))
  }

  async add(block: BlockWrite, check: Promise<RestoreError | null>): Promise<void> {
    this.#blocks.push(block)
    this.#checks.push(check)
    // Only once the whole block is in: an entry may ref earlier blocks, never its own.
    for (const e of block.entries) this.#leaves.set(bytesToHex(e.leafHash), e.index)
    this.#entries += block.entries.length
    if (this.#entries >= RESTORE_GROUP) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.#blocks.length === 0) return
    const failed = await this.firstFailedCheck()
    if (failed) throw failed
    this.#checks = []
    await this.store.writeBlocks(this.#blocks, { sync: false })
    this.#blocks = []
    this.#entries = 0
    this.#leaves.clear()
    this.onWritten()
  }

  /** The first failed check in block order: it names an earlier block than any later error. */
  async firstFailedCheck(): Promise<RestoreError | null> {
    for (const check of this.#checks) {
      const failed = await check
      if (failed) return failed
    }
    return null
  }
}
