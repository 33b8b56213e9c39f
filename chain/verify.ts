// Isomorphic verifiers: pure functions over bytes, no I/O, no Node APIs. The server's
// tests, the CLI and the browser page all run this very file, so what a court checks is
// what CI checks.
import { ed25519 } from '@noble/curves/ed25519.js'
import { bytesToHex, equalBytes, fromBase64, hexToBytes, isHash, utf8ToBytes } from './encoding.ts'
import { blockHash, checkBlockCheckpoint, type BlockHeader } from './block.ts'
import { nodeHash } from './hash.ts'
import { type Checkpoint, parseCheckpointNote, parseVkey, type VerifierKey } from './note.ts'
import { isStatement, recordCommitment, statementLeafHash, type Statement } from './statement.ts'
import { bundleConsent, claimsMessage, termsOf, type BundleClaims, type BundleConsent } from './bundle-claims.ts'

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
  for (const signature of p.signatures) {
    if (await verifyCandidate({ signature, msg: p.msg, key: p.key })) return { ok: true, checkpoint: p.checkpoint, key: p.key }
  }
  return INVALID_SIGNATURE
}

/** The first of `keys` (current and retired) that verifies the note, or why none does. */
export async function verifyCheckpointWithAny(note: string, keys: readonly VerifierKey[]): Promise<CheckpointResult> {
  const results = await Promise.all(keys.map((k) => verifyCheckpointAsync(note, k)))
  return results.find((r) => r.ok) ?? results[0] ?? { ok: false, reason: 'no verifier key' }
}

/** One signature on a checkpoint note by a trusted key, with the bytes it signs. */
export interface SignatureCandidate {
  signature: Uint8Array
  msg: Uint8Array
  key: VerifierKey
}

/**
 * Everything verifyCheckpointWithAny does but the crypto, for callers that run the crypto
 * elsewhere (chain/audit.ts, on worker threads): the note's checkpoint and its signatures
 * by any of `keys`, or null when it has none (or does not parse) and so cannot verify. The
 * note verifies iff one of the candidates does.
 */
export function checkpointCandidates(note: string, keys: readonly VerifierKey[]): { checkpoint: Checkpoint; candidates: SignatureCandidate[] } | null {
  let checkpoint: Checkpoint | null = null
  const candidates: SignatureCandidate[] = []
  for (const vkey of keys) {
    const p = prepareCheckpoint(note, vkey)
    if (!p.ok) continue
    checkpoint = p.checkpoint
    for (const signature of p.signatures) candidates.push({ signature, msg: p.msg, key: p.key })
  }
  return checkpoint === null || candidates.length === 0 ? null : { checkpoint, candidates }
}

/** One candidate's signature, checked as verifyCheckpointAsync checks it (off the thread where installed). */
export function verifyCandidate(c: SignatureCandidate): Promise<boolean> {
  return ed25519VerifyAsync(c.signature, c.msg, c.key.publicKey).catch(() => false)
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
    ({ note: parsed, checkpoint } = parseCheckpointNote(note))
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

export type StepName =
  | 'commitment' | 'leaf' | 'inclusion' | 'checkpoint' | 'block' | 'block-time' | 'related'
  | 'claims' | 'redaction' | 'consent'

/** Chinese first, English second: what each step proves, for the CLI, the page and the certificate. */
export const STEP_LABELS: Record<StepName, { zh: string; en: string }> = {
  commitment: { zh: '记录与承诺值一致', en: 'record matches its commitment' },
  leaf: { zh: '陈述与叶哈希一致', en: 'statement matches its leaf hash' },
  inclusion: { zh: '条目包含于默克尔树', en: 'entry is included in the tree' },
  checkpoint: { zh: '检查点签名有效', en: 'checkpoint is signed by the ledger key' },
  block: { zh: '区块头与检查点一致', en: 'block header matches the checkpoint' },
  'block-time': { zh: '区块时间与上链时间一致', en: 'block time equals the ledger time' },
  related: { zh: '关联条目已证明', en: 'related entry is proven' },
  claims: { zh: '账本签名声明（关联条目完整）', en: 'ledger-signed claims (related entries complete)' },
  redaction: { zh: '删除状态与证明一致', en: 'erasure state matches the proofs' },
  consent: { zh: '授权状态（出具时）', en: 'consent status at issue time' },
}

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
  const inclusion = leaf === null
    ? { step: 'inclusion', ok: false, detail: 'no valid leaf to prove' } as const
    : inclusionStep('inclusion', leaf, input.entry.index, input.inclusion, checkpoint)
  steps.push(inclusion)
  steps.push({
    step: 'checkpoint',
    ok: cp.ok,
    detail: cp.ok ? `signed by ${cp.key.name}+${bytesToHex(cp.key.keyId)} (origin ${cp.checkpoint.origin}, size ${cp.checkpoint.size})` : cp.reason,
  })
  return { steps, checkpoint }
}

