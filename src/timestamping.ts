// RFC 3161 time-stamps of checkpoints (TSA_URL, TSA_CERT): a time-stamping authority dates
// the tree by its own clock, so a court does not have to take the operator's clock for when
// an entry existed. The imprint is SHA-256 of the checkpoint's signed body (docs/timestamps.md).
//
// What gets stamped: with a witness policy, each checkpoint that reached the quorum (a date
// on a tree the operator alone could have forked is worth less); without one, each new
// checkpoint. Like witnessing, appends never wait: the log or the witnessing only says a new
// candidate exists, and one background loop stamps the newest candidate, one request at a
// time, so checkpoints that land meanwhile are coalesced into the next request. A TSA that
// fails or answers something that does not verify is retried with backoff.
import { bytesToHex, utf8ToBytes } from '../chain/encoding.ts'
import { parseCheckpointNote, parseNote } from '../chain/note.ts'
import type { LogReader } from '../chain/reader.ts'
import { checkpointImprint, sameNonce, timestampRequest, tokenFromResponse, verifyTimestampToken } from '../chain/timestamp.ts'
import type { TimestampStore } from './timestamp-store.ts'
import type { Witnessing } from './witnessing.ts'

/** Where the checkpoints to stamp come from: the log, or the witnessing's quorum. */
export interface StampSource {
  /** 'every checkpoint' or 'witness quorum': what is stamped, for /readyz. */
  readonly kind: string
  /** The newest checkpoint worth stamping, or null. */
  latest(): { note: string; size: number } | null
  /** Called when latest() may have changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
}

/** With a witness policy, the newest checkpoint that met the quorum; without one, the log's newest. */
export function stampSource(log: LogReader, witnessing: Pick<Witnessing, 'witnessed' | 'onWitnessed'> | null): StampSource {
  if (witnessing !== null) return { kind: 'witness quorum', latest: () => witnessing.witnessed(), subscribe: (listener) => witnessing.onWitnessed(listener) }
  return {
    kind: 'every checkpoint',
    latest: () => {
      const note = log.checkpoint()
      return { note, size: parseCheckpointNote(note).checkpoint.size }
    },
    subscribe: (listener) => log.onCheckpoint(() => listener()),
  }
}

export interface TimestampingStatus {
  url: string
  stamps: string
  /** Tree size of the newest checkpoint with a token; null while none has one. */
  stampedSize: number | null
  /** The TSA's time in that token. */
  genTime: string | null
  /** Size of the newest checkpoint waiting for a token (null: none waiting). */
  pendingSize: number | null
  lastError: string | null
  consecutiveFailures: number
}

interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface TimestampingOptions {
  source: StampSource
  store: TimestampStore
  url: string
  /** DER certificates from TSA_CERT: the TSA's own, or its CA (then its certificate comes in the token). */
  trust: Uint8Array[]
  logger: Logger
  timeoutMs?: number
  /** Least time between two requests (TSA_INTERVAL): checkpoints in between are coalesced. */
  minIntervalMs?: number
  backoffMs?: number
  maxBackoffMs?: number
  fetch?: typeof fetch
}

export class Timestamping {
  readonly #o: Required<Omit<TimestampingOptions, 'fetch'>> & { fetch: typeof fetch }
  #stampedSize: number | null = null
  #genTime: string | null = null
  #failures = 0
  #retryAt = 0
  #lastRequestAt = -Infinity
  #lastError: string | null = null
  #running: Promise<void> | null = null
  #dirty = false
  #timer: NodeJS.Timeout | null = null
  #closed = false
  #unsubscribe: () => void = () => {}
  /** TSA requests by result (granted, failed), for /metrics. */
  readonly counts = new Map<string, number>()

  constructor(opts: TimestampingOptions) {
    this.#o = { timeoutMs: 10_000, minIntervalMs: 0, backoffMs: 500, maxBackoffMs: 60_000, fetch, ...opts }
  }

  /** Reads the newest stored token (a restart resumes after it) and starts following the source. */
  async start(): Promise<void> {
    const latest = await this.#o.store.latest()
    if (latest !== undefined) {
      this.#stampedSize = latest.size
      this.#genTime = latest.genTime
    }
    this.#unsubscribe = this.#o.source.subscribe(() => this.kick())
    this.kick()
  }

