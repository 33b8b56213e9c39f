// Witnessing steps for a receipt or an evidence bundle, kept apart from chain/verify.ts so
// the bundle code there stays as it is: callers (the CLI, the /verify page) run these after
// verifyBundle/verifyReceipt as extra steps. Isomorphic.
//
// A document may carry an optional `witnessed` member (not yet filled by the bundle
// builder): a c2sp.org/tlog-proof@v1 of the same entry against a checkpoint that met the
// ledger's witness quorum when it was issued (what GET /v1/proofs/witnessed returns). With
// it, the entry is proven under a cosigned checkpoint; without it, the document's own
// checkpoint (signed by the log alone at block time) is checked against the policy, which
// then reports which witnesses are missing.
import { hexToBytes } from './encoding.ts'
import type { Policy } from './policy.ts'
import { parseTlogProof, verifyTlogProof } from './tlog-proof.ts'
import { verifyWitnessedCheckpoint, type WitnessStep } from './witnessed-checkpoint.ts'

export interface WitnessedMember {
  /** c2sp.org/tlog-proof@v1 text for this document's entry. */
  proof: string
}

export interface WitnessableDocument {
  entry: { index: number; leafHash: string }
  checkpoint: string
  witnessed?: WitnessedMember
}

export const NO_POLICY = 'no witness policy given: only the log operator vouches for this checkpoint (nobody independent has cosigned it as far as this check knows)'

export function witnessingSteps(doc: WitnessableDocument, logKey: string, policy?: Policy): WitnessStep[] {
  const anchors = { logKeys: [logKey], ...(policy ? { policy } : {}) }
  const w = doc.witnessed
  if (w === undefined) {
    if (policy === undefined) return [{ step: 'quorum', ok: null, detail: NO_POLICY }]
    return verifyWitnessedCheckpoint(doc.checkpoint, anchors).steps
  }
  if (typeof w !== 'object' || w === null || typeof w.proof !== 'string') return [{ step: 'inclusion', ok: false, detail: 'the witnessed member must be {"proof": "<c2sp.org/tlog-proof@v1 text>"}' }]
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
  return policy === undefined ? steps.map((s) => (s.step === 'quorum' ? { ...s, detail: NO_POLICY } : s)) : steps
}
