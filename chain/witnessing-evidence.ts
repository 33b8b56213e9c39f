// Witnessing steps for a receipt or an evidence bundle, kept apart from chain/verify.ts so
// the bundle code there stays as it is: callers (the CLI, the /verify page) run these after
// verifyBundle/verifyReceipt as extra steps. Isomorphic.
//
// A document may carry a `witnessed` member. The bundle builder fills it when the ledger has
// a witness policy: a c2sp.org/tlog-proof@v1 of the same entry against the newest checkpoint
// that met the ledger's witness quorum (what GET /v1/proofs/witnessed returns), and a
// consistency proof from that tree to the document's own checkpoint; or, while no checkpoint
// holding the entry has met the quorum, `proof: null` and the reason. With a proof the entry
// is proven under a cosigned checkpoint; without one, the document's own checkpoint (signed
// by the log alone) is checked against the policy, which then reports who did not cosign.
import { hexToBytes } from './encoding.ts'
import { parseCheckpointNote } from './note.ts'
import { QUORUM_NONE, type Policy } from './policy.ts'
import { parseTlogProof, verifyTlogProof } from './tlog-proof.ts'
import { verifyConsistency } from './verify.ts'
import { verifyWitnessedCheckpoint, type WitnessStep, type WitnessStepName } from './witnessed-checkpoint.ts'

export type WitnessedMember =
  | {
    /** c2sp.org/tlog-proof@v1 text for this document's entry. */
    proof: string
    /**
     * Hex hashes proving the document's own checkpoint extends the cosigned tree (empty
     * when they are the same size). Absent in receipts that carry only the proof.
     */
    consistency?: string[]
  }
  | {
    /** No checkpoint that holds this entry had met the quorum when the document was issued. */
    proof: null
    reason: string
  }

export interface WitnessableDocument {
  entry: { index: number; leafHash: string }
  checkpoint: string
  witnessed?: WitnessedMember
}

export const NO_POLICY = 'no witness policy given: only the log operator vouches for this checkpoint (nobody independent has cosigned it as far as this check knows)'

/** Chinese first, English second, as the document's own steps (STEP_LABELS in verify.ts); CLI and page share them. */
export const WITNESS_STEP_LABELS: Record<WitnessStepName, { zh: string; en: string }> = {
  'log-signature': { zh: '见证：检查点由账本密钥签名', en: 'witnessing: checkpoint is signed by the ledger key' },
  cosignature: { zh: '见证：联署', en: 'witnessing: cosignature' },
  quorum: { zh: '见证：达到法定见证数', en: 'witnessing: witness quorum' },
  inclusion: { zh: '见证：条目在联署的树中', en: 'witnessing: entry is included in the cosigned tree' },
  consistency: { zh: '见证：本文件的检查点延续联署的树', en: 'witnessing: the document\'s checkpoint extends the cosigned tree' },
}

/** Who vouches for the checkpoint after these steps: a policy's quorum, or only the operator. */
export function vouchedBy(steps: readonly WitnessStep[], policy: Policy | undefined): 'quorum' | 'operator only' {
  const quorum = steps.find((s) => s.step === 'quorum')
  return policy !== undefined && quorum?.ok === true && policy.quorum !== QUORUM_NONE ? 'quorum' : 'operator only'
}

export function witnessingSteps(doc: WitnessableDocument, logKey: string, policy?: Policy): WitnessStep[] {
  const anchors = { logKeys: [logKey], ...(policy ? { policy } : {}) }
  const w = doc.witnessed
  if (w === undefined || (typeof w === 'object' && w !== null && w.proof === null)) {
    const why = w?.proof === null && typeof w.reason === 'string' ? ` The ledger said when issuing it: ${w.reason}.` : ''
    if (policy === undefined) return [{ step: 'quorum', ok: null, detail: NO_POLICY + why }]
    return verifyWitnessedCheckpoint(doc.checkpoint, anchors).steps.map((s) => (s.step === 'quorum' && s.ok === false ? { ...s, detail: s.detail + why } : s))
  }
  if (typeof w !== 'object' || w === null || typeof w.proof !== 'string') return [{ step: 'inclusion', ok: false, detail: 'the witnessed member must be {"proof": "<c2sp.org/tlog-proof@v1 text>"} or {"proof": null, "reason": "…"}' }]
  let leaf: Uint8Array
  try {
    leaf = hexToBytes(doc.entry.leafHash)
  } catch {
    return [{ step: 'inclusion', ok: false, detail: 'entry leaf hash is not hex' }]
  }
  let index: number
  try {
    index = parseTlogProof(w.proof).index
  } catch (e) {
    return [{ step: 'inclusion', ok: false, detail: (e as Error).message }]
  }
  // The proof's own leaf is whatever we hash it with; it must also be for this entry's index.
  if (index !== doc.entry.index) return [{ step: 'inclusion', ok: false, detail: `witnessed proof is for entry ${index}, this document is for entry ${doc.entry.index}` }]
  const steps = verifyTlogProof(w.proof, leaf, anchors).steps
  if (w.consistency !== undefined) steps.push(extendsStep(doc.checkpoint, parseTlogProof(w.proof).checkpoint, w.consistency))
  return policy === undefined ? steps.map((s) => (s.step === 'quorum' ? { ...s, detail: NO_POLICY } : s)) : steps
}

/**
 * The document's own checkpoint (what its other proofs lead to) extends the cosigned tree:
 * so the witnesses' view is a prefix of the tree the document speaks about. Both notes'
 * signatures are checked by the other steps; this is the tree math between them.
 */
function extendsStep(docNote: string, cosignedNote: string, consistency: unknown): WitnessStep {
  const fail = (detail: string): WitnessStep => ({ step: 'consistency', ok: false, detail })
  let from, to
  try {
    from = parseCheckpointNote(cosignedNote).checkpoint
    to = parseCheckpointNote(docNote).checkpoint
  } catch (e) {
    return fail((e as Error).message)
  }
  if (!Array.isArray(consistency) || consistency.some((h) => typeof h !== 'string')) return fail('witnessed.consistency must be a list of hex hashes')
  let proof: Uint8Array[]
  try {
    proof = consistency.map((h: string) => hexToBytes(h))
  } catch {
    return fail('witnessed.consistency holds a hash that is not hex')
  }
  if (from.origin !== to.origin) return fail(`the cosigned checkpoint is for ${from.origin}, the document's for ${to.origin}`)
  return verifyConsistency(from.size, to.size, proof, from.root, to.root)
    ? { step: 'consistency', ok: true, detail: `the document's checkpoint (size ${to.size}) extends the cosigned tree of size ${from.size}` }
    : fail(`the document's checkpoint (size ${to.size}) is not an extension of the cosigned tree of size ${from.size}`)
}
