// Full re-verification of a log from its storage (our fsck): every statement → leaf hash,
// every tree hash stored with its entry, every block header link, every checkpoint signature, and the
// root at every block boundary. One pass in key order, no random reads.
import { bytesToHex, equalBytes, utf8Decoder } from './encoding.ts'
import { leafHash } from './hash.ts'
import { parseVkey, type Checkpoint, type VerifierKey } from './note.ts'
import { checkBlockCheckpoint, headerBytesHash, checkBlockLink, parseBlockHeader, type BlockHeader } from './block.ts'
import { canonicalBytes } from './jcs.ts'
import { isStatement } from './statement.ts'
import { storeOf, type LedgerStorage } from './storage.ts'
import { CompactRange } from './tree.ts'
import { checkpointCandidates, verifyCandidate, type SignatureCandidate } from './verify.ts'
import { Ed25519Workers } from './ed25519-workers.ts'

export interface AuditOptions {
  /** Verifier keys (current and retired) any checkpoint may be signed with. */
  vkeys: string[]
  origin?: string
  onProgress?: (entries: number, total: number) => void
  /** Also parse every statement and insist on its canonical v1 form (slower). */
  strictStatements?: boolean
  /**
   * Worker threads checking checkpoint signatures. Default: one per core but this one, on
   * a log of at least 1,024 blocks; 0 checks them without workers.
   */
  signatureWorkers?: number
}

export interface AuditReport {
  ok: boolean
  entries: number
  blocks: number
  size: number
  root: string
  /** First failure, with its exact position. */
  error?: string
  position?: { what: 'entry' | 'node' | 'block' | 'checkpoint' | 'head'; index: number; level?: number }
}

class AuditFailure extends Error {
  readonly position: NonNullable<AuditReport['position']>
  /** Where the pass stood when the failing thing was read, if it is reported later. */
  readonly at?: { entries: number; blocks: number }

  constructor(position: NonNullable<AuditReport['position']>, message: string, at?: { entries: number; blocks: number }) {
    super(message)
    this.position = position
    this.at = at
  }
}

// Checkpoints per message to a worker (~2 ms of verifying, against ~30 µs a message), and
// batches out at once: enough to keep every worker busy while this thread fills the next.
const SIGNATURE_BATCH = 32
const BATCHES_IN_FLIGHT = 4
// Starting a worker costs 25–45 ms of CPU (measured on the 2-core VM): a log of fewer
// blocks, ~55–110 ms of signatures, is checked without one.
const WORKERS_FROM_BLOCKS = 1024

interface PendingCheckpoint {
  height: number
  size: number
  root: string
  /** Blocks passed before this one: where the pass stood, if this is the failure. */
  blocks: number
  /** Null when the note has no signature by a given key, or does not parse. */
  checkpoint: Checkpoint | null
  /** Its signature candidates, counted in the batch's results. */
  candidates: number
}

interface SignatureBatch {
  checkpoints: PendingCheckpoint[]
  results: Promise<ArrayLike<number | boolean>>
}

/**
 * Checkpoint signatures are checked on worker threads (chain/ed25519-workers.ts), a batch
 * of checkpoints per message, while the pass goes on hashing: on a log of 25-entry blocks
 * they are over a third of its CPU time. Without workers (a small log, one core) they go
 * to the installed verifier, libuv's pool under node:crypto. Results are taken in block
 * order, so the failure reported is still the first in the log.
 */
class SignatureChecks {
  #filling: PendingCheckpoint[] = []
  #candidates: SignatureCandidate[] = []
  #sent: SignatureBatch[] = []
  private readonly keys: VerifierKey[]
  private readonly origin: string | undefined
  private readonly workers: Ed25519Workers | null

  constructor(keys: VerifierKey[], origin: string | undefined, workers: Ed25519Workers | null) {
    this.keys = keys
    this.origin = origin
    this.workers = workers
  }

