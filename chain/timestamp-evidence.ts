// The RFC 3161 steps for an evidence bundle's `timestamp` member (docs/formats.md), run
// beside verifyBundle like the witnessing steps: the CLI calls it, and the /verify page can
// (isomorphic, async because WebCrypto is).
//
// The member proves, with nothing trusted but the ledger key and the TSA certificate, that
// the entry existed no later than the TSA's genTime: the token dates a checkpoint signed by
// the ledger key, the entry is included in that checkpoint's tree, and that tree is a prefix
// of the bundle's own checkpoint (the same history, not a fork shown only to the TSA).
import { bytesToHex, fromBase64, hexToBytes, isHash, utf8ToBytes } from './encoding.ts'
import { parseNote } from './note.ts'
import { verifyTimestampToken } from './timestamp.ts'
import { rootFromInclusion, verifyCheckpoint, verifyConsistency } from './verify.ts'

export interface TimestampMember {
  /** The signed checkpoint note the token dates (its tree contains the entry). */
  checkpoint: string
  /** base64 DER RFC 3161 TimeStampToken over SHA-256 of that checkpoint's signed body. */
  token: string
  /** RFC 9162 inclusion proof of the entry to `checkpoint`. */
  inclusion: { treeSize: number; hashes: string[] }
  /** RFC 9162 consistency proof from `checkpoint` to the document's own checkpoint (hex). */
  consistency: string[]
}

export interface TimestampedDocument {
  entry: { index: number; leafHash: string }
  statement?: { time?: string }
  checkpoint: string
  timestamp?: TimestampMember
}

export interface TimestampStep {
  step: 'timestamp-checkpoint' | 'timestamp'
  ok: boolean | null
  detail: string
  /** The TSA's time, ISO 8601, when the token verified. */
  genTime?: string
}

export const NO_TSA_CERT = 'the bundle carries an RFC 3161 time-stamp token, not checked: give the TSA\'s certificate (--tsa-cert) to check it'

/**
 * `tsaCerts`: DER certificates the user trusts for the TSA (its own, or its CA). Without them a
 * token is reported as not checked; with them a document without a token fails (the user
 * asked for a third-party time and there is none).
 */
export async function timestampSteps(doc: TimestampedDocument, logKey: string, tsaCerts?: readonly Uint8Array[]): Promise<TimestampStep[]> {
  const m = doc.timestamp
  if (tsaCerts === undefined) return m === undefined ? [] : [{ step: 'timestamp', ok: null, detail: NO_TSA_CERT }]
  if (m === undefined) return [{ step: 'timestamp', ok: false, detail: 'no RFC 3161 time-stamp token in this document: only the operator\'s clock dates the entry' }]
  if (typeof m !== 'object' || m === null || typeof m.checkpoint !== 'string' || typeof m.token !== 'string') {
    return [{ step: 'timestamp', ok: false, detail: 'the timestamp member must be {checkpoint, token, inclusion, consistency}' }]
  }
  return [checkpointStep(doc, m, logKey), await tokenStep(doc, m, tsaCerts)]
}

/** The dated checkpoint is the ledger's, contains the entry, and leads to the document's checkpoint. */
function checkpointStep(doc: TimestampedDocument, m: TimestampMember, logKey: string): TimestampStep {
  const step = 'timestamp-checkpoint' as const
  const stamped = verifyCheckpoint(m.checkpoint, logKey)
  if (!stamped.ok) return { step, ok: false, detail: `the time-stamped checkpoint: ${stamped.reason}` }
  const cp = stamped.checkpoint
  const hashes = m.inclusion?.hashes
  if (!isHash(doc.entry?.leafHash) || !Array.isArray(hashes) || !hashes.every(isHash)) return { step, ok: false, detail: 'the inclusion proof to the time-stamped checkpoint is malformed' }
  if (m.inclusion.treeSize !== cp.size) return { step, ok: false, detail: `the inclusion proof is for tree size ${m.inclusion.treeSize}, the time-stamped checkpoint is for ${cp.size}` }
  const root = rootFromInclusion(hexToBytes(doc.entry.leafHash), doc.entry.index, cp.size, hashes.map(hexToBytes))
  if (root === null || bytesToHex(root) !== bytesToHex(cp.root)) return { step, ok: false, detail: `entry ${doc.entry.index} is not proven in the time-stamped tree of size ${cp.size}` }
  const outer = verifyCheckpoint(doc.checkpoint, logKey)
  if (!outer.ok) return { step, ok: false, detail: `the document's checkpoint: ${outer.reason}` }
  const consistency = m.consistency
  if (!Array.isArray(consistency) || !consistency.every(isHash)) return { step, ok: false, detail: 'the consistency proof to the document\'s checkpoint is malformed' }
  if (!verifyConsistency(cp.size, outer.checkpoint.size, consistency.map(hexToBytes), cp.root, outer.checkpoint.root)) {
    return { step, ok: false, detail: `the time-stamped tree (size ${cp.size}) is not proven a prefix of the document's checkpoint (size ${outer.checkpoint.size})` }
  }
  return { step, ok: true, detail: `checkpoint of size ${cp.size}, signed by the ledger key, contains entry ${doc.entry.index} and is a prefix of the document's checkpoint (size ${outer.checkpoint.size})` }
}

async function tokenStep(doc: TimestampedDocument, m: TimestampMember, tsaCerts: readonly Uint8Array[]): Promise<TimestampStep> {
  const step = 'timestamp' as const
  let token: Uint8Array
  let body: string
  try {
    token = fromBase64(m.token)
    body = parseNote(m.checkpoint).body
  } catch (e) {
    return { step, ok: false, detail: `the token or its checkpoint does not parse: ${(e as Error).message}` }
  }
  const r = await verifyTimestampToken(token, utf8ToBytes(body), tsaCerts)
  if (!r.ok) return { step, ok: false, detail: r.reason }
  const genTime = r.genTime.toISOString()
  const accuracy = r.accuracyMs === null ? '' : ` (±${r.accuracyMs / 1000} s)`
  const ledgerTime = doc.statement?.time
  let relation = ''
  if (typeof ledgerTime === 'string' && Number.isFinite(Date.parse(ledgerTime))) {
    const ahead = Date.parse(ledgerTime) - r.genTime.getTime() - (r.accuracyMs ?? 0)
    relation = ahead > 0
      ? `; the ledger's own time for the entry, ${ledgerTime}, is ${ahead / 1000} s later than the TSA's: the operator's clock ran ahead`
      : `; the ledger's own time for the entry is ${ledgerTime}`
  }
  return { step, ok: true, genTime, detail: `timestamp token valid, time ${genTime}${accuracy} by ${r.tsa} (serial ${r.serial}): the entry existed no later than this${relation}` }
}
