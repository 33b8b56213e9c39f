// Isomorphic verifiers: pure functions over bytes, no I/O, no Node APIs. The server's
// tests, the CLI and the browser page all run this very file, so what a court checks is
// what CI checks.
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, equalBytes, fromBase64, hexToBytes, isHash, utf8ToBytes } from './encoding.ts'
import { blockHash, checkBlockCheckpoint, type BlockHeader } from './block.ts'
import { nodeHash } from './hash.ts'
import { parseCheckpointBody, parseNote, parseVkey, type Checkpoint, type VerifierKey } from './note.ts'
import { isStatement, recordCommitment, statementLeafHash, type Statement } from './statement.ts'

const half = (n: number): number => Math.floor(n / 2)
const shiftRight = (n: number, bits: number): number => Math.floor(n / 2 ** bits)

// RFC 9162 §2.1.3.2 and §2.1.4.2 as transparency-dev/merkle's proof/verify.go writes them:
// an inclusion path is an "inner" part (levels where the paths to the entry and to the last
// leaf differ) and a "border" part (the right border of the tree), and a consistency proof
// is the suffix of an inclusion proof of its last old leaf. Both verifiers chain through
// these three loops. Plain arithmetic, not bit operators: indexes may exceed 2^32.

/** Levels where the paths from the root to leaves `index` and `last` part. */
function innerProofSize(index: number, last: number): number {
  let levels = 0
  for (; index !== last; levels++) {
    index = half(index)
    last = half(last)
  }
  return levels
}

function onesCount(n: number): number {
  let ones = 0
  for (; n > 0; n = half(n)) ones += n % 2
  return ones
}

function trailingZeros(n: number): number {
  let zeros = 0
  for (; n > 0 && n % 2 === 0; n = half(n)) zeros++
  return zeros
}

/** Hashes `seed` up the inner levels: the sibling is on the side `index`'s bit says. */
function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  for (const h of proof) {
    seed = index % 2 === 0 ? nodeHash(seed, h) : nodeHash(h, seed)
    index = half(index)
  }
  return seed
}

/** The same, taking only the left siblings: the root of the tree that ends at `index`. */
function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  for (const h of proof) {
    if (index % 2 === 1) seed = nodeHash(h, seed)
    index = half(index)
  }
  return seed
}

/** Hashes `seed` up the right border, where every sibling is on the left. */
function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  for (const h of proof) seed = nodeHash(h, seed)
  return seed
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null if the proof is malformed. */
export function rootFromInclusion(
  leaf: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[],
): Uint8Array | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return null
  if (index < 0 || index >= treeSize || leaf.length !== 32) return null
  if (proof.some((p) => p.length !== 32)) return null
  const inner = innerProofSize(index, treeSize - 1)
  const border = onesCount(shiftRight(index, inner))
  if (proof.length !== inner + border) return null
  return chainBorderRight(chainInner(leaf, proof.slice(0, inner), index), proof.slice(inner))
}

export function verifyInclusion(
  leaf: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array,
): boolean {
  const r = rootFromInclusion(leaf, index, treeSize, proof)
  return r !== null && equalBytes(r, root)
}

/** RFC 9162 §2.1.4.2. */
export function verifyConsistency(
  from: number, to: number, proof: readonly Uint8Array[], fromRoot: Uint8Array, toRoot: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to) return false
  if (proof.some((p) => p.length !== 32)) return false
  if (from === to) return proof.length === 0 && equalBytes(fromRoot, toRoot)
  if (from === 0) return proof.length === 0
  if (proof.length === 0) return false
  const fullInner = innerProofSize(from - 1, to - 1)
  const border = onesCount(shiftRight(from - 1, fullInner))
  // The old tree's largest left subtree of 2^shift leaves is a node of both trees: the
  // proof starts with its hash, unless the old tree is that very subtree.
  const shift = trailingZeros(from)
  const inner = fullInner - shift
  const seedIsOldRoot = from === 2 ** shift
  const start = seedIsOldRoot ? 0 : 1
  if (proof.length !== start + inner + border) return false
  const seed = seedIsOldRoot ? fromRoot : proof[0]
  const mask = shiftRight(from - 1, shift)
  const innerPart = proof.slice(start, start + inner)
  const borderPart = proof.slice(start + inner)
  const oldRoot = chainBorderRight(chainInnerRight(seed, innerPart, mask), borderPart)
  const newRoot = chainBorderRight(chainInner(seed, innerPart, mask), borderPart)
  return equalBytes(oldRoot, fromRoot) && equalBytes(newRoot, toRoot)
}

