// `evidence-ledger verify <bundle|receipt> --key <vkey|file>`: offline verification with
// nothing trusted but the verifier key the user supplies.
import { existsSync, readFileSync } from 'node:fs'
import { STEP_LABELS, allPassed, isBundle, verifyBundle, verifyReceipt, type Receipt, type StepName, type StepResult } from '../../chain/verify.ts'
import { parseVkey } from '../../chain/note.ts'

export interface VerifyOutput {
  kind: 'bundle' | 'receipt'
  ok: boolean
  steps: StepResult[]
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

export function verifyDocument(doc: unknown, vkey: string): VerifyOutput {
  if (isBundle(doc)) {
    const steps = verifyBundle(doc, vkey)
    return { kind: 'bundle', ok: allPassed(steps), steps }
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
    return `${mark}  ${stepLabel(s.step)}\n      ${s.detail}`
  })
  const failed = out.steps.filter((s) => s.ok === false).map((s) => s.step)
  lines.push(out.ok ? `\n核验通过 VERIFIED: this ${out.kind} is authentic for the given ledger key.` : `\n核验失败 NOT VERIFIED: failed at ${failed.join(', ')}.`)
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
