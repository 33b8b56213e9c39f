// C2SP tlog-proof v1: an entry's index, its inclusion path and the (cosigned) checkpoint in
// one text file that verifies offline against a log key and a witness policy. Isomorphic.
// The tree math is chain/verify.ts's; this file only reads and writes the format.
import { bytesToHex, equalBytes, fromBase64, toBase64 } from './encoding.ts'
import { rootFromInclusion } from './verify.ts'
import { verifyWitnessedCheckpoint, type TrustAnchors, type WitnessStep } from './witnessed-checkpoint.ts'

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1'
// A SHA-256 tree of 2^63 leaves has paths of at most 63 hashes.
const MAX_PATH = 63

export interface TlogProof {
  /** Opaque, unauthenticated application data (the spec's `extra` line). */
  extra?: Uint8Array
  index: number
  /** Inclusion path, leaf's sibling first. */
  hashes: Uint8Array[]
  /** The checkpoint note verbatim, with the log's signature and any cosignatures. */
  checkpoint: string
}

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new RangeError(`bad entry index ${p.index}`)
  if (p.hashes.length > MAX_PATH || p.hashes.some((h) => h.length !== 32)) throw new RangeError('inclusion path must be at most 63 hashes of 32 bytes')
  if (!p.checkpoint.endsWith('\n')) throw new RangeError('checkpoint note must end with a newline')
  const lines = [TLOG_PROOF_HEADER]
  if (p.extra !== undefined) lines.push(`extra ${toBase64(p.extra)}`)
  lines.push(`index ${p.index}`, ...p.hashes.map(toBase64), '')
  return lines.join('\n') + '\n' + p.checkpoint
}

export function parseTlogProof(text: string): TlogProof {
  if (typeof text !== 'string') throw new TypeError('proof must be text')
  let rest = text
  const nextLine = (what: string): string => {
    const nl = rest.indexOf('\n')
    if (nl < 0) throw new RangeError(`tlog-proof: missing ${what}`)
    const line = rest.slice(0, nl)
    rest = rest.slice(nl + 1)
    return line
  }
  if (nextLine('header') !== TLOG_PROOF_HEADER) throw new RangeError(`tlog-proof: first line must be ${TLOG_PROOF_HEADER}`)
  let line = nextLine('index line')
  let extra: Uint8Array | undefined
  if (line.startsWith('extra ')) {
    extra = decode(line.slice(6), 'extra data')
    line = nextLine('index line')
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(line)
  if (m === null) throw new RangeError('tlog-proof: expected "index <decimal>"')
  const index = Number(m[1])
  if (!Number.isSafeInteger(index)) throw new RangeError('tlog-proof: index is too large')
  const hashes: Uint8Array[] = []
  for (;;) {
    line = nextLine('empty line before the checkpoint')
    if (line === '') break
    if (hashes.length === MAX_PATH) throw new RangeError(`tlog-proof: more than ${MAX_PATH} inclusion hashes`)
    const h = decode(line, 'inclusion hash')
    if (h.length !== 32) throw new RangeError('tlog-proof: inclusion hash is not 32 bytes')
    hashes.push(h)
  }
  if (rest.length === 0) throw new RangeError('tlog-proof: missing checkpoint')
  return { ...(extra ? { extra } : {}), index, hashes, checkpoint: rest }
}

function decode(b64: string, what: string): Uint8Array {
  try {
    return fromBase64(b64)
  } catch {
    throw new RangeError(`tlog-proof: ${what} is not standard base64`)
  }
}

export interface TlogProofResult {
  ok: boolean
  steps: WitnessStep[]
}

/**
 * tlog-proof §Verifying: the caller computes the leaf hash (application specific); this
 * checks the log signature, each cosignature, the quorum and the inclusion path. Without a
 * policy the quorum step is n/a and says that only the operator vouches.
 */
export function verifyTlogProof(proof: string | TlogProof, leafHash: Uint8Array, anchors: TrustAnchors): TlogProofResult {
  let p: TlogProof
  try {
    p = typeof proof === 'string' ? parseTlogProof(proof) : proof
  } catch (e) {
    return { ok: false, steps: [{ step: 'inclusion', ok: false, detail: (e as Error).message }] }
  }
  const w = verifyWitnessedCheckpoint(p.checkpoint, anchors)
  const steps = [...w.steps]
  const cp = w.checkpoint
  const root = rootFromInclusion(leafHash, p.index, cp?.size ?? 0, p.hashes)
  if (cp === null) {
    steps.push({ step: 'inclusion', ok: false, detail: 'no verified checkpoint to check the inclusion path against' })
  } else if (root === null) {
    steps.push({ step: 'inclusion', ok: false, detail: `path of ${p.hashes.length} hashes does not fit index ${p.index} in a tree of ${cp.size}` })
  } else {
    const ok = equalBytes(root, cp.root)
    steps.push({
      step: 'inclusion',
      ok,
      detail: ok ? `leaf ${bytesToHex(leafHash)} is entry ${p.index} of the tree of size ${cp.size}` : `path leads to root ${bytesToHex(root)}, checkpoint root is ${bytesToHex(cp.root)}`,
    })
  }
  return { ok: steps.every((s) => s.ok !== false), steps }
}