export type CheckpointResult =
  | { ok: true; checkpoint: Checkpoint; key: VerifierKey }
  | { ok: false; reason: string }

/** Verifies a signed checkpoint note with a verifier key the caller trusts. */
export function verifyCheckpoint(note: string, vkey: string | VerifierKey): CheckpointResult {
  const p = prepareCheckpoint(note, vkey)
  if (!p.ok) return p
  return p.signatures.some((sig) => safeVerify(sig, p.msg, p.key.publicKey)) ? { ok: true, checkpoint: p.checkpoint, key: p.key } : INVALID_SIGNATURE
}

/**
 * The same, with the signature checked off the calling thread where the platform can (Node:
 * libuv's thread pool), so a full pass over the log verifies signatures while it hashes.
 */
export async function verifyCheckpointAsync(note: string, vkey: string | VerifierKey): Promise<CheckpointResult> {
  const p = prepareCheckpoint(note, vkey)
  if (!p.ok) return p
  for (const sig of p.signatures) {
    if (await ed25519VerifyAsync(sig, p.msg, p.key.publicKey).catch(() => false)) return { ok: true, checkpoint: p.checkpoint, key: p.key }
  }
  return INVALID_SIGNATURE
}

/** The first of `keys` (current and retired) that verifies the note, or why none does. */
export async function verifyCheckpointWithAny(note: string, keys: readonly VerifierKey[]): Promise<CheckpointResult> {
  const results = await Promise.all(keys.map((k) => verifyCheckpointAsync(note, k)))
  return results.find((r) => r.ok) ?? results[0] ?? { ok: false, reason: 'no verifier key' }
}

const INVALID_SIGNATURE: CheckpointResult = { ok: false, reason: 'checkpoint signature is invalid' }

type PreparedCheckpoint =
  | { ok: false; reason: string }
  | { ok: true; key: VerifierKey; checkpoint: Checkpoint; msg: Uint8Array; signatures: Uint8Array[] }

/** Parses the key and the note and picks the signatures by that key: all but the crypto. */
function prepareCheckpoint(note: string, vkey: string | VerifierKey): PreparedCheckpoint {
  let key: VerifierKey
  try {
    key = typeof vkey === 'string' ? parseVkey(vkey) : vkey
  } catch (e) {
    return { ok: false, reason: `verifier key: ${(e as Error).message}` }
  }
  let parsed
  let checkpoint: Checkpoint
  try {
    parsed = parseNote(note)
    checkpoint = parseCheckpointBody(parsed.body)
  } catch (e) {
    return { ok: false, reason: `checkpoint: ${(e as Error).message}` }
  }
  const candidates = parsed.signatures.filter((s) => s.name === key.name && equalBytes(s.keyId, key.keyId))
  if (candidates.length === 0) return { ok: false, reason: `checkpoint is not signed by ${key.name}+${bytesToHex(key.keyId)}` }
  const signatures = candidates.map((s) => s.signature).filter((sig) => sig.length === 64)
  return { ok: true, key, checkpoint, msg: utf8ToBytes(parsed.body), signatures }
}

type Ed25519Verify = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => boolean
type Ed25519VerifyAsync = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => Promise<boolean>
let ed25519Verify: Ed25519Verify = (sig, msg, pub) => ed25519.verify(sig, msg, pub)
// Where no platform verifier off the thread is installed, the async form is the sync one.
const onThisThread: Ed25519VerifyAsync = async (sig, msg, pub) => safeVerify(sig, msg, pub)
let ed25519VerifyAsync = onThisThread

/**
 * Node entry points install node:crypto's through useNodeCrypto() (node-crypto.ts says
 * why): @noble's pure-JS verify takes ~2 ms a signature. Browsers keep @noble.
 */
