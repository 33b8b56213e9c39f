// `evidence-ledger verify <bundle|receipt> --key <vkey|file>`: offline verification with
// nothing trusted but the verifier key the user supplies.
import { existsSync, readFileSync } from 'node:fs'
import { allPassed, isBundle, verifyBundle, verifyReceipt, type Receipt, type StepResult } from '../../chain/verify.ts'
import { parseVkey } from '../../chain/note.ts'
import { isCompactBatch, verifyCompactBatch } from '../../chain/compact-receipts.ts'

export interface VerifyOutput {
  kind: 'bundle' | 'receipt' | 'batch of receipts'
  ok: boolean
  steps: StepResult[]
}

const STEP_LABEL: Record<string, string> = {
  commitment: 'record matches its commitment',
  leaf: 'statement matches its leaf hash',
  inclusion: 'entry is included in the tree',
  checkpoint: 'checkpoint is signed by the ledger key',
  block: 'block header matches the checkpoint',
  related: 'later statements are bound to this entry',
}

export function readVkey(keyArg: string): string {
  const text = existsSync(keyArg) ? readFileSync(keyArg, 'utf8').trim() : keyArg.trim()
  parseVkey(text) // throws a plain-words error on a malformed key
  return text
}

export function verifyDocument(doc: unknown, vkey: string): VerifyOutput {
  if (isBundle(doc)) {
    const steps = verifyBundle(doc, vkey)
    return { kind: 'bundle', ok: allPassed(steps), steps }
  }
  if (isCompactBatch(doc)) {
    // A compact batch answer: every receipt in it, expanded and verified like any other.
    const checks = verifyCompactBatch(doc, vkey)
    const steps = checks.map((c): StepResult => ({ step: 'inclusion', ok: c.ok, detail: `item ${c.item} (status ${c.status}): ${c.detail}` }))
    return { kind: 'batch of receipts', ok: checks.some((c) => c.ok) && checks.every((c) => c.ok !== false), steps }
  }
  const r = doc as Partial<Receipt>
  if (typeof r !== 'object' || r === null || !r.entry || !r.statement || !r.checkpoint || !r.inclusion) {
    throw new Error('the file is neither an evidence bundle nor a receipt')
  }
  const steps = verifyReceipt(r as Receipt, vkey)
  return { kind: 'receipt', ok: allPassed(steps), steps }
}

export function formatSteps(out: VerifyOutput): string {
  const lines = out.steps.map((s) => {
    const mark = s.ok === true ? 'PASS' : s.ok === false ? 'FAIL' : 'n/a '
    return `${mark}  ${STEP_LABEL[s.step] ?? s.step}\n      ${s.detail}`
  })
  lines.push(out.ok ? `\nVERIFIED: this ${out.kind} is authentic for the given ledger key.` : `\nNOT VERIFIED: at least one step failed.`)
  return lines.join('\n')
}

export function runVerify(file: string, opts: { key: string; json?: boolean }): number {
  let doc: unknown
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'))
  } catch (e) {
    throw new Error(`cannot read ${file} as JSON: ${(e as Error).message}`)
  }
  const out = verifyDocument(doc, readVkey(opts.key))
  process.stdout.write((opts.json ? JSON.stringify(out, null, 2) : formatSteps(out)) + '\n')
  return out.ok ? 0 : 1
}
