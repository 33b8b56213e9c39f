// Verifies a checkpoint note the way a relying party does under a tlog-policy: the log's
// signature, then every known witness's cosignature, then the quorum. Each is its own step
// so a report can say which witness failed and whether the rest still carry the quorum.
import { bytesToHex } from './encoding.ts'
import { type Checkpoint, parseCheckpointNote, type ParsedNote, parseVkey, type VerifierKey } from './note.ts'
import { checkCosignatures } from './cosignature.ts'
import { describeQuorum, quorumSatisfied, QUORUM_NONE, type Policy } from './policy.ts'
import { verifyCheckpoint } from './verify.ts'

export type WitnessStepName = 'log-signature' | 'cosignature' | 'quorum' | 'inclusion' | 'consistency'

export interface WitnessStep {
  step: WitnessStepName
  /** null = not applicable (no policy, or a witness that did not cosign). */
  ok: boolean | null
  detail: string
  /** For cosignature steps: the policy's name for the witness and its timestamp. */
  witness?: string
  timestamp?: number
}

export interface WitnessedCheckpoint {
  steps: WitnessStep[]
  checkpoint: Checkpoint | null
  /** Policy names of the witnesses whose cosignatures verified. */
  cosigned: string[]
}

export interface TrustAnchors {
  /** Log keys accepted besides the policy's own `log` lines. */
  logKeys?: readonly (string | VerifierKey)[]
  policy?: Policy
}

export function verifyWitnessedCheckpoint(note: string, anchors: TrustAnchors): WitnessedCheckpoint {
  const steps: WitnessStep[] = []
  const cosigned: string[] = []
  let parsed: ParsedNote
  let body: Checkpoint
  try {
    ({ note: parsed, checkpoint: body } = parseCheckpointNote(note))
  } catch (e) {
    steps.push({ step: 'log-signature', ok: false, detail: `checkpoint: ${(e as Error).message}` })
    return { steps, checkpoint: null, cosigned }
  }
  const logStep = logSignatureStep(note, body, anchors)
  steps.push(logStep.step)
  const policy = anchors.policy
  if (policy === undefined) {
    steps.push({ step: 'quorum', ok: null, detail: 'no witness policy given: only the log operator vouches for this checkpoint' })
    return { steps, checkpoint: logStep.checkpoint, cosigned }
  }
  const findings = checkCosignatures(parsed.body, parsed.signatures, policy.witnesses.map((w) => w.key))
  findings.forEach((f, i) => {
    const name = policy.witnesses[i].name
    const who = `${name} (${f.key.name}+${bytesToHex(f.key.keyId)})`
    if (f.result === null) {
      steps.push({ step: 'cosignature', ok: null, witness: name, detail: `${who} did not cosign` })
    } else if (f.result.ok) {
      cosigned.push(name)
      steps.push({ step: 'cosignature', ok: true, witness: name, timestamp: f.result.timestamp, detail: `${who} cosigned at ${new Date(f.result.timestamp * 1000).toISOString()}` })
    } else {
      // A line that claims a known witness's key but does not verify is forged or damaged:
      // signed-note says to reject the note, so this step fails even if the quorum holds.
      steps.push({ step: 'cosignature', ok: false, witness: name, detail: `${who}: ${f.result.reason}` })
    }
  })
  const met = quorumSatisfied(policy, new Set(cosigned))
  steps.push({
    step: 'quorum',
    ok: policy.quorum === QUORUM_NONE ? true : met,
    detail: policy.quorum === QUORUM_NONE
      ? 'policy requires no cosignatures (quorum none): only the log operator vouches for this checkpoint'
      : `${met ? 'met' : 'not met'}: quorum ${describeQuorum(policy)}; valid cosignatures from ${cosigned.length ? cosigned.join(', ') : 'nobody'}`,
  })
  return { steps, checkpoint: logStep.checkpoint, cosigned }
}

function logSignatureStep(note: string, body: Checkpoint, anchors: TrustAnchors): { step: WitnessStep; checkpoint: Checkpoint | null } {
  let keys: VerifierKey[]
  try {
    keys = [...(anchors.logKeys ?? []).map((k) => (typeof k === 'string' ? parseVkey(k) : k)), ...(anchors.policy?.logs ?? []).map((l) => l.key)]
  } catch (e) {
    return { step: { step: 'log-signature', ok: false, detail: `log key: ${(e as Error).message}` }, checkpoint: null }
  }
  // tlog-policy: the log key's name is the log's origin; a key for another origin does not count.
  const forOrigin = keys.filter((k) => k.name === body.origin)
  if (forOrigin.length === 0) {
    const known = keys.length ? keys.map((k) => k.name).join(', ') : 'none given'
    return { step: { step: 'log-signature', ok: false, detail: `no trusted log key for origin ${body.origin} (known: ${known})` }, checkpoint: null }
  }
  const reasons: string[] = []
  for (const key of forOrigin) {
    const r = verifyCheckpoint(note, key)
    if (r.ok) return { step: { step: 'log-signature', ok: true, detail: `signed by log key ${key.name}+${bytesToHex(key.keyId)} (size ${r.checkpoint.size})` }, checkpoint: r.checkpoint }
    reasons.push(r.reason)
  }
  return { step: { step: 'log-signature', ok: false, detail: reasons.join('; ') }, checkpoint: null }
}