export function useEd25519Verify(fn: Ed25519Verify, asyncFn?: Ed25519VerifyAsync): void {
  ed25519Verify = fn
  ed25519VerifyAsync = asyncFn ?? onThisThread
}

function safeVerify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    return ed25519Verify(sig, msg, pub)
  } catch {
    return false
  }
}

export type StepName = 'commitment' | 'leaf' | 'inclusion' | 'checkpoint' | 'block' | 'related'

export interface StepResult {
  step: StepName
  /** null = not applicable (e.g. commitment of an erased record). */
  ok: boolean | null
  detail: string
}

export interface Receipt {
  entry: { index: number; leafHash: string }
  statement: Statement
  block: { height: number; hash: string }
  checkpoint: string
  inclusion: { treeSize: number; hashes: string[] }
}

export function allPassed(steps: readonly StepResult[]): boolean {
  return steps.length > 0 && steps.every((s) => s.ok !== false)
}

/** Steps shared by receipts and bundles: leaf, checkpoint signature, inclusion. */
export function verifyEntryProof(
  input: { statement: unknown; entry: { index: number; leafHash: string }; inclusion: { treeSize: number; hashes: string[] }; checkpoint: string },
  vkey: string | VerifierKey,
): { steps: StepResult[]; checkpoint: Checkpoint | null } {
  const steps: StepResult[] = []
  let leaf: Uint8Array | null = null
  if (!isStatement(input.statement)) {
    steps.push({ step: 'leaf', ok: false, detail: 'statement is not a v1 statement' })
  } else {
    leaf = statementLeafHash(input.statement)
    const claimed = input.entry?.leafHash
    const ok = isHash(claimed) && equalBytes(leaf, hexToBytes(claimed))
    steps.push({
      step: 'leaf',
      ok,
      detail: ok ? `leaf hash ${bytesToHex(leaf)} matches the statement` : `statement hashes to ${bytesToHex(leaf)}, not ${String(claimed)}`,
    })
  }
  const cp = verifyCheckpoint(input.checkpoint, vkey)
  const checkpoint = cp.ok ? cp.checkpoint : null
  const inclusion = (() => {
    if (leaf === null) return { step: 'inclusion', ok: false, detail: 'no valid leaf to prove' } as const
    const hashes = input.inclusion?.hashes
    if (!Array.isArray(hashes) || !hashes.every(isHash)) return { step: 'inclusion', ok: false, detail: 'proof hashes are malformed' } as const
    const size = input.inclusion.treeSize
    const root = rootFromInclusion(leaf, input.entry.index, size, hashes.map(hexToBytes))
    if (root === null) return { step: 'inclusion', ok: false, detail: `proof does not fit index ${input.entry.index} in a tree of ${size}` } as const
    if (checkpoint === null) return { step: 'inclusion', ok: false, detail: `proof leads to root ${bytesToHex(root)} but there is no valid checkpoint to compare with` } as const
    if (checkpoint.size !== size) return { step: 'inclusion', ok: false, detail: `proof is for tree size ${size}, checkpoint is for ${checkpoint.size}` } as const
    const ok = equalBytes(root, checkpoint.root)
    return {
      step: 'inclusion',
      ok,
      detail: ok ? `entry ${input.entry.index} is included in the tree of size ${size}` : `proof leads to root ${bytesToHex(root)}, checkpoint root is ${bytesToHex(checkpoint.root)}`,
    } as const
  })()
  steps.push(inclusion)
  steps.push({
    step: 'checkpoint',
    ok: cp.ok,
    detail: cp.ok ? `signed by ${cp.key.name}+${bytesToHex(cp.key.keyId)} (origin ${cp.checkpoint.origin}, size ${cp.checkpoint.size})` : cp.reason,
  })
  return { steps, checkpoint }
}

export function verifyReceipt(receipt: Receipt, vkey: string | VerifierKey): StepResult[] {
  return verifyEntryProof(receipt, vkey).steps
}

// A bundle carries its block header: its type is part of the bundle format.
export type { BlockHeader } from './block.ts'

export const BUNDLE_FORMAT = 'evidence-ledger/bundle/v1'