  /** Cheap and synchronous: safe on the append path. */
  kick(): void {
    if (this.#closed) return
    this.#dirty = true
    if (this.#running === null) this.#running = new Promise<void>((r) => setImmediate(r)).then(() => this.#loop()).finally(() => { this.#running = null })
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
    if (this.#timer) clearTimeout(this.#timer)
    await this.#running
  }

  status(): TimestampingStatus {
    const target = this.#target()
    return {
      url: this.#o.url, stamps: this.#o.source.kind, stampedSize: this.#stampedSize, genTime: this.#genTime,
      pendingSize: target?.size ?? null, lastError: this.#lastError, consecutiveFailures: this.#failures,
    }
  }

  /** The checkpoint the next request is for, if any is newer than the last token. */
  #target(): { note: string; size: number } | null {
    const t = this.#o.source.latest()
    return t !== null && t.size > 0 && t.size > (this.#stampedSize ?? 0) ? t : null
  }

  async #loop(): Promise<void> {
    while (this.#dirty && !this.#closed) {
      this.#dirty = false
      const target = this.#target()
      if (target === null) continue
      const notBefore = Math.max(this.#retryAt, this.#lastRequestAt + this.#o.minIntervalMs)
      if (Date.now() < notBefore) {
        this.#wakeAt(notBefore)
        return
      }
      this.#lastRequestAt = Date.now()
      try {
        await this.#stamp(target)
        this.#count('granted')
        if (this.#failures > 0) this.#o.logger.info({ size: target.size }, `TSA ${this.#o.url} is answering again`)
        this.#failures = 0
        this.#retryAt = 0
        this.#lastError = null
      } catch (e) {
        this.#failures++
        this.#retryAt = Date.now() + Math.min(this.#o.maxBackoffMs, this.#o.backoffMs * 2 ** (this.#failures - 1))
        const message = (e as Error).name === 'TimeoutError' ? `no answer within ${this.#o.timeoutMs} ms` : (e as Error).message
        if (message !== this.#lastError || this.#failures === 1) this.#o.logger.warn({ size: target.size, failures: this.#failures }, `TSA ${this.#o.url}: ${message}`)
        this.#lastError = message
        this.#count('failed')
        // Try again later even if no new checkpoint comes.
        this.#dirty = true
      }
    }
  }

  /** Backing off, or too soon after the last request: look again then, even if no new checkpoint comes. */
  #wakeAt(at: number): void {
    if (this.#timer || this.#closed) return
    this.#timer = setTimeout(() => { this.#timer = null; this.kick() }, Math.max(0, at - Date.now()))
    this.#timer.unref()
  }

  #count(result: string): void {
    this.counts.set(result, (this.counts.get(result) ?? 0) + 1)
  }

  async #stamp(target: { note: string; size: number }): Promise<void> {
    const nonce = crypto.getRandomValues(new Uint8Array(8))
    const res = await this.#o.fetch(this.#o.url, {
      method: 'POST', headers: { 'content-type': 'application/timestamp-query' },
      body: timestampRequest(checkpointImprint(target.note), nonce), signal: AbortSignal.timeout(this.#o.timeoutMs),
    })
    const body = new Uint8Array(await res.arrayBuffer())
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${new TextDecoder().decode(body.subarray(0, 200))}`)
    const r = tokenFromResponse(body)
    if (!r.ok) throw new Error(r.reason)
    // Kept only if a court could verify it with TSA_CERT: a token we cannot check is no evidence.
    const v = await verifyTimestampToken(r.token, utf8ToBytes(parseNote(target.note).body), this.#o.trust)
    if (!v.ok) throw new Error(`its token does not verify with TSA_CERT: ${v.reason}`)
    if (!sameNonce(nonce, v.nonce)) {
      throw new Error(`its token carries nonce ${v.nonce ? bytesToHex(v.nonce) : 'none'}, not the request's ${bytesToHex(nonce)} (a replayed or misrouted answer)`)
    }
    await this.#o.store.put({ size: target.size, checkpoint: target.note, token: r.token, genTime: v.genTime.toISOString() })
    this.#stampedSize = target.size
    this.#genTime = v.genTime.toISOString()
  }
}
