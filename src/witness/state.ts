// What a witness remembers per log: the latest checkpoint it cosigned. One LevelDB row per
// origin, written with sync: true before any reply, so after a crash (kill -9, power loss)
// the witness is either at the old state (and never answered for the new one) or at the
// new one: it can never cosign two different roots for one size. LevelDB's lock also keeps
// a second witness process off the same directory.
import { Level } from 'level'
import { fromBase64, toBase64 } from '../../chain/encoding.ts'

export interface OriginState {
  origin: string
  size: number
  root: Uint8Array
  /** POSIX seconds of the last cosignature; the next one is never earlier. */
  timestamp: number
  /** The checkpoint with the log signature(s) we verified and our cosignature. */
  note: string
}

interface StoredRow {
  size: number
  root: string
  timestamp: number
  note: string
}

export class WitnessState {
  readonly #db: Level<string, string>
  readonly #cache = new Map<string, OriginState | null>()

  constructor(location: string) {
    this.#db = new Level<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  }

  async open(): Promise<void> {
    await this.#db.open()
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  /** null = never cosigned for this origin. A row that does not parse throws: treating it as "never" would let a fork through. */
  async get(origin: string): Promise<OriginState | null> {
    const cached = this.#cache.get(origin)
    if (cached !== undefined) return cached
    const raw = await this.#db.get(key(origin))
    const state = raw === undefined ? null : decode(origin, raw)
    this.#cache.set(origin, state)
    return state
  }

  async put(state: OriginState): Promise<void> {
    const row: StoredRow = { size: state.size, root: toBase64(state.root), timestamp: state.timestamp, note: state.note }
    await this.#db.put(key(state.origin), JSON.stringify(row), { sync: true })
    this.#cache.set(state.origin, state)
  }

  async *all(): AsyncIterable<OriginState> {
    for await (const [k, v] of this.#db.iterator({ gte: 'o:', lt: 'o;' })) yield decode(k.slice(2), v)
  }
}

const key = (origin: string) => `o:${origin}`

function decode(origin: string, raw: string): OriginState {
  const row = JSON.parse(raw) as StoredRow
  const root = fromBase64(row.root)
  if (!Number.isSafeInteger(row.size) || row.size < 0 || root.length !== 32 || !Number.isSafeInteger(row.timestamp) || typeof row.note !== 'string') {
    throw new Error(`witness state for ${origin} is damaged; refusing to cosign for it`)
  }
  return { origin, size: row.size, root, timestamp: row.timestamp, note: row.note }
}