/** Evidence bundle (docs/formats.md): everything a court needs, verifiable with only the ledger's key. */
export interface EvidenceBundle {
  format: typeof BUNDLE_FORMAT
  statement: Statement
  record: unknown
  salt: string | null
  redacted: boolean
  entry: { index: number; leafHash: string }
  inclusion: { treeSize: number; hashes: string[] }
  checkpoint: string
  block: BlockHeader
  related: Statement[]
  issuedAt: string
}

export function isBundle(value: unknown): value is EvidenceBundle {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === BUNDLE_FORMAT
}

/**
 * docs/evidence.md order: commitment → leaf → inclusion → checkpoint signature, then the block
 * header and related statements. Each step stands alone so a failure names its cause.
 */
export function verifyBundle(bundle: EvidenceBundle, vkey: string | VerifierKey): StepResult[] {
  const steps: StepResult[] = [bundleCommitmentStep(bundle)]
  const proof = verifyEntryProof(bundle, vkey)
  steps.push(...proof.steps)
  steps.push(bundleBlockStep(bundle, proof.checkpoint))
  steps.push(bundleRelatedStep(bundle))
  return steps
}

function bundleCommitmentStep(b: EvidenceBundle): StepResult {
  const claimed = isStatement(b.statement) ? b.statement.commitment : null
  if (claimed === null) return { step: 'commitment', ok: false, detail: 'statement is not a v1 statement' }
  if (b.redacted) {
    if (b.record !== null || b.salt !== null) return { step: 'commitment', ok: false, detail: 'bundle says redacted but carries a record' }
    return { step: 'commitment', ok: null, detail: `record and salt were erased (right to erasure); the commitment ${claimed} stays on the log` }
  }
  if (b.record === null && b.salt === null) {
    return { step: 'commitment', ok: null, detail: `hash-only entry: the ledger never saw the record; compare ${claimed} with the holder's own copy` }
  }
  if (typeof b.salt !== 'string' || b.record === null || b.record === undefined) return { step: 'commitment', ok: false, detail: 'record or salt is missing' }
  let computed: string
  try {
    const salt = fromBase64(b.salt)
    computed = recordCommitment(salt, b.record)
  } catch (e) {
    return { step: 'commitment', ok: false, detail: `cannot recompute the commitment: ${(e as Error).message}` }
  }
  return computed === claimed
    ? { step: 'commitment', ok: true, detail: `record + salt hash to ${computed}, as the statement says` }
    : { step: 'commitment', ok: false, detail: `record + salt hash to ${computed}, the statement says ${claimed}` }
}

function bundleBlockStep(b: EvidenceBundle, checkpoint: Checkpoint | null): StepResult {
  const h = b.block
  if (typeof h !== 'object' || h === null) return { step: 'block', ok: false, detail: 'block header is missing' }
  if (checkpoint === null) return { step: 'block', ok: false, detail: 'no verified checkpoint to compare the block with' }
  const inBlock = b.entry.index >= h.first && b.entry.index < h.first + h.count
  const ok = inBlock && checkBlockCheckpoint(h, checkpoint) === null && h.size === h.first + h.count
  return ok
    ? { step: 'block', ok, detail: `block ${h.height} (hash ${blockHash(h)}) holds entries ${h.first}–${h.first + h.count - 1} and matches the checkpoint` }
    : { step: 'block', ok, detail: `block ${h.height} does not match the entry or the checkpoint` }
}

function bundleRelatedStep(b: EvidenceBundle): StepResult {
  if (!Array.isArray(b.related)) return { step: 'related', ok: false, detail: 'related is not a list' }
  if (b.related.length === 0) return { step: 'related', ok: null, detail: 'no later entries refer to this one' }
  const bad = b.related.findIndex((s) => !isStatement(s) || !s.refs.includes(b.entry.leafHash))
  if (bad >= 0) return { step: 'related', ok: false, detail: `related statement ${bad} does not ref this entry's leaf hash` }
  const kinds = b.related.map((s) => `${s.kind} ${s.id} at ${s.time}`).join('; ')
  return { step: 'related', ok: true, detail: `${b.related.length} later statement(s) bound to this entry by its leaf hash: ${kinds}` }
}
