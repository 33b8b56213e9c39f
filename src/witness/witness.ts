// The witness's one decision, per tlog-witness add-checkpoint: given what it cosigned last
// for a log, is this checkpoint a consistent extension? If so, remember it (durably) and
// cosign it. Requests for one origin run one at a time, so the old-size check and the
// update are atomic (the spec's rollback race cannot happen).
import { bytesToHex, equalBytes } from '../../chain/encoding.ts'
import { EMPTY_ROOT } from '../../chain/hash.ts'
import { formatNote, type NoteSignature, type VerifierKey } from '../../chain/note.ts'
import { verifyConsistency } from '../../chain/verify.ts'
import { nodeEd25519Verify } from '../../chain/ed25519-node.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import type { Cosigner } from '../../chain/cosigner.ts'
import { parseAddCheckpoint, MalformedRequest } from './request.ts'
import type { WitnessState } from './state.ts'
import { MirrorError, type Mirror } from './mirror.ts'

export type AddCheckpointOutcome =
  | { status: 200; lines: string }
  | { status: 409; size: number }
  | { status: 400 | 403 | 404 | 422 | 503; detail: string }

export interface WitnessOptions {
  cosigner: Cosigner
  /** Trusted log keys; a log's origin is its key's name (several keys per origin allowed, for rotation). */
  logs: readonly VerifierKey[]
  state: WitnessState
  /** POSIX seconds; injectable for tests. */
  now?: () => number
  /** --mirror: every entry is fetched and verified through tiles before cosigning. */
  mirror?: Mirror
}

export class Witness {
  readonly cosigner: Cosigner
  readonly mirror: Mirror | null
  readonly #logs = new Map<string, VerifierKey[]>()
  readonly #state: WitnessState
  readonly #now: () => number
  readonly #queues = new Map<string, Promise<unknown>>()

  constructor(opts: WitnessOptions) {
    this.cosigner = opts.cosigner
    this.mirror = opts.mirror ?? null
    for (const k of opts.logs) this.#logs.set(k.name, [...(this.#logs.get(k.name) ?? []), k])
    this.#state = opts.state
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000))
  }

  origins(): string[] {
    return [...this.#logs.keys()]
  }

  async addCheckpoint(text: string): Promise<AddCheckpointOutcome> {
    let req
    try {
      req = parseAddCheckpoint(text)
    } catch (e) {
      if (e instanceof MalformedRequest) return { status: 400, detail: e.message }
      throw e
    }
    const { checkpoint: cp, note } = req
    const keys = this.#logs.get(cp.origin)
    if (keys === undefined) return { status: 404, detail: `unknown log origin ${JSON.stringify(cp.origin)}` }
    const logSigs = verifiedLogSignatures(note.body, note.signatures, keys)
    if (!logSigs.ok) return { status: 403, detail: logSigs.detail }
    if (req.oldSize > cp.size) return { status: 400, detail: `old size ${req.oldSize} is larger than the checkpoint size ${cp.size}` }
    return this.#serialized(cp.origin, async () => {
      const current = await this.#state.get(cp.origin)
      const size = current?.size ?? 0
      if (req.oldSize !== size) return { status: 409, size } as const
      if (cp.size === 0 && !equalBytes(cp.root, EMPTY_ROOT)) return { status: 422, detail: 'a checkpoint of size 0 must carry the empty tree\'s root' } as const
      if (req.oldSize === 0) {
        if (req.proof.length > 0) return { status: 422, detail: 'old size is 0: the consistency proof must be empty' } as const
        // A size-0 state (cosigned an empty tree) has nothing more to compare.
      } else if (!verifyConsistency(req.oldSize, cp.size, req.proof, current!.root, cp.root)) {
        return {
          status: 422,
          detail: req.oldSize === cp.size
            ? `same size ${cp.size} as the checkpoint already cosigned but a different root (${bytesToHex(cp.root)} vs ${bytesToHex(current!.root)})`
            : `consistency proof from ${req.oldSize} to ${cp.size} does not verify against the root already cosigned`,
        } as const
      }
      if (this.mirror !== null && cp.origin === this.mirror.origin) {
        try {
          await this.mirror.sync(cp)
        } catch (e) {
          // Entries that do not hash to the signed root are the log misbehaving (422);
          // a fetch that fails is only "not now" (503): the ledger retries.
          const detail = `mirror: ${(e as Error).message}`
          return { status: e instanceof MirrorError && e.misbehaviour ? 422 : 503, detail } as const
        }
      }
      // Never earlier than the last cosignature for this log, whatever the clock does.
      const timestamp = Math.max(this.#now(), current?.timestamp ?? 0, 1)
      const line = this.cosigner.cosign(note.body, timestamp)
      await this.#state.put({ origin: cp.origin, size: cp.size, root: cp.root, timestamp, note: formatNote(note.body, logSigs.signatures) + line })
      return { status: 200, lines: line } as const
    })
  }

  /** The checkpoint last cosigned for an origin, with the log's and our signatures (monitoring API). */
  async latest(origin: string): Promise<string | null> {
    if (!this.#logs.has(origin)) return null
    return (await this.#state.get(origin))?.note ?? null
  }

  #serialized<T>(origin: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(origin) ?? Promise.resolve()
    const run = prev.then(fn, fn)
    const tail = run.catch(() => undefined)
    this.#queues.set(origin, tail)
    // Drop the queue entry once idle so a witness for many rarely active logs stays small.
    void tail.then(() => { if (this.#queues.get(origin) === tail) this.#queues.delete(origin) })
    return run
  }
}

/**
 * tlog-witness: 403 unless at least one signature by a trusted key for the origin is
 * present, and every line whose name and key id match a trusted key verifies (such a line
 * that does not verify makes the note malformed). Lines by other keys are ignored.
 */
function verifiedLogSignatures(
  body: string, signatures: readonly NoteSignature[], keys: readonly VerifierKey[],
): { ok: true; signatures: NoteSignature[] } | { ok: false; detail: string } {
  const msg = utf8ToBytes(body)
  const good: NoteSignature[] = []
  for (const s of signatures) {
    const key = keys.find((k) => k.name === s.name && equalBytes(k.keyId, s.keyId))
    if (key === undefined) continue
    if (!nodeEd25519Verify(s.signature, msg, key.publicKey)) {
      return { ok: false, detail: `signature by log key ${key.name}+${bytesToHex(key.keyId)} does not verify` }
    }
    good.push(s)
  }
  if (good.length === 0) return { ok: false, detail: `checkpoint carries no signature by a trusted key for ${keys[0].name}` }
  return { ok: true, signatures: good }
}
