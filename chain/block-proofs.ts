// Receipts of a block just written, without reading anything back (see BlockProofs).
import { bytesToHex } from './encoding.ts'
import { nodeHash } from './hash.ts'
import type { StoredNode } from './tree.ts'

/**
 * Inclusion proofs, as hex, for the entries of a block just built: RFC 9162 PATH(m, D[n])
 * read bottom-up in the aligned tree. At each level the sibling of m's subtree is either a
 * perfect subtree (created by this block, or on the old right edge `frontier`), or the one
 * incomplete subtree on the right edge of size n, or absent (then the level is skipped).
 * Per level, the block creates consecutive node indexes and the old edge has at most one
 * node, so lookups are array reads; each hash is hex-encoded once for the whole block.
 */
export class BlockProofs {
  readonly #size: number
  /** Per level: index of the first node the block created, its hashes, their hex. */
  readonly #firstIndex: number[] = []
  readonly #created: Uint8Array[][] = []
  readonly #createdHex: (string | undefined)[][] = []
  /** Per level: the old right edge's node there, if any, and its hex. */
  readonly #frontier: (StoredNode | undefined)[] = []
  readonly #frontierHex: (string | undefined)[] = []
  /** Hex MTH of the right-edge subtree at each level (the one holding leaf size − 1). */
  readonly #edge: string[] = []

  constructor(size: number, frontier: readonly StoredNode[], created: readonly StoredNode[]) {
    this.#size = size
    for (const n of frontier) this.#frontier[n.id.level] = n
    for (const n of created) {
      const { level, index } = n.id
      const list = (this.#created[level] ??= [])
      if (list.length === 0) this.#firstIndex[level] = index
      else if (index !== this.#firstIndex[level] + list.length) throw new Error(`block nodes of level ${level} are not consecutive`)
      list.push(n.hash)
    }
    for (let level = 0; level < this.#created.length; level++) {
      this.#created[level] ??= []
      this.#createdHex[level] = new Array<string | undefined>(this.#created[level].length)
    }
    let edge = this.#node(0, size - 1)
    this.#edge.push(bytesToHex(edge))
    for (let level = 1, width = 2; width / 2 < size; level++, width *= 2) {
      const j = Math.floor((size - 1) / width)
      const start = j * width
      if (start + width <= size) edge = this.#node(level, j)
      else if (start + width / 2 < size) edge = nodeHash(this.#node(level - 1, 2 * j), edge)
      this.#edge.push(bytesToHex(edge))
    }
  }

  inclusion(index: number): string[] {
    const size = this.#size
    const out: string[] = []
    for (let level = 0, width = 1; width < size; level++, width *= 2) {
      const j = Math.floor(index / width)
      const sibling = j % 2 === 0 ? j + 1 : j - 1
      const start = sibling * width
      if (start >= size) continue
      out.push(start + width <= size ? this.#nodeHex(level, sibling) : this.#edge[level])
    }
    return out
  }

  #node(level: number, index: number): Uint8Array {
    const k = index - this.#firstIndex[level]
    const list = this.#created[level]
    if (list !== undefined && k >= 0 && k < list.length) return list[k]
    const f = this.#frontier[level]
    if (f !== undefined && f.id.index === index) return f.hash
    throw new Error(`block proof needs node level ${level} index ${index}, which the block did not produce`)
  }

  #nodeHex(level: number, index: number): string {
    const k = index - this.#firstIndex[level]
    const hex = this.#createdHex[level]
    if (hex !== undefined && k >= 0 && k < hex.length) return (hex[k] ??= bytesToHex(this.#created[level][k]))
    const f = this.#frontier[level]
    if (f !== undefined && f.id.index === index) return (this.#frontierHex[level] ??= bytesToHex(f.hash))
    throw new Error(`block proof needs node level ${level} index ${index}, which the block did not produce`)
  }
}