/** An RFC 9162 inclusion proof of `leaf` at `index` against an already verified checkpoint. */
function inclusionStep(
  step: StepName, leaf: Uint8Array, index: number, inclusion: { treeSize: number; hashes: string[] } | undefined, checkpoint: Checkpoint | null,
): StepResult {
  const hashes = inclusion?.hashes
  if (!Array.isArray(hashes) || !hashes.every(isHash)) return { step, ok: false, detail: 'proof hashes are malformed' }
  const size = inclusion!.treeSize
  const root = rootFromInclusion(leaf, index, size, hashes.map(hexToBytes))
  if (root === null) return { step, ok: false, detail: `proof does not fit index ${index} in a tree of ${size}` }
  if (checkpoint === null) return { step, ok: false, detail: `proof leads to root ${bytesToHex(root)} but there is no valid checkpoint to compare with` }
  if (checkpoint.size !== size) return { step, ok: false, detail: `proof is for tree size ${size}, checkpoint is for ${checkpoint.size}` }
  const ok = equalBytes(root, checkpoint.root)
  return {
    step,
    ok,
    detail: ok ? `entry ${index} is included in the tree of size ${size}` : `proof leads to root ${bytesToHex(root)}, checkpoint root is ${bytesToHex(checkpoint.root)}`,
  }
}

export function verifyReceipt(receipt: Receipt, vkey: string | VerifierKey): StepResult[] {
  return verifyEntryProof(receipt, vkey).steps
}

// A bundle carries its block header: its type is part of the bundle format.
export type { BlockHeader } from './block.ts'
export type { BundleClaims, BundleConsent } from './bundle-claims.ts'

export const BUNDLE_FORMAT_V1 = 'evidence-ledger/bundle/v1'
export const BUNDLE_FORMAT_V2 = 'evidence-ledger/bundle/v2'
/** What the service issues. */
export const BUNDLE_FORMAT = BUNDLE_FORMAT_V2

/** What every bundle version carries about the main entry. */
interface BundleCore {
  statement: Statement
  /** The record as notarized and its salt; both null when hash-only or erased. */
  record: unknown
  salt: string | null
  redacted: boolean
  entry: { index: number; leafHash: string }
  /** Proof to `checkpoint`. */
  inclusion: { treeSize: number; hashes: string[] }
  checkpoint: string
  /** The header of the block that holds the main entry. */
  block: BlockHeader
  issuedAt: string
}

/**
 * Evidence bundle v1 (docs/formats.md): the checkpoint is the entry's block's. Its related
 * statements are not proven: v1 stays verifiable for bundles already handed out, and says
 * so in its related step.
 */
export interface EvidenceBundleV1 extends BundleCore {
  format: typeof BUNDLE_FORMAT_V1
  related: Statement[]
}

/** A later entry that refers to the main one, proven to the bundle's checkpoint. */
export interface RelatedEntry {
  statement: Statement
  entry: { index: number; leafHash: string }
  inclusion: { treeSize: number; hashes: string[] }
  /** Its record and salt, when the holder may see them (court role) and not erased. */
  record: unknown
  salt: string | null
}

