// Block and checkpoint rules (docs/formats.md), written once: what a block header is, how
// it hashes, how a block links to the one before, and that its checkpoint commits to the
// same tree. The log's open, the audit, the restore and the bundle verifier all ask here,
// each getting back WHICH rule failed so it can say so in its own words. Isomorphic.
import { bytesToHex, equalBytes, isHash, utf8Decoder } from './encoding.ts'
import { sha256 } from './hash.ts'
import { canonicalBytes } from './jcs.ts'
import type { Checkpoint } from './note.ts'

export interface BlockHeader {
  height: number
  prev: string
  first: number
  count: number
  size: number
  root: string
  time: string
}

export const GENESIS_PREV = '0'.repeat(64)

/** The header as stored and hashed: RFC 8785 canonical JSON. */
export function encodeBlockHeader(header: BlockHeader): Uint8Array {
  return canonicalBytes(header)
}

export function blockHash(header: BlockHeader): string {
  return headerBytesHash(encodeBlockHeader(header))
}

/** The block hash straight from header bytes parseBlockHeader accepted (they are canonical). */
export function headerBytesHash(bytes: Uint8Array): string {
  return bytesToHex(sha256(bytes))
}

export type HeaderProblem = 'json' | 'canonical' | 'shape'

/** Stored or received header bytes: valid UTF-8 JSON, canonical, and exactly a header's fields. */
export function parseBlockHeader(bytes: Uint8Array): { ok: true; header: BlockHeader } | { ok: false; problem: HeaderProblem } {
  let value: unknown
  try {
    value = JSON.parse(utf8Decoder.decode(bytes))
  } catch {
    return { ok: false, problem: 'json' }
  }
  let canonical: Uint8Array
  try {
    canonical = canonicalBytes(value)
  } catch {
    // Lone surrogates: JSON may spell them, canonical JSON may not.
    return { ok: false, problem: 'canonical' }
  }
  if (!equalBytes(canonical, bytes)) return { ok: false, problem: 'canonical' }
  return isBlockHeader(value) ? { ok: true, header: value } : { ok: false, problem: 'shape' }
}

const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0

function isBlockHeader(value: unknown): value is BlockHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const h = value as Record<string, unknown>
  // Canonical JSON sorts its keys, so this join is the one spelling of exactly these fields.
  return Object.keys(h).join(',') === 'count,first,height,prev,root,size,time' &&
    count(h.height) && count(h.first) && count(h.count) && count(h.size) &&
    isHash(h.prev) && isHash(h.root) && typeof h.time === 'string'
}

export type LinkProblem = 'prev' | 'height' | 'first' | 'size'

/**
 * How `header` fails to follow `prev` (null: it must be the genesis block), or null when it
 * follows. The prev hash is checked first: when it differs, the earlier header's bytes are
 * the likelier culprit, and callers say so. `prevHash` saves rehashing a known header.
 */
export function checkBlockLink(prev: BlockHeader | null, header: BlockHeader, prevHash?: string): LinkProblem | null {
  if (prev === null) {
    if (header.prev !== GENESIS_PREV) return 'prev'
    if (header.height !== 0) return 'height'
    if (header.first !== 0) return 'first'
    return header.size === header.count ? null : 'size'
  }
  if (header.prev !== (prevHash ?? blockHash(prev))) return 'prev'
  if (header.height !== prev.height + 1) return 'height'
  if (header.first !== prev.size) return 'first'
  return header.size === prev.size + header.count ? null : 'size'
}

export function verifyBlockLink(prev: BlockHeader | null, header: BlockHeader): boolean {
  return checkBlockLink(prev, header) === null
}

export type CheckpointProblem = 'size' | 'root' | 'origin'

/** How a block's checkpoint fails to commit to the block's tree (and log origin, if given). */
export function checkBlockCheckpoint(
  header: Pick<BlockHeader, 'size' | 'root'>, checkpoint: Checkpoint, origin?: string,
): CheckpointProblem | null {
  if (checkpoint.size !== header.size) return 'size'
  if (bytesToHex(checkpoint.root) !== header.root) return 'root'
  return origin === undefined || checkpoint.origin === origin ? null : 'origin'
}
