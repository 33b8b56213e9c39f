// `evidence-ledger verify <bundle|receipt> --key <vkey|file>`: offline verification with
// nothing trusted but the verifier key the user supplies.
import { existsSync, readFileSync } from 'node:fs'
import { STEP_LABELS, allPassed, isBundle, verifyBundle, verifyReceipt, type Receipt, type StepName, type StepResult } from '../../chain/verify.ts'
import { parseVkey } from '../../chain/note.ts'
import { isCompactBatch, verifyCompactBatch } from '../../chain/compact-receipts.ts'
import { parsePolicy, type Policy } from '../../chain/policy.ts'
import { TLOG_PROOF_HEADER, verifyTlogProof } from '../../chain/tlog-proof.ts'
import type { WitnessStep } from '../../chain/witnessed-checkpoint.ts'
import { NO_POLICY, WITNESS_STEP_LABELS, vouchedBy, witnessingSteps, type WitnessableDocument } from '../../chain/witnessing-evidence.ts'
import { hexToBytes } from '../../chain/encoding.ts'
import { parsePemCertificates } from '../../chain/timestamp.ts'
import { timestampSteps, type TimestampStep, type TimestampedDocument } from '../../chain/timestamp-evidence.ts'

export interface VerifyOutput {
  kind: 'bundle' | 'receipt' | 'tlog-proof' | 'batch of receipts'
  ok: boolean
  steps: StepResult[]
  /** Log signature, each witness's cosignature, quorum (and inclusion for a witnessed proof): separate steps. */
  witnessing: WitnessStep[]
  /** Whether a policy's quorum vouched, or only the operator. */
  vouchedBy: 'quorum' | 'operator only'
  /** RFC 3161: the time-stamped checkpoint and the token (with --tsa-cert), separate steps. */
  timestamp: TimestampStep[]
}

const TIMESTAMP_LABEL: Record<TimestampStep['step'], string> = {
  'timestamp-checkpoint': '时间戳：被盖时间戳的检查点包含该条目 timestamp: the time-stamped checkpoint contains the entry',
  timestamp: '可信时间戳 (RFC 3161) timestamp token',
}

/** Chinese first, English second, and the step's code so a failure names it for scripts too. */
function stepLabel(step: StepName): string {
  const label = STEP_LABELS[step]
  return label ? `${label.zh} ${label.en} [${step}]` : step
}

export function readVkey(keyArg: string): string {
  const text = existsSync(keyArg) ? readFileSync(keyArg, 'utf8').trim() : keyArg.trim()
  parseVkey(text) // throws a plain-words error on a malformed key
  return text
}

function finish(kind: VerifyOutput['kind'], steps: StepResult[], witnessing: WitnessStep[], policy: Policy | undefined, timestamp: TimestampStep[] = []): VerifyOutput {
  const ok = (steps.length === 0 || allPassed(steps)) && witnessing.every((s) => s.ok !== false) && timestamp.every((s) => s.ok !== false)
  return { kind, ok, steps, witnessing, vouchedBy: vouchedBy(witnessing, policy), timestamp }
}

export interface VerifyOptions {
  policy?: Policy
  /** DER certificates of the TSA (or its CA) from --tsa-cert: check the bundle's RFC 3161 token. */
  tsaCerts?: Uint8Array[]
}

export async function verifyDocument(doc: unknown, vkey: string, opts: VerifyOptions = {}): Promise<VerifyOutput> {
  const { policy, tsaCerts } = opts
  if (isBundle(doc)) {
    // verifyBundle is the bundle's own check; witnessing and the time-stamp run beside it as extra steps.
    const steps = verifyBundle(doc, vkey)
    const timestamp = await timestampSteps(doc as unknown as TimestampedDocument, vkey, tsaCerts)
    return finish('bundle', steps, witnessingSteps(doc as WitnessableDocument, vkey, policy), policy, timestamp)
  }
  if (isCompactBatch(doc)) {
    // A compact batch answer: every receipt in it, expanded and verified like any other.
    const checks = verifyCompactBatch(doc, vkey)
    const steps = checks.map((c): StepResult => ({ step: 'inclusion', ok: c.ok, detail: `item ${c.item} (status ${c.status}): ${c.detail}` }))
    return finish('batch of receipts', steps, [], policy)
  }
  const r = doc as Partial<Receipt>
  if (typeof r !== 'object' || r === null || !r.entry || !r.statement || !r.checkpoint || !r.inclusion) {
    throw new Error('the file is neither an evidence bundle nor a receipt')
  }
  const steps = verifyReceipt(r as Receipt, vkey)
  // A receipt is answered before any token exists; with --tsa-cert it says it has none.
  const timestamp = await timestampSteps(r as TimestampedDocument, vkey, tsaCerts)
  return finish('receipt', steps, witnessingSteps(r as WitnessableDocument, vkey, policy), policy, timestamp)
}