/**
 * Evidence bundle v2 (docs/formats.md): every inclusion proof (main and related) leads to
 * one checkpoint, the newest at issue time; the main entry's block is proven by its own
 * checkpoint and a consistency proof to that one; the ledger signs the claims.
 */
export interface EvidenceBundleV2 extends BundleCore {
  format: typeof BUNDLE_FORMAT_V2
  /** `checkpoint` is the newest signed checkpoint at issue time; this proves the block against it. */
  blockProof: { checkpoint: string; consistency: string[] }
  related: RelatedEntry[]
  consent: BundleConsent | null
  /** Ed25519 by the checkpoint key over claimsMessage(bundleClaims(bundle)). */
  claimsSignature: { keyId: string; signature: string }
}

export type EvidenceBundle = EvidenceBundleV1 | EvidenceBundleV2

export function isBundle(value: unknown): value is EvidenceBundle {
  if (typeof value !== 'object' || value === null) return false
  const format = (value as { format?: unknown }).format
  return format === BUNDLE_FORMAT_V1 || format === BUNDLE_FORMAT_V2
}

/** The statements that refer to the main entry, whatever the bundle version. */
export function relatedStatements(b: EvidenceBundle): Statement[] {
  if (!Array.isArray(b.related)) return []
  return b.format === BUNDLE_FORMAT_V2 ? b.related.map((r) => r.statement) : b.related
}

/**
 * docs/evidence.md order: commitment → leaf → inclusion → checkpoint signature, then the block
 * header and its time, then (v2) each related entry, the signed claims, the erasure state and
 * the consent status. Each step stands alone so a failure names its cause.
 */
export function verifyBundle(bundle: EvidenceBundle, vkey: string | VerifierKey): StepResult[] {
  if (bundle.format === BUNDLE_FORMAT_V2) return verifyBundleV2(bundle, vkey)
  const steps: StepResult[] = [bundleCommitmentStep(bundle)]
  const proof = verifyEntryProof(bundle, vkey)
  steps.push(...proof.steps)
  steps.push(bundleBlockStep(bundle, proof.checkpoint))
  steps.push(blockTimeStep(bundle))
  steps.push(bundleRelatedStep(bundle))
  return steps
}

