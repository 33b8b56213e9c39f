// What the ledger keeps of its witnesses' cosignatures across restarts: the newest checkpoint
// with the cosignatures gathered for it, and the newest one that met the quorum. Without
// them a restarted ledger served a bare checkpoint and 404'd every witnessed proof until the
// witnesses answered again (never, if they are down).
//
// Stored as the log-signed note and the cosignature lines apart, so that reading it back
// needs no guess at which signature line is whose. Nothing read back is trusted: every
// line is verified again against the policy in force now (it may have changed), and the
// caller checks the tree against the log (a restored or rolled-back store).
import { concatBytes, equalBytes, toBase64 } from './encoding.ts'
import { parseCheckpointNote, parseNote, type Checkpoint, type NoteSignature } from './note.ts'
import { checkCosignatures } from './cosignature.ts'
import type { PolicyWitness } from './policy.ts'
import type { CosignedSlot } from './store.ts'

export type { CosignedSlot } from './store.ts'

export interface CosignedCheckpoint {
  /** The checkpoint as the log signed it. */
  note: string
  /** Cosignature lines ("— <name> <base64>\n" each), appended to `note` they make the cosigned note. */
  cosignatures: string
}

/** Where a log keeps them (chain/log.ts implements it over its store). */
export interface CosignedArchive {
  loadCosigned(slot: CosignedSlot): Promise<CosignedCheckpoint | undefined>
  /** One write for all of `slots` (the newest checkpoint is often the witnessed one too). */
  saveCosigned(slots: readonly CosignedSlot[], c: CosignedCheckpoint): Promise<void>
}

export function encodeCosigned(c: CosignedCheckpoint): string {
  return JSON.stringify({ note: c.note, cosignatures: c.cosignatures })
}

export function decodeCosigned(text: string): CosignedCheckpoint {
  const v = JSON.parse(text) as Partial<CosignedCheckpoint>
  if (typeof v !== 'object' || v === null || typeof v.note !== 'string' || typeof v.cosignatures !== 'string') throw new Error('stored cosigned checkpoint is damaged')
  return { note: v.note, cosignatures: v.cosignatures }
}

export function cosignedSize(c: CosignedCheckpoint): number {
  return parseCheckpointNote(c.note).checkpoint.size
}

export interface VerifiedCosignatures {
  checkpoint: Checkpoint
  /** Policy witness name → its verified cosignature line(s). */
  lines: Map<string, string>
}

/**
 * The cosignature lines of `c` that verify under the policy's witness keys, by witness name.
 * Lines by keys the policy does not name, or that do not verify, are dropped.
 */
export function verifiedCosignatures(c: CosignedCheckpoint, witnesses: readonly PolicyWitness[]): VerifiedCosignatures {
  const { note: base, checkpoint } = parseCheckpointNote(c.note)
  const all = c.cosignatures === '' ? [] : parseNote(c.note + c.cosignatures).signatures.slice(base.signatures.length)
  const findings = checkCosignatures(base.body, all, witnesses.map((w) => w.key))
  const lines = new Map<string, string>()
  findings.forEach((f, i) => {
    if (f.result?.ok !== true) return
    const mine = all.filter((s) => s.name === f.key.name && equalBytes(s.keyId, f.key.keyId))
    lines.set(witnesses[i].name, mine.map(signatureLine).join(''))
  })
  return { checkpoint, lines }
}

function signatureLine(s: NoteSignature): string {
  return `\u2014 ${s.name} ${toBase64(concatBytes(s.keyId, s.signature))}\n`
}
