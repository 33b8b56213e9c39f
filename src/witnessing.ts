// The ledger's side of tlog-witness: after each block, send the newest checkpoint to every
// witness in WITNESS_POLICY (POST <url>/add-checkpoint), merge the cosignatures that come
// back, and remember the newest checkpoint whose cosignatures satisfy the policy's quorum.
//
// Appends never wait for any of this: the log only tells us a new checkpoint exists
// (onCheckpoint) and we work from a background loop. Work goes in rounds: a round takes the
// newest checkpoint and sends it to every witness that has not cosigned it and is not
// backing off. Blocks that land during a round are coalesced: the next round sends only the
// newest. Rounds (rather than one independent loop per witness) matter for the quorum: all
// witnesses are asked about the same checkpoint, so under steady load two of three actually
// cosign one checkpoint instead of each cosigning a different one.
import { equalBytes, toBase64 } from '../chain/encoding.ts'
import { nodeEd25519VerifyAsync } from '../chain/ed25519-node.ts'
import { parseCheckpointNote, parseNote } from '../chain/note.ts'
import { cosignatureMessage, decodeCosignature } from '../chain/cosignature.ts'
import { verifiedCosignatures, type CosignedArchive, type CosignedCheckpoint } from '../chain/cosigned-checkpoints.ts'
import { quorumSatisfied, type Policy, type PolicyWitness } from '../chain/policy.ts'
import type { LogReader } from '../chain/reader.ts'
import { TextPoster, type TextAnswer } from './post-text.ts'

export interface WitnessStatus {
  name: string
  url: string | null
  /** Tree size this witness last cosigned (as far as we know). */
  size: number | null
  lastCosignedAt: string | null
  lastError: string | null
  consecutiveFailures: number
}

export interface WitnessingStatus {
  quorum: string
  /** Size of the newest checkpoint that satisfies the quorum; null while none does. */
  witnessedSize: number | null
  latestSize: number
  witnesses: WitnessStatus[]
}

interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface WitnessingOptions {
  log: LogReader
  policy: Policy
  logger: Logger
  /** Per-request timeout; a witness that hangs must not stall rounds for the others. */
  timeoutMs?: number
  /** First retry delay after a failure; doubles up to maxBackoffMs. */
  backoffMs?: number
  maxBackoffMs?: number
  fetch?: typeof fetch
  /**
   * Least time from the start of one round to the start of the next. Under load every
   * round is coalesced onto the newest checkpoint anyway; spacing them bounds the HTTP
   * requests, consistency proofs and signature checks the ledger spends on witnessing to
   * (witnesses × 1000 / roundMs) per second, whatever the append rate. 0: back to back.
   */
  roundMs?: number
  /** Called after every round (benches and tests wait on it instead of polling). */
  onRound?: () => void
  /** Where cosignatures outlive a restart (the log's store); without it they live in memory only. */
  archive?: CosignedArchive
}

interface WitnessSlot {
  w: PolicyWitness
  size: number | null
  failures: number
  retryAt: number
  lastError: string | null
  lastCosignedAt: string | null
}

/** The cosignature lines gathered for one checkpoint note (keyed by witness name). */
interface Gathered {
  note: string
  size: number
  lines: Map<string, string>
}

export class Witnessing {
  readonly policy: Policy
  readonly #log: LogReader
  readonly #logger: Logger
  readonly #timeoutMs: number
  readonly #backoffMs: number
  readonly #maxBackoffMs: number
  readonly #post: (url: URL, body: string) => Promise<TextAnswer>
  readonly #poster: TextPoster | null
  readonly #slots: WitnessSlot[]
  readonly #archive: CosignedArchive | null
  readonly #roundMs: number
  readonly #onRound: () => void
  #lastRound = 0
  /** Ends the pause between rounds early (close). */
  #wake: (() => void) | null = null
  /** Rounds run so far (bench/witness.ts reports rounds per second). */
  rounds = 0
  #latest: Gathered | null = null
  #witnessed: Gathered | null = null
  #running: Promise<void> | null = null
  #dirty = false
  #timer: NodeJS.Timeout | null = null
  #closed = false
  #unsubscribe: () => void
  readonly #witnessedListeners = new Set<() => void>()
  /** Outcomes of add-checkpoint calls, by witness and result (for /metrics). */
  readonly counts = new Map<string, number>()