  async add(height: number, note: string, size: number, root: string, blocks: number): Promise<void> {
    const found = checkpointCandidates(note, this.keys)
    this.#filling.push({ height, size, root, blocks, checkpoint: found?.checkpoint ?? null, candidates: found?.candidates.length ?? 0 })
    if (found !== null) for (const c of found.candidates) this.#candidates.push(c)
    if (this.#filling.length >= SIGNATURE_BATCH) {
      this.#send()
      if (this.#sent.length >= BATCHES_IN_FLIGHT) await this.#settleOne()
    }
  }

  async settleAll(): Promise<void> {
    this.#send()
    while (this.#sent.length > 0) await this.#settleOne()
  }

  #send(): void {
    if (this.#filling.length === 0) return
    const candidates = this.#candidates
    const results = this.workers === null
      ? Promise.all(candidates.map(verifyCandidate))
      : this.workers.verify(candidates.map((c) => ({ signature: c.signature, msg: c.msg, publicKey: c.key.publicKey })))
    this.#sent.push({ checkpoints: this.#filling, results })
    this.#filling = []
    this.#candidates = []
  }

  async #settleOne(): Promise<void> {
    const b = this.#sent.shift()!
    const results = await b.results
    let at = 0
    for (const c of b.checkpoints) {
      let signed = false
      for (let k = 0; k < c.candidates; k++) if (results[at + k]) signed = true
      at += c.candidates
      const fail = (msg: string) => {
        // The pass stops at its first failure: later blocks' results no longer matter.
        this.#sent = []
        this.#filling = []
        this.#candidates = []
        return new AuditFailure({ what: 'checkpoint', index: c.height }, `checkpoint of block ${c.height}: ${msg}`, { entries: c.size, blocks: c.blocks })
      }
      if (!signed || c.checkpoint === null) throw fail('signature does not verify with any given key')
      const problem = checkBlockCheckpoint(c, c.checkpoint, this.origin)
      if (problem === 'origin') throw fail(`origin ${c.checkpoint.origin}, expected ${this.origin}`)
      if (problem !== null) throw fail('size or root differs from the block')
    }
  }
}

export async function auditLog(storage: LedgerStorage, opts: AuditOptions): Promise<AuditReport> {
  const store = storeOf(storage)
  const keys: VerifierKey[] = opts.vkeys.map(parseVkey)
  const head = await store.head()
  const total = head?.size ?? 0
  const compact = new CompactRange(0, [])
  const entries = chunked(store.scanEntryChunks())
  // Read in step with the blocks rather than one point read per block: logs of small
  // blocks spent a third of their audit waiting on those reads.
  const checkpoints = store.scanCheckpoints()[Symbol.asyncIterator]()
  const workers = Ed25519Workers.start(opts.signatureWorkers ?? ((head?.height ?? -1) + 1 >= WORKERS_FROM_BLOCKS ? undefined : 0))
  const signatures = new SignatureChecks(keys, opts.origin, workers)
  let blocks = 0
  let prev: BlockHeader | null = null
  let prevHash = ''
  const report = (): AuditReport => ({ ok: true, entries: compact.size, blocks, size: compact.size, root: bytesToHex(compact.root()) })
  try {
    for await (const [height, bytes] of store.scanBlocks()) {
      const header = parseHeader(bytes, height)
      if (header.height !== height) throw new AuditFailure({ what: 'block', index: height }, `block ${height}: header says height ${header.height}`)
      const link = checkBlockLink(prev, header, prevHash)
      if (link === 'prev' && prev !== null) {
        // The earlier header is the likelier culprit: its bytes are what the hash covers.
        throw new AuditFailure({ what: 'block', index: height - 1 }, `block ${height - 1}: its header hashes to ${prevHash}, but block ${height} links to ${header.prev}`)
      }
      if (link !== null) {
        throw new AuditFailure({ what: 'block', index: height }, `block ${height}: does not link to block ${height - 1} (prev, first or size wrong)`)
      }
      for (let i = header.first; i < header.first + header.count; i++) {
        // Awaiting only when a chunk runs out: an await per entry cost a microtask turn each.
        const next = entries.next()
        const e = next instanceof Promise ? await next : next
        if (e.done || e.value[0] !== i) throw new AuditFailure({ what: 'entry', index: i }, `entry ${i}: missing`)
        const stored = e.value[1]
        if (stored.height !== height) throw new AuditFailure({ what: 'entry', index: i }, `entry ${i}: stored in block ${stored.height}, but block ${height} holds it`)
        if (opts.strictStatements) checkStatement(stored.statement, i)
        const created = compact.append(leafHash(stored.statement))
        const row = stored.nodes
        if (row.length !== created.length * 32) throw new AuditFailure({ what: 'node', index: i }, `entry ${i}: holds ${row.length / 32} tree hashes, expected ${created.length}`)
        for (let level = 0; level < created.length; level++) {
          if (!hashAt(row, level * 32, created[level].hash)) {
            const what = level === 0 ? 'entry' : 'node'
            const msg = level === 0
              ? `entry ${i}: its statement hashes to ${bytesToHex(created[0].hash)}, the stored leaf hash is ${bytesToHex(row.subarray(0, 32))}`
              : `node level ${level} index ${created[level].id.index} (in entry ${i}): stored hash differs from the recomputed one`
            throw new AuditFailure({ what, index: i, level }, msg)
          }
        }
        if (compact.size % 65_536 === 0) opts.onProgress?.(compact.size, total)
      }
      const root = bytesToHex(compact.root())
      if (header.root !== root) throw new AuditFailure({ what: 'block', index: height }, `block ${height}: root ${header.root} differs from the recomputed ${root}`)
      const c = await checkpoints.next()
      // Heights without a checkpoint row are skipped by the scan: a lower one means missing.
      const note = c.done || c.value[0] !== height ? undefined : c.value[1]
      if (note === undefined) throw new AuditFailure({ what: 'checkpoint', index: height }, `checkpoint of block ${height}: missing`)
      await signatures.add(height, note, header.size, root, blocks)
      prev = header
      prevHash = headerBytesHash(bytes)
      blocks++
    }
    await signatures.settleAll()
    const extra = await entries.next()
    if (!extra.done) throw new AuditFailure({ what: 'entry', index: extra.value[0] }, `entry ${extra.value[0]}: stored but in no block`)
    if (head === null ? blocks !== 0 : head.height !== blocks - 1 || head.size !== compact.size || head.blockHash !== prevHash || head.root !== bytesToHex(compact.root())) {
      throw new AuditFailure({ what: 'head', index: blocks - 1 }, 'the log head does not match the last block')
    }
    opts.onProgress?.(compact.size, total)
    return report()
  } catch (e) {
    if (!(e instanceof AuditFailure)) throw e
    // A signature still being checked belongs to an earlier block: its failure comes first.
    const first = await signatures.settleAll().then(() => e, (earlier: unknown) => (earlier instanceof AuditFailure ? earlier : e))
    return { ...report(), ...first.at, ok: false, error: first.message, position: first.position }
  } finally {
    // A pass that stops early must close its scans: each holds a LevelDB iterator and snapshot.
    await Promise.all([checkpoints.return?.(), entries.close(), workers?.close()])
  }
}

/** Pulls items one by one out of a chunked scan, awaiting only when a chunk runs out. */
function chunked<T>(source: AsyncIterable<T[]>): { next(): Promise<IteratorResult<T>> | IteratorResult<T>; close(): Promise<unknown> } {
  const it = source[Symbol.asyncIterator]()
  let chunk: T[] = []
  let i = 0
  let done = false
  const refill = async (): Promise<IteratorResult<T>> => {
    while (i >= chunk.length && !done) {
      const r = await it.next()
      if (r.done) done = true
      else {
        chunk = r.value
        i = 0
      }
    }
    return i < chunk.length ? { done: false, value: chunk[i++] } : { done: true, value: undefined }
  }
  return {
    next: () => (i < chunk.length ? { done: false, value: chunk[i++] } : refill()),
    close: async () => it.return?.(),
  }
}

/** Whether `row` holds `hash` at `offset`: no subarray (a Buffer view each) per tree hash. */
function hashAt(row: Uint8Array, offset: number, hash: Uint8Array): boolean {
  let diff = 0
  for (let i = 0; i < 32; i++) diff |= row[offset + i] ^ hash[i]
  return diff === 0
}

const HEADER_PROBLEMS = { json: 'is not valid JSON', canonical: 'is not canonical JSON', shape: 'is not a block header' } as const

function parseHeader(bytes: Uint8Array, height: number): BlockHeader {
  const parsed = parseBlockHeader(bytes)
  if (!parsed.ok) throw new AuditFailure({ what: 'block', index: height }, `block ${height}: header ${HEADER_PROBLEMS[parsed.problem]}`)
  return parsed.header
}

function checkStatement(bytes: Uint8Array, index: number): void {
  let value: unknown
  try {
    value = JSON.parse(utf8Decoder.decode(bytes))
  } catch {
    throw new AuditFailure({ what: 'entry', index }, `entry ${index}: statement is not valid JSON`)
  }
  if (!isStatement(value) || !equalBytes(canonicalBytes(value), bytes)) {
    throw new AuditFailure({ what: 'entry', index }, `entry ${index}: statement is not a canonical v1 statement`)
  }
}
