// RFC 3161 tokens the ledger obtained for its checkpoints, one row per tree size, in their own
// LevelDB under DATA_DIR/timestamps. Not in the log's store: the tokens are evidence about
// checkpoints, not part of the log (an export/import or a second storage driver has nothing
// to carry for them), they work the same whether the log is in LevelDB or PostgreSQL, and
// each token verifies on its own, so a lost row loses a date, never an entry. Written with
// sync: true before the service counts it stamped, so a restart keeps every token it reported.
import { Level } from 'level'
import { fromBase64, toBase64 } from '../chain/encoding.ts'

export interface StoredTimestamp {
  size: number
  /** The signed checkpoint note whose body the token's imprint is over. */
  checkpoint: string
  /** DER TimeStampToken (CMS ContentInfo), as RFC 3161 calls it. */
  token: Uint8Array
  /** The TSA's genTime, ISO 8601 (as verified when the token came in). */
  genTime: string
}

interface Row {
  checkpoint: string
  token: string
  genTime: string
}

/** Decimal sizes padded to 16 digits sort as numbers (Number.MAX_SAFE_INTEGER has 16). */
const key = (size: number): string => String(size).padStart(16, '0')

export class TimestampStore {
  readonly #db: Level<string, string>

  constructor(location: string) {
    this.#db = new Level<string, string>(location, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
  }

  async open(): Promise<void> {
    await this.#db.open()
  }

  async close(): Promise<void> {
    await this.#db.close()
  }

  async put(t: StoredTimestamp): Promise<void> {
    const row: Row = { checkpoint: t.checkpoint, token: toBase64(t.token), genTime: t.genTime }
    await this.#db.put(key(t.size), JSON.stringify(row), { sync: true })
  }

  async get(size: number): Promise<StoredTimestamp | undefined> {
    const raw = await this.#db.get(key(size))
    return raw === undefined ? undefined : decode(key(size), raw)
  }

  /** The newest token, or undefined when none was obtained yet. */
  async latest(): Promise<StoredTimestamp | undefined> {
    for await (const [k, v] of this.#db.iterator({ reverse: true, limit: 1 })) return decode(k, v)
    return undefined
  }

  /**
   * The earliest token for a tree that contains entry `index` (size > index), among trees no
   * larger than `maxSize`: the tightest third-party bound on when the entry existed.
   */
  async covering(index: number, maxSize: number): Promise<StoredTimestamp | undefined> {
    if (maxSize <= index) return undefined
    for await (const [k, v] of this.#db.iterator({ gt: key(index), lte: key(maxSize), limit: 1 })) return decode(k, v)
    return undefined
  }
}

function decode(k: string, raw: string): StoredTimestamp {
  const row = JSON.parse(raw) as Row
  return { size: Number(k), checkpoint: row.checkpoint, token: fromBase64(row.token), genTime: row.genTime }
}
