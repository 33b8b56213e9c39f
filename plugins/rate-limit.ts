// Fixed-window request counters, one per key (a token subject, or a client address on
// public routes). Replaces @fastify/rate-limit, whose per-request cost (several awaits,
// an LRU, headers computed per reply) was a good part of the plugin stack's overhead over
// bare Fastify; the answers are the same: x-ratelimit-* headers, and a 429 with
// retry-after once a key's window is used up.

export interface RateWindow {
  /** Requests counted in this window, this one included. */
  count: number
  /** When the window ends (ms since the epoch). */
  resetAt: number
}

export class RateLimiter {
  // Map order is insertion order and every window lasts as long: the first entry is the
  // oldest window, so a full map drops from its head.
  readonly #windows = new Map<string, RateWindow>()

  readonly max: number
  readonly windowMs: number
  private readonly maxKeys: number

  constructor(max: number, windowMs: number, maxKeys = 100_000) {
    this.max = max
    this.windowMs = windowMs
    this.maxKeys = maxKeys
  }

  /** Counts one request of `key` at `now`. */
  hit(key: string, now: number): RateWindow {
    let w = this.#windows.get(key)
    if (w !== undefined && w.resetAt <= now) {
      this.#windows.delete(key)
      w = undefined
    }
    if (w === undefined) {
      while (this.#windows.size >= this.maxKeys) this.#windows.delete(this.#windows.keys().next().value!)
      w = { count: 0, resetAt: now + this.windowMs }
      this.#windows.set(key, w)
    }
    w.count++
    return w
  }

  get size(): number {
    return this.#windows.size
  }
}