  constructor(opts: WitnessingOptions) {
    this.policy = opts.policy
    this.#log = opts.log
    this.#logger = opts.logger
    this.#timeoutMs = opts.timeoutMs ?? 10_000
    this.#backoffMs = opts.backoffMs ?? 500
    this.#maxBackoffMs = opts.maxBackoffMs ?? 30_000
    // Tests script witnesses with a fetch; the service uses the cheaper node:http poster.
    const f = opts.fetch
    this.#poster = f === undefined ? new TextPoster() : null
    this.#post = f === undefined
      ? (url, body) => this.#poster!.post(url, body, this.#timeoutMs)
      : async (url, body) => {
        const res = await f(url, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(this.#timeoutMs) })
        return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() }
      }
    this.#archive = opts.archive ?? null
    this.#roundMs = opts.roundMs ?? 250
    this.#onRound = opts.onRound ?? (() => {})
    this.#slots = opts.policy.witnesses.map((w) => ({ w, size: null, failures: 0, retryAt: 0, lastError: w.url ? null : 'no URL in the policy: cannot be asked', lastCosignedAt: null }))
    this.#unsubscribe = opts.log.onCheckpoint(() => this.kick())
  }

  /**
   * Takes back what an earlier run of the ledger gathered, so the cosigned checkpoint and
   * witnessed proofs survive a restart even with every witness down. Each kept line is
   * verified again under the policy in force now, and a checkpoint whose root is not this
   * log's at its size (a restored or rolled-back store) is dropped.
   */
  async restore(): Promise<void> {
    if (this.#archive === null) return
    const load = async (slot: 'latest' | 'witnessed'): Promise<Gathered | null> => {
      let stored: CosignedCheckpoint | undefined
      try {
        stored = await this.#archive!.loadCosigned(slot)
        if (stored === undefined) return null
        const { checkpoint, lines } = verifiedCosignatures(stored, this.policy.witnesses)
        if (checkpoint.size > this.#log.size || !equalBytes(await this.#log.rootAt(checkpoint.size), checkpoint.root)) {
          this.#logger.warn({ size: checkpoint.size }, `stored ${slot} cosigned checkpoint is not this log's tree: dropped`)
          return null
        }
        return { note: stored.note, size: checkpoint.size, lines }
      } catch (e) {
        this.#logger.warn({ slot }, `stored ${slot} cosigned checkpoint unreadable, dropped: ${(e as Error).message}`)
        return null
      }
    }
    const witnessed = await load('witnessed')
    if (witnessed !== null && quorumSatisfied(this.policy, new Set(witnessed.lines.keys()))) this.#witnessed = witnessed
    const latest = await load('latest')
    if (latest !== null && latest.note === this.#log.checkpoint()) this.#latest = latest
    // What each witness last cosigned, as far as the stored lines tell: saves a 409 each.
    for (const g of [this.#witnessed, this.#latest]) {
      if (g === null) continue
      for (const s of this.#slots) if (g.lines.has(s.w.name) && (s.size === null || s.size < g.size)) s.size = g.size
    }
  }

  /** Starts a round now (or right after the running one). Cheap and synchronous: safe on the append path. */
  kick(): void {
    if (this.#closed) return
    this.#dirty = true
    // setImmediate: not even the first synchronous steps of a round run inside the
    // sequencer's block write that called us.
    if (this.#running === null) this.#running = new Promise<void>((r) => setImmediate(r)).then(() => this.#loop()).finally(() => { this.#running = null })
  }

  async close(): Promise<void> {
    this.#closed = true
    this.#unsubscribe()
    if (this.#timer) clearTimeout(this.#timer)
    this.#wake?.()
    await this.#running
    this.#poster?.close()
  }

  /** The latest checkpoint with every cosignature gathered for it so far. */
  checkpoint(): string {
    const note = this.#log.checkpoint()
    const g = this.#latest
    return g !== null && g.note === note ? note + [...g.lines.values()].join('') : note
  }

  /** The newest checkpoint whose cosignatures satisfy the quorum, or null. */
  witnessed(): { note: string; size: number } | null {
    const g = this.#witnessed
    return g === null ? null : { note: g.note + [...g.lines.values()].join(''), size: g.size }
  }

  status(): WitnessingStatus {
    return {
      quorum: this.policy.quorum,
      witnessedSize: this.#witnessed?.size ?? null,
      latestSize: this.#log.size,
      witnesses: this.#slots.map((s) => ({
        name: s.w.name, url: s.w.url ?? null, size: s.size, lastCosignedAt: s.lastCosignedAt,
        lastError: s.lastError, consecutiveFailures: s.failures,
      })),
    }
  }

  async #loop(): Promise<void> {
    while (this.#dirty && !this.#closed) {
      const wait = this.#lastRound + this.#roundMs - Date.now()
      if (wait > 0) {
        await new Promise<void>((r) => {
          const timer = setTimeout(r, wait)
          this.#wake = () => { clearTimeout(timer); r() }
        })
        this.#wake = null
      }
      if (this.#closed) return
      this.#dirty = false
      this.#lastRound = Date.now()
      this.rounds++
      const note = this.#log.checkpoint()
      const size = parseCheckpointNote(note).checkpoint.size
      if (size === 0) continue // nothing worth witnessing yet
      if (this.#latest?.note !== note) this.#latest = { note, size, lines: new Map() }
      const g = this.#latest
      const now = Date.now()
      const due = this.#slots.filter((s) => s.w.url !== undefined && !g.lines.has(s.w.name) && s.retryAt <= now)
      const before = g.lines.size
      await Promise.all(due.map((s) => this.#ask(s, g)))
      this.#checkQuorum(g)
      if (g.lines.size !== before) await this.#save(g)
      this.#scheduleRetry()
      this.#onRound()
    }
  }

  /** Wakes the loop when the earliest backing-off witness may be asked again. */
  #scheduleRetry(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const g = this.#latest
    const waiting = this.#slots.filter((s) => s.w.url !== undefined && (g === null || !g.lines.has(s.w.name)) && s.failures > 0)
    if (waiting.length === 0 || this.#closed) return
    const at = Math.min(...waiting.map((s) => s.retryAt))
    this.#timer = setTimeout(() => { this.#timer = null; this.kick() }, Math.max(0, at - Date.now()))
    this.#timer.unref()
  }

  #count(name: string, result: string): void {
    const k = `${name}\u0000${result}`
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1)
  }

  async #ask(s: WitnessSlot, g: Gathered): Promise<void> {
    try {
      // At most two tries: the first may learn the witness's size from a 409.
      for (let attempt = 0; attempt < 2; attempt++) {
        const old = s.size !== null && s.size <= g.size ? s.size : 0
        const proof = old === 0 ? [] : await this.#log.consistencyProof(old, g.size)
        const body = `old ${old}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${g.note}`
        const res = await this.#post(new URL('add-checkpoint', s.w.url!.endsWith('/') ? s.w.url! : s.w.url! + '/'), body)
        const text = res.text
        if (res.status === 200) {
          await this.#accept(s, g, text)
          this.#count(s.w.name, 'cosigned')
          return
        }
        if (res.status === 409 && /^text\/x\.tlog\.size/.test(res.contentType)) {
          const m = /^(0|[1-9][0-9]*)\n$/.exec(text)
          if (m === null) throw new Error(`409 with a malformed size body ${JSON.stringify(text.slice(0, 40))}`)
          const theirs = Number(m[1])
          if (theirs > g.size) throw new Error(`witness has cosigned size ${theirs}, larger than this log's ${g.size}: it saw a different log or this one was rolled back`)
          s.size = theirs
          this.#count(s.w.name, 'size-learned')
          continue
        }
        throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`)
      }
      throw new Error('witness answered 409 twice in a row')
    } catch (e) {
      s.failures++
      s.retryAt = Date.now() + Math.min(this.#maxBackoffMs, this.#backoffMs * 2 ** (s.failures - 1))
      const message = (e as Error).name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : (e as Error).message
      if (s.lastError !== message || s.failures === 1) this.#logger.warn({ witness: s.w.name, failures: s.failures, size: g.size }, `witness ${s.w.name}: ${message}`)
      s.lastError = message
      this.#count(s.w.name, 'failed')
    }
  }

  /**
   * Keeps only lines that are valid cosignatures by this witness's policy key over this
   * checkpoint. Checked with node:crypto on the thread pool (cosignature.ts's @noble check
   * is for browsers and costs ~1 ms of this thread per line, per witness, per round).
   */
  async #accept(s: WitnessSlot, g: Gathered, text: string): Promise<void> {
    const parsed = parseNote(g.note + text)
    const mine = parsed.signatures.filter((sig) => sig.name === s.w.key.name && equalBytes(sig.keyId, s.w.key.keyId))
    if (mine.length === 0) throw new Error('reply carries no cosignature by the policy key')
    for (const sig of mine) {
      const c = decodeCosignature(sig.signature)
      if (c === null) throw new Error('reply carries a cosignature line of the wrong length')
      if (!(await nodeEd25519VerifyAsync(c.signature, cosignatureMessage(parsed.body, c.timestamp), s.w.key.publicKey))) {
        throw new Error('cosignature does not verify with the policy key')
      }
    }
    const lines = text.split('\n').filter((l) => l.startsWith(`\u2014 ${s.w.key.name} `)).map((l) => l + '\n')
    g.lines.set(s.w.name, lines.join(''))
    if (s.failures > 0) this.#logger.info({ witness: s.w.name, size: g.size }, `witness ${s.w.name} is answering again`)
    s.size = g.size
    s.failures = 0
    s.retryAt = 0
    s.lastError = null
    s.lastCosignedAt = new Date().toISOString()
  }

  /** One write per round that gathered something: the newest checkpoint, and the witnessed one if it is that. */
  async #save(g: Gathered): Promise<void> {
    if (this.#archive === null) return
    const c = { note: g.note, cosignatures: [...g.lines.values()].join('') }
    try {
      await this.#archive.saveCosigned(this.#witnessed === g ? ['latest', 'witnessed'] : ['latest'], c)
    } catch (e) {
      // Kept in memory all the same; only a restart would forget them.
      if (!this.#closed) this.#logger.warn({ size: g.size }, `cannot store cosignatures: ${(e as Error).message}`)
    }
  }

  #checkQuorum(g: Gathered): void {
    if (this.#witnessed !== null && this.#witnessed.size >= g.size && this.#witnessed !== g) return
    if (!quorumSatisfied(this.policy, new Set(g.lines.keys()))) return
    this.#witnessed = g
    for (const listener of this.#witnessedListeners) listener()
  }

  /** Called whenever a checkpoint meets the quorum (RFC 3161 stamping follows the witnessed checkpoint); returns the unsubscribe. */
  onWitnessed(listener: () => void): () => void {
    this.#witnessedListeners.add(listener)
    return () => this.#witnessedListeners.delete(listener)
  }
}
