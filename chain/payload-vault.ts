// Crypto-shredding for erasable payloads. A record and its salt are stored encrypted;
// their key lives here, outside LevelDB, in fixed 32-byte slots of plain files that are
// overwritten in place. Deleting a LevelDB row only hides it: the bytes stay in the write-
// ahead log and in table files until a compaction that may never come (measured: a
// manual range compaction did not reliably drop them). Zeroing a key slot here and
// syncing it makes every copy of the ciphertext, wherever LevelDB left it, unreadable.
//
// Keys are made ahead of need, in runs that are synced once, so a block never waits for
// a second fsync: by the time a block's rows are written, the key they name is already
// durable. A key id that was handed out but whose block never committed is simply unused.
//
// What a zeroed slot cannot promise (docs/consent.md): copies of the file in backups
// taken before the erasure, and blocks an SSD's wear levelling or a copy-on-write file
// system (btrfs, ZFS) keeps on the device outside any file.
import { randomFillSync } from 'node:crypto'
import { mkdirSync, readdirSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'

export const KEY_BYTES = 32
const SLOTS_PER_FILE = 65_536
/** Keys made per run of key generation (one write and one fdatasync). */
const RUN = 1024
const ZERO = new Uint8Array(KEY_BYTES)

export class PayloadVault {
  readonly dir: string
  // Promises, so two callers reaching a new file at once open it once.
  readonly #files = new Map<number, Promise<FileHandle>>()
  /** First key id not yet durable on disk. */
  #durableEnd: number
  #next: number
  #refill: Promise<void> | null = null
  /** The newest runs of generated keys, so taking a key reads nothing. */
  #runs: { start: number; keys: Uint8Array }[] = []
  readonly #recent = new Map<number, Uint8Array>()

  private constructor(dir: string, next: number) {
    this.dir = dir
    this.#next = next
    this.#durableEnd = next
  }

  /**
   * Opens (or creates) the vault. `next` is the first key id the log has not used yet
   * (kept in the log's own meta row): slots from there on may hold keys made before a
   * crash that no committed row names; fresh keys overwrite them.
   */
  static async open(dir: string, next: number): Promise<PayloadVault> {
    // Nothing is made until a key is needed: audit and export of a stopped DATA_DIR (or a
    // read-only copy of one) write nothing here.
    return new PayloadVault(dir, next)
  }

  /** The first key id never handed out: the log stores it with each block. */
  get next(): number {
    return this.#next
  }

  /** The next unused key id and its key; the key is durable before it is handed out. */
  async take(): Promise<{ id: number; key: Uint8Array }> {
    while (this.#next >= this.#durableEnd) await this.#refilled()
    const id = this.#next++
    // Make the next run in the background well before this one is used up.
    if (this.#durableEnd - this.#next < RUN / 4) void this.#refilled().catch(() => undefined)
    const run = this.#runs.find((r) => id >= r.start && id < r.start + RUN)!
    const key = run.keys.slice((id - run.start) * KEY_BYTES, (id - run.start + 1) * KEY_BYTES)
    this.#remember(id, key)
    return { id, key }
  }

  /** The key of an id, or undefined once shredded (all zeros) or never made. */
  async key(id: number): Promise<Uint8Array | undefined> {
    const cached = this.#recent.get(id)
    if (cached) return cached
    const slot = await this.#slot(id, false)
    if (!slot) return undefined
    const { file, offset } = slot
    const key = new Uint8Array(KEY_BYTES)
    const { bytesRead } = await file.read(key, 0, KEY_BYTES, offset)
    if (bytesRead < KEY_BYTES || key.every((b) => b === 0)) return undefined
    this.#remember(id, key)
    return key
  }

  /** Overwrites the keys in place and syncs: what they encrypted is gone for good. */
  async shred(ids: readonly number[]): Promise<void> {
    const touched = new Set<FileHandle>()
    for (const id of ids) {
      this.#recent.delete(id)
      for (const r of this.#runs) if (id >= r.start && id < r.start + RUN) r.keys.fill(0, (id - r.start) * KEY_BYTES, (id - r.start + 1) * KEY_BYTES)
      const slot = await this.#slot(id, false)
      if (!slot) continue // never made: nothing to destroy
      const { file, offset } = slot
      await file.write(ZERO, 0, KEY_BYTES, offset)
      touched.add(file)
    }
    for (const f of touched) await f.datasync()
  }

  async close(): Promise<void> {
    await this.#refill?.catch(() => undefined)
    for (const f of this.#files.values()) await (await f).close()
    this.#files.clear()
  }

  /** One refill at a time; resolves when a new run of keys is durable. */
  #refilled(): Promise<void> {
    this.#refill ??= this.#generate().finally(() => { this.#refill = null })
    return this.#refill
  }

  /** Writes a run of fresh keys after the durable end and syncs them once. */
  async #generate(): Promise<void> {
    const start = this.#durableEnd
    const keys = new Uint8Array(RUN * KEY_BYTES)
    randomFillSync(keys)
    const touched = new Set<FileHandle>()
    // A run may straddle two files.
    for (let i = 0; i < RUN;) {
      const { file, offset } = (await this.#slot(start + i, true))!
      const inFile = Math.min(RUN - i, SLOTS_PER_FILE - ((start + i) % SLOTS_PER_FILE))
      await file.write(keys, i * KEY_BYTES, inFile * KEY_BYTES, offset)
      touched.add(file)
      i += inFile
    }
    for (const f of touched) await f.datasync()
    this.#runs.push({ start, keys })
    if (this.#runs.length > 2) this.#runs.shift()
    this.#durableEnd = start + RUN
  }

  /** The file and offset of a key slot; with `create` false, undefined if its file does not exist. */
  async #slot(id: number, create: boolean): Promise<{ file: FileHandle; offset: number } | undefined> {
    const n = Math.floor(id / SLOTS_PER_FILE)
    let file = this.#files.get(n)
    if (!file) {
      const path = join(this.dir, `keys-${String(n).padStart(6, '0')}.bin`)
      // 'r+' keeps what is there; the file is made (and its name synced) on first need.
      // The promise is kept before it settles, so concurrent callers open the file once.
      file = open(path, 'r+').catch(async (e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT' || !create) throw e
        mkdirSync(this.dir, { recursive: true, mode: 0o700 })
        const f = await open(path, 'w+', 0o600)
        await syncDir(this.dir)
        return f
      })
      this.#files.set(n, file)
    }
    try {
      return { file: await file, offset: (id % SLOTS_PER_FILE) * KEY_BYTES }
    } catch (e) {
      if (this.#files.get(n) === file) this.#files.delete(n)
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
      // A reader's failed open must not fail a writer that arrived meanwhile.
      return create ? this.#slot(id, true) : undefined
    }
  }

  #remember(id: number, key: Uint8Array): void {
    this.#recent.set(id, key)
    if (this.#recent.size > 4096) this.#recent.delete(this.#recent.keys().next().value!)
  }
}

/** A new file's name is durable only once its directory is synced. */
async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r')
  try {
    await d.sync()
  } finally {
    await d.close()
  }
}

/** Every vault file, for tools that copy or remove a data directory. */
export function vaultFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /^keys-\d{6}\.bin$/.test(f)).map((f) => join(dir, f))
  } catch {
    return []
  }
}
