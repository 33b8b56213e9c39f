// Waiting for what a background loop (witnessing, time-stamping) does in its own time.
import { setTimeout as sleep } from 'node:timers/promises'

/** The first value `fn` gives that is not undefined (a throw counts as not yet), polled every 100 ms. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** Until `cond` holds, polled every 50 ms for up to 30 s. */
export async function untilTrue(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !cond(); i++) await sleep(50)
  if (!cond()) throw new Error(`timed out waiting for ${what}`)
}
