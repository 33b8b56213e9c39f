// RFC 9162 §2.1 Merkle tree math. Every subtree a proof needs is an RFC "MTH(D[a:b])";
// each of those splits into at most log2(n) perfect, aligned subtrees, which are exactly
// what the store keeps. So any root, inclusion or consistency proof at any historic size
// costs one batched read of O(log n) stored nodes, never a rebuild.
import { EMPTY_ROOT, nodeHash } from './hash.ts'

/** A perfect subtree: covers leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodeId {
  level: number
  index: number
}

/** Half-open leaf range [begin, end). */
export interface LeafRange {
  begin: number
  end: number
}

export interface NodeReader {
  /** Hashes of the given perfect subtrees, in order. Must throw if one is missing. */
  readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]>
}

export interface StoredNode {
  id: NodeId
  hash: Uint8Array
}

/** Largest power of two strictly below n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** The maximal perfect aligned subtrees covering [begin, end), left to right. */
export function rangeNodes(begin: number, end: number): NodeId[] {
  const out: NodeId[] = []
  while (begin < end) {
    let size = 1
    let level = 0
    while (begin % (size * 2) === 0 && begin + size * 2 <= end) {
      size *= 2
      level++
    }
    out.push({ level, index: begin / size })
    begin += size
  }
  return out
}

/**
 * Combines the perfect subtrees of an RFC subtree range into its MTH. They shrink left to
 * right, so RFC 9162's "split at the largest power of two" is a fold from the right.
 */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return EMPTY_ROOT
  let h = hashes[hashes.length - 1]
  for (let i = hashes.length - 2; i >= 0; i--) h = nodeHash(hashes[i], h)
  return h
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) as the leaf ranges whose MTHs form it, leaf-side first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  checkIndex(index, size)
  const out: LeafRange[] = []
  let lo = 0
  let hi = size
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo)
    if (index < lo + k) {
      out.push({ begin: lo + k, end: hi })
      hi = lo + k
    } else {
      out.push({ begin: lo, end: lo + k })
      lo += k
    }
  }
  return out.reverse()
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) as leaf ranges, in proof order. Empty for m = 0 or m = n. */
export function consistencyRanges(from: number, to: number): LeafRange[] {
  checkSizes(from, to)
  const out: LeafRange[] = []
  if (from === 0 || from === to) return out
  let lo = 0
  let hi = to
  let m = from
  let complete = true
  for (;;) {
    if (m === hi - lo) {
      if (!complete) out.push({ begin: lo, end: hi })
      break
    }
    const k = splitPoint(hi - lo)
    if (m <= k) {
      out.push({ begin: lo + k, end: hi })
      hi = lo + k
    } else {
      out.push({ begin: lo, end: lo + k })
      lo += k
      m -= k
      complete = false
    }
  }
  return out.reverse()
}

/** MTHs of several ranges from one batched read. */
export async function hashRanges(reader: NodeReader, ranges: readonly LeafRange[]): Promise<Uint8Array[]> {
  const perRange = ranges.map((r) => rangeNodes(r.begin, r.end))
  const hashes = await reader.readNodes(perRange.flat())
  let off = 0
  return perRange.map((ids) => {
    const part = hashes.slice(off, off + ids.length)
    off += ids.length
    return foldRange(part)
  })
}

export async function rootAt(reader: NodeReader, size: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad tree size ${size}`)
  if (size === 0) return EMPTY_ROOT
  const [root] = await hashRanges(reader, [{ begin: 0, end: size }])
  return root
}

export function inclusionProof(reader: NodeReader, index: number, size: number): Promise<Uint8Array[]> {
  return hashRanges(reader, inclusionRanges(index, size))
}

export function consistencyProof(reader: NodeReader, from: number, to: number): Promise<Uint8Array[]> {
  return hashRanges(reader, consistencyRanges(from, to))
}

/**
 * The right edge of the tree (RFC 9162's "compact range" of [0, size)): enough to append
 * leaves and compute the root without reading anything back.
 */
export class CompactRange {
  #size: number
  #nodes: StoredNode[]

  constructor(size: number, nodes: StoredNode[]) {
    const expected = rangeNodes(0, size)
    if (expected.length !== nodes.length ||
        expected.some((id, i) => id.level !== nodes[i].id.level || id.index !== nodes[i].id.index)) {
      throw new Error(`compact range does not match tree size ${size}`)
    }
    this.#size = size
    this.#nodes = nodes.slice()
  }

  static async load(reader: NodeReader, size: number): Promise<CompactRange> {
    const ids = rangeNodes(0, size)
    const hashes = await reader.readNodes(ids)
    return new CompactRange(size, ids.map((id, i) => ({ id, hash: hashes[i] })))
  }

  get size(): number {
    return this.#size
  }

  /** Appends one leaf; returns every perfect subtree it completes (the leaf itself first). */
  append(leaf: Uint8Array): StoredNode[] {
    const created: StoredNode[] = [{ id: { level: 0, index: this.#size }, hash: leaf }]
    this.#nodes.push(created[0])
    for (;;) {
      const n = this.#nodes.length
      if (n < 2) break
      const right = this.#nodes[n - 1]
      const left = this.#nodes[n - 2]
      if (left.id.level !== right.id.level) break
      const merged: StoredNode = {
        id: { level: left.id.level + 1, index: left.id.index / 2 },
        hash: nodeHash(left.hash, right.hash),
      }
      this.#nodes.splice(n - 2, 2, merged)
      created.push(merged)
    }
    this.#size++
    return created
  }

  root(): Uint8Array {
    return foldRange(this.#nodes.map((n) => n.hash))
  }

  /** The perfect subtrees of the right edge, left to right. */
  nodes(): StoredNode[] {
    return this.#nodes.slice()
  }

  clone(): CompactRange {
    return new CompactRange(this.#size, this.#nodes)
  }
}

/** Reference MTH straight from RFC 9162's recursive definition (tests, tiny trees). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_ROOT
  if (leaves.length === 1) return leaves[0]
  const k = splitPoint(leaves.length)
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)))
}

function checkIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`bad tree size ${size}`)
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`index ${index} is outside a tree of size ${size}`)
  }
}

function checkSizes(from: number, to: number): void {
  if (!Number.isSafeInteger(to) || to < 0) throw new RangeError(`bad tree size ${to}`)
  if (!Number.isSafeInteger(from) || from < 0 || from > to) {
    throw new RangeError(`consistency needs 0 ≤ from ≤ to, got ${from} and ${to}`)
  }
}