function bundleCommitmentStep(b: Pick<EvidenceBundle, 'statement' | 'redacted' | 'record' | 'salt'>, step: StepName = 'commitment'): StepResult {
  const claimed = isStatement(b.statement) ? b.statement.commitment : null
  if (claimed === null) return { step, ok: false, detail: 'statement is not a v1 statement' }
  if (b.redacted) {
    if (b.record !== null || b.salt !== null) return { step, ok: false, detail: 'bundle says redacted but carries a record' }
    return { step, ok: null, detail: `record and salt were erased (right to erasure); the commitment ${claimed} stays on the log` }
  }
  if ((b.record === null || b.record === undefined) && (b.salt === null || b.salt === undefined)) {
    return { step, ok: null, detail: `record not in the bundle (hash-only entry, or not shown to this holder); compare ${claimed} with the holder's own copy` }
  }
  if (typeof b.salt !== 'string' || b.record === null || b.record === undefined) return { step, ok: false, detail: 'record or salt is missing' }
  let computed: string
  try {
    const salt = fromBase64(b.salt)
    computed = recordCommitment(salt, b.record)
  } catch (e) {
    return { step, ok: false, detail: `cannot recompute the commitment: ${(e as Error).message}` }
  }
  return computed === claimed
    ? { step, ok: true, detail: `record + salt hash to ${computed}, as the statement says` }
    : { step, ok: false, detail: `record + salt hash to ${computed}, the statement says ${claimed}` }
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

/**
 * The ledger stamps every statement of a block with the block's time (chain/integrate.ts),
 * and the statement is what the leaf hash signs: a header whose time differs was edited.
 */
function blockTimeStep(b: EvidenceBundle): StepResult {
  const h = b.block
  if (typeof h !== 'object' || h === null || !isStatement(b.statement)) return { step: 'block-time', ok: false, detail: '区块头或陈述缺失 · block header or statement is missing' }
  return h.time === b.statement.time
    ? { step: 'block-time', ok: true, detail: `区块时间 ${h.time} 等于条目上链时间 · block time equals the entry's ledger time (the operator's clock)` }
    : { step: 'block-time', ok: false, detail: `区块头时间 ${String(h.time)} 与条目上链时间 ${b.statement.time} 不一致 · the block header's time differs from the statement's ledger time` }
}

function bundleRelatedStep(b: EvidenceBundleV1): StepResult {
  if (!Array.isArray(b.related)) return { step: 'related', ok: false, detail: 'related is not a list' }
  if (b.related.length === 0) return { step: 'related', ok: null, detail: 'no later entries refer to this one' }
  const bad = b.related.findIndex((s) => !isStatement(s) || !s.refs.includes(b.entry.leafHash))
  if (bad >= 0) return { step: 'related', ok: false, detail: `related statement ${bad} does not ref this entry's leaf hash` }
  const kinds = b.related.map((s) => `${s.kind} ${s.id} at ${s.time}`).join('; ')
  return { step: 'related', ok: true, detail: `${b.related.length} later statement(s) bound to this entry by its leaf hash: ${kinds} (bundle v1: not proven, not signed as complete; ask for a v2 bundle)` }
}

/** The claims a v2 bundle states, rebuilt from its own fields: what the ledger must have signed. */
export function bundleClaims(b: EvidenceBundleV2): BundleClaims {
  const cp = parseCheckpointNote(b.checkpoint).checkpoint
  return {
    v: 1,
    entry: { index: b.entry.index, leafHash: b.entry.leafHash },
    block: { height: b.block.height, hash: blockHash(b.block) },
    checkpoint: { origin: cp.origin, size: cp.size, root: bytesToHex(cp.root) },
    related: b.related.map((r) => r.entry.leafHash),
    redacted: b.redacted,
    issuedAt: b.issuedAt,
    consent: b.consent,
  }
}

function verifyBundleV2(b: EvidenceBundleV2, vkey: string | VerifierKey): StepResult[] {
  const commitment = bundleCommitmentStep(b)
  const steps: StepResult[] = [commitment]
  const proof = verifyEntryProof(b, vkey)
  steps.push(...proof.steps)
  steps.push(blockStepV2(b, proof.checkpoint, vkey))
  steps.push(blockTimeStep(b))
  const related = Array.isArray(b.related) ? b.related : []
  const relatedSteps = related.map((r, i) => relatedEntryStep(b, r, i, related, proof.checkpoint))
  steps.push(...(relatedSteps.length > 0 ? relatedSteps : [{ step: 'related', ok: null, detail: '截至该检查点没有条目引用本条目 · no entry refers to this one as of the checkpoint' } as const]))
  steps.push(claimsStep(b, vkey))
  // Only proven related entries count for the state a court decides on.
  const proven = related.filter((_, i) => relatedSteps[i].ok === true).map((r) => r.statement)
  steps.push(redactionStep(b, proven))
  steps.push(consentStep(b, proven, commitment.ok === true))
  return steps
}

function blockStepV2(b: EvidenceBundleV2, issued: Checkpoint | null, vkey: string | VerifierKey): StepResult {
  const fail = (detail: string): StepResult => ({ step: 'block', ok: false, detail })
  const h = b.block
  if (typeof h !== 'object' || h === null) return fail('区块头缺失 · block header is missing')
  if (issued === null) return fail('没有已验证的检查点 · no verified checkpoint to prove the block against')
  const own = verifyCheckpoint(b.blockProof?.checkpoint ?? '', vkey)
  if (!own.ok) return fail(`区块自身检查点无效 · the block's own checkpoint: ${own.reason}`)
  const problem = checkBlockCheckpoint(h, own.checkpoint, issued.origin)
  if (problem !== null) return fail(`区块头与其签名检查点不一致（${problem}）· block header does not match its signed checkpoint (${problem})`)
  if (h.size !== h.first + h.count) return fail(`区块头自相矛盾 · block header: size ${h.size} ≠ first ${h.first} + count ${h.count}`)
  if (!(b.entry.index >= h.first && b.entry.index < h.first + h.count)) return fail(`条目 ${b.entry.index} 不在区块 ${h.height} 中 · entry is not in block ${h.height} (entries ${h.first}–${h.first + h.count - 1})`)
  const consistency = b.blockProof.consistency
  if (!Array.isArray(consistency) || !consistency.every(isHash)) return fail('一致性证明格式错误 · consistency proof is malformed')
  if (!verifyConsistency(own.checkpoint.size, issued.size, consistency.map(hexToBytes), own.checkpoint.root, issued.root)) {
    return fail(`区块检查点（${own.checkpoint.size}）与出具检查点（${issued.size}）不一致 · the block's tree is not a prefix of the checkpoint's tree`)
  }
  return {
    step: 'block', ok: true,
    detail: `区块 ${h.height}（哈希 ${blockHash(h)}）含条目 ${h.first}–${h.first + h.count - 1}，其签名检查点（树大小 ${h.size}）与出具检查点一致 · block ${h.height} is signed by its own checkpoint and consistent with the bundle's checkpoint`,
  }
}

function relatedEntryStep(b: EvidenceBundleV2, r: RelatedEntry, i: number, all: readonly RelatedEntry[], checkpoint: Checkpoint | null): StepResult {
  const fail = (detail: string): StepResult => ({ step: 'related', ok: false, detail: `关联条目 ${i + 1}：${detail}` })
  if (typeof r !== 'object' || r === null || !isStatement(r.statement)) return fail('陈述格式错误 · not a v1 statement')
  const s = r.statement
  const leaf = statementLeafHash(s)
  if (!isHash(r.entry?.leafHash) || !equalBytes(leaf, hexToBytes(r.entry.leafHash))) return fail(`陈述的叶哈希为 ${bytesToHex(leaf)}，与所称不符 · statement does not hash to its leaf`)
  if (!s.refs.includes(b.entry.leafHash)) return fail('未引用本条目 · does not ref this entry\'s leaf hash')
  if (!(r.entry.index > b.entry.index)) return fail('序号不在本条目之后 · is not a later entry')
  if (i > 0 && !(r.entry.index > all[i - 1].entry.index)) return fail('关联条目未按日志顺序排列或重复 · related entries are not in log order')
  const inclusion = inclusionStep('related', leaf, r.entry.index, r.inclusion, checkpoint)
  if (inclusion.ok !== true) return fail(`包含证明失败 · ${inclusion.detail}`)
  const commitment = bundleCommitmentStep({ statement: s, redacted: false, record: r.record ?? null, salt: r.salt ?? null }, 'related')
  if (commitment.ok === false) return fail(`记录与承诺值不符 · ${commitment.detail}`)
  const record = commitment.ok === true ? '，记录与承诺值一致 · record matches' : ''
  return {
    step: 'related', ok: true,
    detail: `关联条目 ${i + 1}：${s.kind} ${s.id}，上链时间 ${s.time}，条目 ${r.entry.index} 已包含于同一检查点${record} · ${s.kind} ${s.id} at ${s.time} is proven to the same checkpoint`,
  }
}

function claimsStep(b: EvidenceBundleV2, vkey: string | VerifierKey): StepResult {
  const fail = (detail: string): StepResult => ({ step: 'claims', ok: false, detail })
  let key: VerifierKey
  let claims: BundleClaims
  try {
    key = typeof vkey === 'string' ? parseVkey(vkey) : vkey
    claims = bundleClaims(b)
  } catch (e) {
    return fail(`无法重建签名声明 · cannot rebuild the claims: ${(e as Error).message}`)
  }
  const sig = b.claimsSignature
  if (typeof sig !== 'object' || sig === null || typeof sig.signature !== 'string') return fail('缺少账本签名 · the claims signature is missing')
  if (sig.keyId !== bytesToHex(key.keyId)) return fail(`声明签名密钥 ${String(sig.keyId)} 不是所给公钥 · the claims are not signed by ${key.name}+${bytesToHex(key.keyId)}`)
  let signature: Uint8Array
  try {
    signature = fromBase64(sig.signature)
  } catch {
    return fail('签名编码错误 · the signature is not base64')
  }
  if (signature.length !== 64 || !safeVerify(signature, claimsMessage(claims), key.publicKey)) {
    return fail('账本签名与证据包内容不符：关联条目、出具时间、删除或授权状态被改动 · the ledger\'s signature does not cover these claims (a related entry, the issue time, the erasure or consent state was changed)')
  }
  return {
    step: 'claims', ok: true,
    detail: `账本签名：截至检查点 ${claims.checkpoint.size}，引用本条目的全部条目共 ${claims.related.length} 条 · signed by ${key.name}: these are all ${claims.related.length} entries referring to this one as of checkpoint ${claims.checkpoint.size}`,
  }
}

function redactionStep(b: EvidenceBundleV2, proven: readonly Statement[]): StepResult {
  const erased = proven.some((s) => s.kind === 'redaction')
  if (b.redacted !== erased) {
    return { step: 'redaction', ok: false, detail: `证据包称${b.redacted ? '已删除' : '未删除'}，已证明的关联条目${erased ? '含' : '不含'}删除记录 · redacted says ${String(b.redacted)}, the proven entries say ${String(erased)}` }
  }
  return erased
    ? { step: 'redaction', ok: true, detail: '原始记录已依法删除，删除记录已证明；承诺值仍在账本上 · the record was erased (proven redaction entry); its commitment stays' }
    : { step: 'redaction', ok: null, detail: '无删除记录 · no redaction' }
}

/** Consent status at `at`, recomputed from what the bundle proves (the record only if its commitment passed). */
export function provenConsent(b: EvidenceBundleV2, proven: readonly Statement[], recordProven: boolean, at: string): BundleConsent {
  return bundleConsent({
    authorizedAt: b.statement.time,
    terms: recordProven ? termsOf(b.record) : null,
    revocationTimes: proven.filter((s) => s.kind === 'authorization-revocation').map((s) => s.time),
    at,
  })
}

function consentStep(b: EvidenceBundleV2, proven: readonly Statement[], recordProven: boolean): StepResult {
  if (!isStatement(b.statement) || b.statement.kind !== 'data-authorization') {
    return b.consent === null || b.consent === undefined
      ? { step: 'consent', ok: null, detail: '非数据授权 · not a data authorization' }
      : { step: 'consent', ok: false, detail: '非数据授权却声明了授权状态 · a consent status is stated for an entry that is not a data authorization' }
  }
  const stated = b.consent
  if (typeof stated !== 'object' || stated === null) return { step: 'consent', ok: false, detail: '缺少授权状态声明 · the consent status is missing' }
  const computed = provenConsent(b, proven, recordProven, b.issuedAt)
  const same = stated.status === computed.status && stated.revokedAt === computed.revokedAt && stated.at === b.issuedAt && stated.rule === computed.rule
  if (!same) {
    return { step: 'consent', ok: false, detail: `声明的状态 ${String(stated.status)}（撤回 ${String(stated.revokedAt)}）与证明推出的 ${computed.status}（撤回 ${String(computed.revokedAt)}）不符 · stated status disagrees with what the bundle proves` }
  }
  const revoked = computed.revokedAt === null ? '' : `，撤回上链时间 ${computed.revokedAt}`
  return { step: 'consent', ok: true, detail: `出具时（${b.issuedAt}）授权状态：${computed.status}${revoked}；规则 ${computed.rule} · recomputed from the proven statements` }
}
