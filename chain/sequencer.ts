// Group commit: appends queue while a block is being written, and the next block takes
// every queued group that fits, so concurrent callers share one durable write. A group
// is never split, and nobody hears "done" before the block holding it is on disk.

export interface BlockStats {
  count: number
  durationMs: number
}

interface Pending<Req, Out> {
  requests: Req[]
  resolve: (o: Out[]) => void
  reject: (e: unknown) => void
}

export class Sequencer<Req, Out> {
  readonly #maxBlock: number
  readonly #writeBlock: (requests: Req[]) => Promise<Out[]>
  readonly #onBlock: (stats: BlockStats) => void
  #queue: Pending<Req, Out>[] = []
  #writing: Promise<void> | null = null
  #closed = false

  /** `writeBlock` answers one outcome per request, in order, once its block is durable. */
  constructor(maxBlock: number, writeBlock: (requests: Req[]) => Promise<Out[]>, onBlock: (stats: BlockStats) => void) {
    this.#maxBlock = maxBlock
    this.#writeBlock = writeBlock
    this.#onBlock = onBlock
  }

  add(requests: Req[]): Promise<Out[]> {
    if (this.#closed) return Promise.reject(new Error('log is closed'))
    if (requests.length === 0) return Promise.resolve([])
    return new Promise((resolve, reject) => {
      this.#queue.push({ requests, resolve, reject })
      this.#kick()
    })
  }

  /** Stops accepting groups and waits until every queued one is written. */
  async drain(): Promise<void> {
    this.#closed = true
    while (this.#writing || this.#queue.length > 0) {
      this.#kick()
      await this.#writing
    }
  }

  #kick(): void {
    if (this.#writing || this.#queue.length === 0) return
    const batch: Pending<Req, Out>[] = []
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

  async #sequence(batch: Pending<Req, Out>[]): Promise<void> {
    const started = performance.now()
    try {
      const requests = batch.flatMap((p) => p.requests)
      const outcomes = await this.#writeBlock(requests)
      let off = 0
      for (const p of batch) {
        p.resolve(outcomes.slice(off, off + p.requests.length))
        off += p.requests.length
      }
      this.#onBlock({ count: requests.length, durationMs: performance.now() - started })
    } catch (e) {
      for (const p of batch) p.reject(e)
    }
  }
}
