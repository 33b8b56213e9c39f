// `witness --mirror <ledger tiles URL>`: before the witness cosigns a checkpoint, it fetches
// every new entry through the ledger's tlog-tiles entry bundles, recomputes the tree and
// checks it has the checkpoint's root. So a cosignature from a mirroring witness also says
// "I hold a copy of every entry up to this size", and the copy is served as tlog-tiles
// under /<hex sha256(origin)>/ (a mirror: the entries survive the ledger).
//
// Stored (LevelDB in DATA_DIR/mirror): per tile level L, the hashes of that level
// (L = 0: leaf hashes), one row each, and the entries. When a tile of 256 hashes at level L
// fills, its MTH is stored as the next hash of level L + 1, so every hash tile is a range
// read, and the root comes from tiles exactly as a tlog-tiles client computes it.
//
// A first sync against a large log is done in chunks of `chunkTiles` entry bundles, each
// written with the progress marker (m:staged) in one batch: memory stays bounded and a
// process killed mid-sync resumes at the marker instead of at zero. Staged entries are not
// trusted: nothing is served or cosigned until the whole prefix, staged parts included,
// hashes to a log-signed root (m:size, the verified size). If it does not, the staged part
// is thrown away and fetched again next time.
import { Level } from 'level'
import { bytesToHex, equalBytes } from '../../chain/encoding.ts'
import { leafHash } from '../../chain/hash.ts'
import type { Checkpoint } from '../../chain/note.ts'
import { decodeBundle, encodeBundle, fullTileRoot, joinTile, rootFromTiles, TILE_WIDTH, tilePath, type TileId } from '../../chain/tiles.ts'

const u64 = (n: number): string => n.toString(16).padStart(16, '0')
const hashKey = (level: number, index: number) => `h:${level.toString(16).padStart(2, '0')}:${u64(index)}`
const entryKey = (index: number) => `e:${u64(index)}`
const SIZE_KEY = 'm:size'
const STAGED_KEY = 'm:staged'
/** 64 entry bundles: 16,384 entries (a few MiB) per batch. */
export const DEFAULT_CHUNK_TILES = 64

export class MirrorError extends Error {
  override name = 'MirrorError'
  /** True when the ledger served entries that contradict its own signed checkpoint. */
  readonly misbehaviour: boolean

  constructor(message: string, misbehaviour = false) {
    super(message)
    this.misbehaviour = misbehaviour
  }
}

export interface MirrorOptions {
  fetch?: typeof fetch
  /** Entry bundles fetched and stored per batch. */
  chunkTiles?: number
  /** Called after each stored chunk: entries held (verified or not) and the size being synced to. */
  onProgress?: (staged: number, target: number) => void
}

export class Mirror {
  readonly origin: string
  readonly url: string
  readonly #db: Level<string, Uint8Array>
  readonly #fetch: typeof fetch
  readonly #chunkTiles: number
  readonly #onProgress: (staged: number, target: number) => void
  #size = 0
  #staged = 0
  #queue: Promise<unknown> = Promise.resolve()

