// An in-memory NodeReader fed by CompactRange.append, so tree math can be checked against
// vectors without storage.
import { CompactRange, type NodeId, type NodeReader } from '../../chain/tree.ts'

export class MemoryNodes implements NodeReader {
  readonly range = new CompactRange(0, [])
  readonly #nodes = new Map<string, Uint8Array>()

  append(leafHash: Uint8Array): void {
    for (const n of this.range.append(leafHash)) this.#nodes.set(`${n.id.level}:${n.id.index}`, n.hash)
  }

  async readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map((id) => {
      const h = this.#nodes.get(`${id.level}:${id.index}`)
      if (!h) throw new Error(`missing node ${id.level}:${id.index}`)
      return h
    })
  }
}
