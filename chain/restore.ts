// The verifying restore of a backup (export.ts): tree nodes and indexes are not trusted
// from the backup but rebuilt from its statements, and every block's link, root and
// checkpoint signature is re-verified, so a restore either reproduces the exact log or
// refuses, naming the first block that differs.
import { blockHash, checkBlockCheckpoint, checkBlockLink, parseBlockHeader, type BlockHeader } from './block.ts'
import { bytesToHex, fromBase64, hexToBytes, utf8Decoder, utf8ToBytes } from './encoding.ts'
import { BACKUP_FORMAT, type BackupBlock, type BackupHeader } from './export.ts'
import { leafHash } from './hash.ts'
import { canonicalBytes } from './jcs.ts'
import { parseVkey } from './note.ts'
import { payloadDocumentHashes } from './search-hashes.ts'
import { isStatement, parseStatement, type Statement } from './statement.ts'
import { storeOf, type LedgerStorage } from './storage.ts'
import type { BlockWrite, EntryWrite, LedgerStore } from './store.ts'
import { CompactRange, type StoredNode } from './tree.ts'
import { verifyCheckpointWithAny } from './verify.ts'

const RESTORE_GROUP = 1000

const HEADER_PROBLEMS = { json: 'is not valid JSON', canonical: 'is not canonical', shape: 'is not a block header' } as const

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
  lines: AsyncIterable<string>, storage: LedgerStorage, opts: { vkeys: string[]; onProgress?: (size: number, total: number) => void },
): Promise<RestoreResult> {
  const store = storeOf(storage)
  if ((await store.head()) !== null) throw new RestoreError('the target data directory already holds a log; restore into an empty one')
  if (opts.vkeys.length === 0) throw new RestoreError('no verifier key to check checkpoints with')
  const keys = opts.vkeys.map(parseVkey)
  const compact = new CompactRange(0, [])
  const out = new GroupWriter(store, () => opts.onProgress?.(compact.size, header?.size ?? compact.size))
  let header: BackupHeader | null = null
  let prev: BlockHeader | null = null
  let prevHash = ''
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
      const headerBytes = utf8ToBytes(b.header)
      const parsed = parseBlockHeader(headerBytes)
      if (!parsed.ok) throw new RestoreError(`${where}: header ${HEADER_PROBLEMS[parsed.problem]}`)
      const bh = parsed.header
      if (checkBlockLink(prev, bh, prevHash) !== null || bh.height !== b.height) throw new RestoreError(`${where}: does not link to the previous block`)
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
        // The store keys kind+id rows by id ‖ 0x00 ‖ owner: a NUL would make them ambiguous.
        if (s.id.includes('\u0000') || s.submitter.includes('\u0000')) throw new RestoreError(`entry ${e.index}: id or submitter holds U+0000`)
        if (s.kind === 'redaction' && refIndexes.length !== 1) throw new RestoreError(`entry ${e.index}: a redaction refs exactly one entry`)
        const payload = e.payload === undefined ? undefined : fromBase64(e.payload)
        const owner = s.kind === 'redaction' ? (await out.statementAt(refIndexes[0])).submitter : s.submitter
        writes.push({
          index: e.index, statement: bytes, leafHash: leaf, kind: s.kind, id: s.id, owner, subject: s.subject,
          fingerprint: hexToBytes(e.fingerprint), payload, refIndexes,
          commitment: s.commitment, documents: payload === undefined ? undefined : documentsOf(e.index, payload),
        })
      }
      const root = bytesToHex(compact.root())
      if (root !== bh.root) throw new RestoreError(`${where}: statements give root ${root}, the header says ${bh.root}`)
      const origin = header.origin
      const check = verifyCheckpointWithAny(b.checkpoint, keys).then((signed) => {
        if (!signed.ok) return new RestoreError(`${where}: checkpoint signature does not verify with the trusted keys`)
        const problem = checkBlockCheckpoint(bh, signed.checkpoint, origin)
        if (problem === 'origin') return new RestoreError(`${where}: checkpoint origin ${signed.checkpoint.origin} is not the backup's ${origin}`)
        return problem === null ? null : new RestoreError(`${where}: checkpoint does not match the block`)
      })
      const hash = blockHash(bh)
      await out.add({
        height: bh.height, header: headerBytes, checkpoint: b.checkpoint, entries: writes, nodes, erasePayloads: [],
        head: { size: bh.size, height: bh.height, blockHash: hash, root },
      }, check)
      prev = bh
      prevHash = hash
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

function documentsOf(index: number, payload: Uint8Array): string[] {
  try {
    return payloadDocumentHashes(payload)
  } catch {
    throw new RestoreError(`entry ${index}: its payload is not a JSON {record, salt}`)
  }
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

  private readonly store: LedgerStore
  private readonly onWritten: () => void

  constructor(store: LedgerStore, onWritten: () => void) {
    this.store = store
    this.onWritten = onWritten
  }

  async indexOfLeaf(leafHex: string): Promise<number | undefined> {
    return this.#leaves.get(leafHex) ?? this.store.byLeafHash(hexToBytes(leafHex))
  }

  /** The statement of an earlier entry, written or still in this group (a redaction's owner is its target's submitter). */
  async statementAt(index: number): Promise<Statement> {
    for (const b of this.#blocks) {
      const e = b.entries.find((x) => x.index === index)
      if (e) return parseStatement(e.statement)
    }
    const stored = await this.store.entry(index)
    if (!stored) throw new RestoreError(`entry ${index} is missing`)
    return parseStatement(stored.statement)
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