  /** `url`: the ledger's tlog-tiles prefix, e.g. https://ledger.example/tlog. */
  constructor(origin: string, url: string, location: string, opts: MirrorOptions = {}) {
    this.origin = origin
    this.url = url.endsWith('/') ? url : url + '/'
    this.#db = new Level<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' })
    this.#fetch = opts.fetch ?? fetch
    this.#chunkTiles = opts.chunkTiles ?? DEFAULT_CHUNK_TILES
    if (!Number.isSafeInteger(this.#chunkTiles) || this.#chunkTiles < 1) throw new RangeError(`mirror chunk must be at least one tile, got ${opts.chunkTiles}`)
    this.#onProgress = opts.onProgress ?? (() => {})
  }

  /** Entries verified against a log-signed root: what is served. */
  get size(): number {
    return this.#size
  }

  /** Entries fetched and stored so far, verified or not (≥ size): where a sync resumes. */
  get staged(): number {
    return this.#staged
  }

  async open(): Promise<void> {
    await this.#db.open()
    this.#size = await this.#readNumber(SIZE_KEY)
    this.#staged = Math.max(this.#size, await this.#readNumber(STAGED_KEY))
  }

  close(): Promise<void> {
    return this.#db.close()
  }

  async #readNumber(key: string): Promise<number> {
    const v = await this.#db.get(key)
    return v === undefined ? 0 : Number(new TextDecoder().decode(v))
  }

  /**
   * Brings the copy up to `cp.size` and checks it has `cp.root`. Nothing is served unless
   * the whole prefix verifies: a ledger serving entries that do not match its own
   * checkpoint gets an error (and no cosignature), not a half-updated mirror. One sync at a
   * time: concurrent callers queue.
   */
  sync(cp: Checkpoint): Promise<void> {
    const run = this.#queue.then(() => this.#sync(cp))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #sync(cp: Checkpoint): Promise<void> {
    if (cp.origin !== this.origin) return
    while (this.#staged < cp.size) await this.#stageChunk(cp.size)
    const get = async (level: number, index: number): Promise<Uint8Array> => {
      const v = await this.#db.get(hashKey(level, index))
      if (v === undefined) throw new MirrorError(`mirror is missing hash ${level}/${index}`)
      return v
    }
    const root = await rootFromTiles(cp.size, async (t) => Promise.all(Array.from({ length: t.width }, (_, k) => get(t.level, t.index * TILE_WIDTH + k))))
    if (!equalBytes(root, cp.root)) {
      // The unverified part is suspect as a whole: fetch it again next time.
      const from = this.#size
      if (this.#staged > this.#size) {
        await this.#db.put(STAGED_KEY, new TextEncoder().encode(String(this.#size)), { sync: true })
        this.#staged = this.#size
      }
      throw new MirrorError(`the entries served for sizes ${from}..${cp.size} hash to root ${bytesToHex(root)}, not the checkpoint's ${bytesToHex(cp.root)}`, true)
    }
    if (cp.size <= this.#size) return
    await this.#db.put(SIZE_KEY, new TextEncoder().encode(String(cp.size)), { sync: true })
    this.#size = cp.size
  }

  /** Fetches, hashes and stores up to `chunkTiles` entry bundles from the staged size on, toward `target`. */
  async #stageChunk(target: number): Promise<void> {
    const start = this.#staged
    const end = Math.min(target, (Math.floor(start / TILE_WIDTH) + this.#chunkTiles) * TILE_WIDTH)
    const pending = new Map<string, Uint8Array>()
    const get = async (level: number, index: number): Promise<Uint8Array> => {
      const k = hashKey(level, index)
      const v = pending.get(k) ?? (await this.#db.get(k))
      if (v === undefined) throw new MirrorError(`mirror is missing hash ${level}/${index}`)
      return v
    }
    const put = async (level: number, index: number, h: Uint8Array): Promise<void> => {
      pending.set(hashKey(level, index), h)
      // A tile just filled: its MTH is the next hash one level up.
      if ((index + 1) % TILE_WIDTH === 0) {
        const first = index + 1 - TILE_WIDTH
        const tile = await Promise.all(Array.from({ length: TILE_WIDTH }, (_, i) => get(level, first + i)))
        await put(level + 1, (index + 1) / TILE_WIDTH - 1, fullTileRoot(tile))
      }
    }
    for (let i = start; i < end;) {
      const n = Math.floor(i / TILE_WIDTH)
      const width = Math.min(TILE_WIDTH, end - n * TILE_WIDTH)
      const tile: TileId = { level: 0, index: n, width, entries: true }
      const entries = decodeBundle(await this.#get(tilePath(tile)), width)
      for (; i < n * TILE_WIDTH + width; i++) {
        const e = entries[i - n * TILE_WIDTH]
        pending.set(entryKey(i), e)
        await put(0, i, leafHash(e))
      }
    }
    const batch = this.#db.batch()
    for (const [k, v] of pending) batch.put(k, v)
    batch.put(STAGED_KEY, new TextEncoder().encode(String(end)))
    // Not synced: a kill -9 keeps it (the OS holds it), a power loss only costs a refetch;
    // the verified size that makes it count is written with sync.
    await batch.write({ sync: false })
    this.#staged = end
    this.#onProgress(end, target)
  }

  /** A tile of the copy (what the witness serves under /<hash>/tile/…), or null beyond it. */
  async tile(t: TileId): Promise<Uint8Array | null> {
    const available = Math.floor(this.#size / TILE_WIDTH ** t.level) - t.index * TILE_WIDTH
    if (available < t.width) return null
    const first = t.index * TILE_WIDTH
    const rows = await this.#db.getMany(Array.from({ length: t.width }, (_, k) => (t.entries ? entryKey(first + k) : hashKey(t.level, first + k))))
    if (rows.some((r) => r === undefined)) throw new MirrorError(`mirror tile ${tilePath(t)} has missing rows`)
    if (!t.entries) return joinTile(rows as Uint8Array[])
    return encodeBundle(rows as Uint8Array[])
  }

  async #get(path: string): Promise<Uint8Array> {
    const res = await this.#fetch(new URL(path, this.url), { signal: AbortSignal.timeout(30_000) })
    if (!res.ok) throw new MirrorError(`GET ${path} from the ledger: HTTP ${res.status}`)
    return new Uint8Array(await res.arrayBuffer())
  }
}
