// The log's memory of tree nodes, so proofs near the head and open-time checks read little.
import { HASH_SIZE } from './hash.ts'

// Upper tree levels are few and hot: keep them forever. Lower ones only for recent blocks:
// the newest RECENT_LEAVES >> level nodes of each level below PINNED_LEVEL.
export const PINNED_LEVEL = 8
const RECENT_LEAVES = 1 << 16

/**
 * Tree nodes in memory without an object per node: one flat buffer of hashes per level.
 * Levels ≥ PINNED_LEVEL keep every node seen (a 2^-level fraction of the leaves); lower
 * levels are rings of the newest RECENT_LEAVES >> level nodes. Reads return copies, so a
 * later overwrite of a ring slot never changes a hash a caller holds.
 */
export class NodeCache {
  #hashes: Uint8Array[] = []
  /** index + 1 of the node in each slot; 0 = empty. */
  #tags: Float64Array[] = []

  get(level: number, index: number): Uint8Array | undefined {
    const tags = this.#tags[level]
    if (tags === undefined) return undefined
    const slot = index % tags.length
    if (tags[slot] !== index + 1) return undefined
    return this.#hashes[level].slice(slot * HASH_SIZE, (slot + 1) * HASH_SIZE)
  }

  set(level: number, index: number, hash: Uint8Array): void {
    let tags = this.#tags[level]
    if (level >= PINNED_LEVEL) {
      if (tags === undefined || index >= tags.length) tags = this.#grow(level, index + 1)
    } else if (tags === undefined) {
      tags = this.#grow(level, Math.max(1, RECENT_LEAVES >> level))
    }
    const slot = index % tags.length
    tags[slot] = index + 1
    this.#hashes[level].set(hash, slot * HASH_SIZE)
  }

  /** Bytes its buffers hold (hashes and tags), for memory reports. */
  get bytes(): number {
    let n = 0
    for (let level = 0; level < this.#tags.length; level++) n += (this.#tags[level]?.byteLength ?? 0) + (this.#hashes[level]?.byteLength ?? 0)
    return n
  }

  #grow(level: number, min: number): Float64Array {
    let n = Math.max(64, this.#tags[level]?.length ?? 0)
    while (n < min) n *= 2
    const tags = new Float64Array(n)
    const hashes = new Uint8Array(n * HASH_SIZE)
    // Pinned levels only grow, and their slot is the index itself: old slots keep their place.
    if (this.#tags[level]) {
      tags.set(this.#tags[level])
      hashes.set(this.#hashes[level])
    }
    this.#tags[level] = tags
    this.#hashes[level] = hashes
    return tags
  }
}
