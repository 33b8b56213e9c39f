// Ed25519 verification in batches on worker threads, for full passes over a log
// (chain/audit.ts): the calling thread goes on hashing while the other cores check
// checkpoint signatures. Node only; chain/verify.ts, which the browser runs, never loads it.
//
// Why not libuv's pool (nodeEd25519VerifyAsync)? It runs four threads, so on a 2-core box
// the pass's one thread shares its core with them and is preempted at every dispatch, and
// each signature costs a job, a callback and a promise on the calling thread. One worker
// per spare core, fed a batch of signatures per message, leaves the calling thread its core.
import type { KeyObject } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { ed25519KeyObject, nodeEd25519Verify } from './ed25519-node.ts'

/** One signature to check: Ed25519 `signature` over `msg` by the raw 32-byte `publicKey`. */
export interface Ed25519Check {
  signature: Uint8Array
  msg: Uint8Array
  publicKey: Uint8Array
}

// Plain JavaScript, run with eval: a worker file in TypeScript would need the tsx loader,
// which the CLI registers on its main thread only (bin/evidence-ledger.js), and costs a
// worker ~0.2 s to start. A batch is one transferred buffer holding, per check, a u8 index
// into `keys`, the 64-byte signature, a u32 (big-endian) message length and the message.
// The answer is one byte per check, 1 if it verifies, in the order asked.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { verify } = require('node:crypto')
parentPort.on('message', ({ keys, count, packed }) => {
  const out = new Uint8Array(count)
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength)
  let at = 0
  for (let i = 0; i < count; i++) {
    const key = keys[packed[at]]
    const sig = packed.subarray(at + 1, at + 65)
    const len = view.getUint32(at + 65)
    const msg = packed.subarray(at + 69, at + 69 + len)
    at += 69 + len
    try { out[i] = verify(null, msg, key, sig) ? 1 : 0 } catch { out[i] = 0 }
  }
  parentPort.postMessage(out, [out.buffer])
})
`

interface Waiting {
  checks: readonly Ed25519Check[]
  sent: number[]
  resolve(results: Uint8Array): void
}

interface Member {
  worker: Worker
  waiting: Waiting[]
  alive: boolean
}

/** Threads that check signatures, one per core but the caller's, at most 8. */
export function defaultEd25519Workers(): number {
  return Math.max(0, Math.min(8, availableParallelism() - 1))
}

export class Ed25519Workers {
  readonly #members: Member[]

  private constructor(members: Member[]) {
    this.#members = members
  }

  /**
   * `size` worker threads, or null when there are none to have (size 0, one core, or a
   * platform that cannot start them): the caller then verifies on its own thread.
   */
  static start(size = defaultEd25519Workers()): Ed25519Workers | null {
    const members: Member[] = []
    try {
      for (let i = 0; i < size; i++) {
        // No execArgv: the parent's (--import tsx, test hooks) would only slow the start.
        members.push({ worker: new Worker(WORKER_SOURCE, { eval: true, execArgv: [] }), waiting: [], alive: true })
      }
    } catch {
      for (const m of members) void m.worker.terminate()
      return null
    }
    if (members.length === 0) return null
    const pool = new Ed25519Workers(members)
    for (const m of members) pool.#listen(m)
    return pool
  }

  /** One byte per check, 1 where its signature verifies; never rejects. */
  verify(checks: readonly Ed25519Check[]): Promise<Uint8Array> {
    const member = this.#leastBusy()
    if (member === undefined) return Promise.resolve(verifyHere(checks))
    // Malformed lengths are answered here, as nodeEd25519Verify answers them: no.
    const sent: number[] = []
    const keys: KeyObject[] = []
    const keyIndex = new Map<KeyObject, number>()
    let bytes = 0
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]
      if (c.publicKey.length !== 32 || c.signature.length !== 64) continue
      sent.push(i)
      bytes += 69 + c.msg.length
    }
    const packed = new Uint8Array(bytes)
    const view = new DataView(packed.buffer)
    let at = 0
    for (const i of sent) {
      const c = checks[i]
      const key = ed25519KeyObject(c.publicKey)
      let k = keyIndex.get(key)
      if (k === undefined) {
        k = keys.push(key) - 1
        keyIndex.set(key, k)
      }
      if (k > 255) return Promise.resolve(verifyHere(checks))
      packed[at] = k
      packed.set(c.signature, at + 1)
      view.setUint32(at + 65, c.msg.length)
      packed.set(c.msg, at + 69)
      at += 69 + c.msg.length
    }
    return new Promise((resolve) => {
      member.waiting.push({ checks, sent, resolve })
      member.worker.postMessage({ keys, count: sent.length, packed }, [packed.buffer])
    })
  }

  /** Stops the threads; batches still out are dropped unanswered (the caller is done with them). */
  async close(): Promise<void> {
    await Promise.all(this.#members.map((m) => {
      m.alive = false
      m.waiting = []
      return m.worker.terminate()
    }))
  }

  #leastBusy(): Member | undefined {
    let best: Member | undefined
    for (const m of this.#members) if (m.alive && (best === undefined || m.waiting.length < best.waiting.length)) best = m
    return best
  }

  #listen(m: Member): void {
    m.worker.on('message', (answer: Uint8Array) => {
      const w = m.waiting.shift()
      if (w === undefined) return
      const out = new Uint8Array(w.checks.length)
      for (let j = 0; j < w.sent.length; j++) out[w.sent[j]] = answer[j]
      w.resolve(out)
    })
    // A worker that fails (out of memory, killed) leaves its batches to this thread:
    // slower, never a different verdict.
    const fail = () => {
      m.alive = false
      for (const w of m.waiting.splice(0)) w.resolve(verifyHere(w.checks))
    }
    m.worker.on('error', fail)
    m.worker.on('exit', fail)
  }
}

function verifyHere(checks: readonly Ed25519Check[]): Uint8Array {
  const out = new Uint8Array(checks.length)
  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]
    try {
      out[i] = nodeEd25519Verify(c.signature, c.msg, c.publicKey) ? 1 : 0
    } catch {
      out[i] = 0
    }
  }
  return out
}