/** A bare tlog-proof file: the leaf hash comes from the caller (the proof does not carry the entry). */
export function verifyProofFile(text: string, vkey: string, leafHex: string, policy?: Policy): VerifyOutput {
  const r = verifyTlogProof(text, hexToBytes(leafHex), { logKeys: [vkey], ...(policy ? { policy } : {}) })
  const steps = policy === undefined ? r.steps.map((s) => (s.step === 'quorum' ? { ...s, detail: NO_POLICY } : s)) : r.steps
  return finish('tlog-proof', [], steps, policy)
}

export function readPolicy(path: string): Policy {
  return parsePolicy(readFileSync(path, 'utf8'))
}

export function readTsaCerts(path: string): Uint8Array[] {
  try {
    return parsePemCertificates(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new Error(`--tsa-cert ${path}: ${(e as Error).message}`)
  }
}

export function formatSteps(out: VerifyOutput): string {
  const lines = out.steps.map((s) => {
    const mark = s.ok === true ? 'PASS' : s.ok === false ? 'FAIL' : 'n/a '
    return `${mark}  ${stepLabel(s.step)}\n      ${s.detail}`
  })
  for (const s of out.witnessing) {
    const mark = s.ok === true ? 'PASS' : s.ok === false ? 'FAIL' : 'n/a '
    const l = WITNESS_STEP_LABELS[s.step]
    const label = `${l.zh} ${l.en}${s.step === 'cosignature' ? ` by ${s.witness}` : ''}`
    lines.push(`${mark}  ${label}\n      ${s.detail}`)
  }
  for (const s of out.timestamp) {
    const mark = s.ok === true ? 'PASS' : s.ok === false ? 'FAIL' : 'n/a '
    lines.push(`${mark}  ${TIMESTAMP_LABEL[s.step]}\n      ${s.detail}`)
  }
  const failed = [...out.steps, ...out.witnessing, ...out.timestamp].filter((s) => s.ok === false).map((s) => s.step)
  lines.push(out.ok ? `\n核验通过 VERIFIED: this ${out.kind} is authentic for the given ledger key.` : `\n核验失败 NOT VERIFIED: failed at ${[...new Set(failed)].join(', ')}.`)
  if (out.ok) {
    lines.push(out.vouchedBy === 'quorum'
      ? 'WITNESSED: the witness quorum of the given policy cosigned the checkpoint.'
      : 'NOT WITNESSED: only the ledger operator vouches for this checkpoint (give --policy, and a witnessed proof, to require independent witnesses).')
    const stamped = out.timestamp.find((s) => s.step === 'timestamp' && s.ok === true)
    if (stamped?.genTime !== undefined) lines.push(`TIME-STAMPED: the given TSA dates a tree holding the entry at ${stamped.genTime}: the entry existed no later than that.`)
  }
  return lines.join('\n')
}

export async function runVerify(file: string, opts: { key: string; json?: boolean; policy?: string; leaf?: string; tsaCert?: string }): Promise<number> {
  const policy = opts.policy === undefined ? undefined : readPolicy(opts.policy)
  const tsaCerts = opts.tsaCert === undefined ? undefined : readTsaCerts(opts.tsaCert)
  const text = readFileSync(file, 'utf8')
  let out: VerifyOutput
  if (text.startsWith(TLOG_PROOF_HEADER + '\n')) {
    if (opts.leaf === undefined) throw new Error('a tlog-proof does not carry its entry: give --leaf <leaf hash hex> (from the receipt or bundle)')
    out = verifyProofFile(text, readVkey(opts.key), opts.leaf, policy)
  } else {
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch (e) {
      throw new Error(`cannot read ${file} as JSON: ${(e as Error).message}`)
    }
    out = await verifyDocument(doc, readVkey(opts.key), { policy, tsaCerts })
  }
  process.stdout.write((opts.json ? JSON.stringify(out, null, 2) : formatSteps(out)) + '\n')
  return out.ok ? 0 : 1
}
