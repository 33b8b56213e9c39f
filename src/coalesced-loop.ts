// The background loop shared by witnessing and time-stamping: both follow the log's newest
// checkpoint, and checkpoints may come far faster than a witness or a TSA answers.

export interface CoalescedLoopOptions {
  /** One pass: look at the newest state and act on it. Errors are the pass's own to handle. */
  pass: () => Promise<void>
  /** Earliest time (ms since epoch) the next pass may start: spacing and back-off. */
  notBefore?: () => number
}

/**
 * kick() asks for a pass. Passes never overlap, and every kick that lands before a pass
 * starts (while one runs, or while waiting for notBefore) is served by that one pass.
 * wakeAt() asks for a pass at a time even if nothing kicks (a retry after back-off).
 */
export class CoalescedLoop {
  readonly #o: Required<CoalescedLoopOptions>
  #running: Promise<void> | null = null
  #dirty = false
  #closed = false
  #timer: NodeJS.Timeout | null = null
  /** Ends a wait for notBefore early (close). */
  #wake: (() => void) | null = null

  constructor(opts: CoalescedLoopOptions) {
    this.#o = { notBefore: () => 0, ...opts }
  }

  get closed(): boolean {
    return this.#closed
  }

  /** Cheap and synchronous: safe on the append path. */
  kick(): void {
    if (this.#closed) return
    this.#dirty = true
    // setImmediate: not even the first synchronous steps of a pass run inside the caller
    // (the sequencer's block write).
    if (this.#running === null) this.#running = new Promise<void>((r) => setImmediate(r)).then(() => this.#run()).finally(() => { this.#running = null })
  }

  /** A pass at `at` (or sooner, if kicked); a later wakeAt replaces an earlier pending one. */
  wakeAt(at: number): void {
    this.#clearTimer()
    if (this.#closed) return
    this.#timer = setTimeout(() => { this.#timer = null; this.kick() }, Math.max(0, at - Date.now()))
    this.#timer.unref()
  }

  /** Drops a pending wakeAt. */
  cancelWake(): void {
    this.#clearTimer()
  }

  /** Stops kicks and timers, ends a wait, and waits for the pass that is running. */
  async close(): Promise<void> {
    this.#closed = true
    this.#clearTimer()
    this.#wake?.()
    await this.#running
  }

  async #run(): Promise<void> {
    while (this.#dirty && !this.#closed) {
      const wait = this.#o.notBefore() - Date.now()
      if (wait > 0) {
        await new Promise<void>((r) => {
          const timer = setTimeout(r, wait)
          this.#wake = () => { clearTimeout(timer); r() }
        })
        this.#wake = null
        if (this.#closed) return
      }
      this.#dirty = false
      await this.#o.pass()
    }
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }
}
