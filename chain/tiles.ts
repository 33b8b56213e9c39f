// C2SP tlog-tiles math, isomorphic: tile coordinates and paths, which tiles a tree size
// implies, the stored nodes a tile is made of, recomputing any subtree (and so the root)
// from tiles, and the entry-bundle encoding. No I/O: the ledger's /tlog routes, a mirror and
// a browser client all build on these.
//
// A tile at level L, index N holds up to 256 hashes; hash i is MTH of leaves
// [(N·256 + i)·256^L, (N·256 + i + 1)·256^L), i.e. the tree node at height 8L, index N·256 + i.
import { leafHash } from './hash.ts'
import { foldRange, merkleRoot, rangeNodes, type NodeId } from './tree.ts'

export const TILE_HEIGHT = 8
export const TILE_WIDTH = 256
export const HASH_SIZE = 32
const MAX_LEVEL = 63

export interface TileId {
  /** 0–63 for hash tiles; entry bundles use level 0 with `entries: true`. */
  level: number
  index: number
  /** 1–256; 256 is a full tile. */
  width: number
  entries?: boolean
}

/** 1234067 → "x001/x234/067": 3-digit groups, all but the last prefixed with "x". */
export function formatTileIndex(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad tile index ${n}`)
  const groups: string[] = []
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'))
    n = Math.floor(n / 1000)
  } while (n > 0)
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/')
}

export function parseTileIndex(path: string): number {
  const parts = path.split('/')
  let n = 0
  parts.forEach((p, i) => {
    const last = i === parts.length - 1
    const m = (last ? /^([0-9]{3})$/ : /^x([0-9]{3})$/).exec(p)
    if (m === null) throw new RangeError(`bad tile index path "${path}"`)
    n = n * 1000 + Number(m[1])
  })
  // The encoding has exactly one spelling per number: no leading "x000" groups.
  if (formatTileIndex(n) !== path || !Number.isSafeInteger(n)) throw new RangeError(`bad tile index path "${path}"`)
  return n
}

/** "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]", relative to the log's prefix. */
export function tilePath(t: TileId): string {
  checkTile(t)
  const partial = t.width < TILE_WIDTH ? `.p/${t.width}` : ''
  return `tile/${t.entries ? 'entries' : t.level}/${formatTileIndex(t.index)}${partial}`
}

export function parseTilePath(path: string): TileId {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path)
  if (m === null) throw new RangeError(`not a tile path: "${path}"`)
  const entries = m[1] === 'entries'
  const level = entries ? 0 : Number(m[1])
  const width = m[3] === undefined ? TILE_WIDTH : Number(m[3])
  if (level > MAX_LEVEL) throw new RangeError(`tile level ${level} is above ${MAX_LEVEL}`)
  if (m[3] !== undefined && width >= TILE_WIDTH) throw new RangeError(`partial tile width ${width} must be 1–255`)
  return { level, index: parseTileIndex(m[2]), width, ...(entries ? { entries } : {}) }
}

function checkTile(t: TileId): void {
  if (!Number.isInteger(t.level) || t.level < 0 || t.level > MAX_LEVEL) throw new RangeError(`bad tile level ${t.level}`)
  if (t.entries && t.level !== 0) throw new RangeError('entry bundles are level 0')
  if (!Number.isSafeInteger(t.index) || t.index < 0) throw new RangeError(`bad tile index ${t.index}`)
  if (!Number.isInteger(t.width) || t.width < 1 || t.width > TILE_WIDTH) throw new RangeError(`bad tile width ${t.width}`)
}

/** 256^level, exact while it fits a safe integer (level ≤ 6). */
function span(level: number): number {
  return 2 ** (TILE_HEIGHT * level)
}

/** Hashes at tile level `level` in a tree of `size` leaves: floor(size / 256^level). */
export function hashesAtLevel(size: number, level: number): number {
  return Math.floor(size / span(level))
}

/** The tile (full or partial) at (level, index) as a tree of `size` implies it, or null if it has no hashes. */
export function tileForSize(size: number, level: number, index: number): TileId | null {
  const w = Math.min(TILE_WIDTH, hashesAtLevel(size, level) - index * TILE_WIDTH)
  return w > 0 ? { level, index, width: w } : null
}

/**
 * Every tile a tree of `size` has, level by level: full tiles and at most one partial one
 * per level. (70,000 leaves: 273 full + one of 112 at level 0, one full + one of 17 at
 * level 1, one of 1 at level 2.)
 */
export function tilesForSize(size: number): TileId[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad tree size ${size}`)
  const out: TileId[] = []
  for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
    const n = hashesAtLevel(size, level)
    for (let index = 0; index * TILE_WIDTH < n; index++) out.push(tileForSize(size, level, index)!)
  }
  return out
}

/** The stored tree nodes (perfect subtrees) that make up a tile, in order: what a server reads to serve it. */
export function tileNodeIds(t: TileId): NodeId[] {
  checkTile(t)
  const level = TILE_HEIGHT * t.level
  return Array.from({ length: t.width }, (_, i) => ({ level, index: t.index * TILE_WIDTH + i }))
}

/** Concatenated hashes → list, checking the byte length matches the width. */
export function splitTile(bytes: Uint8Array, width: number): Uint8Array[] {
  if (bytes.length !== width * HASH_SIZE) throw new RangeError(`tile of width ${width} must be ${width * HASH_SIZE} bytes, got ${bytes.length}`)
  return Array.from({ length: width }, (_, i) => bytes.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE))
}

export function joinTile(hashes: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE)
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE) throw new RangeError('tile hashes are 32 bytes')
    out.set(h, i * HASH_SIZE)
  })
  return out
}

/** A full tile's 256 hashes hashed up 8 levels: the corresponding hash in the tile above. */
export function fullTileRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length !== TILE_WIDTH) throw new RangeError('only a full tile hashes into the level above')
  return merkleRoot(hashes)
}

/** Level-0 tile hashes of an entry bundle: RFC 6962 leaf hashes. */
export function levelZeroHashes(entries: readonly Uint8Array[]): Uint8Array[] {
  return entries.map((e) => leafHash(e))
}

export type TileReader = (t: TileId) => Promise<Uint8Array[]>

/**
 * Any perfect subtree from tiles: a node at height h sits in the tile at level floor(h/8)
 * as 2^(h mod 8) consecutive hashes (aligned, so within one tile), hashed up.
 */
export async function nodeFromTiles(size: number, id: NodeId, read: TileReader): Promise<Uint8Array> {
  if ((id.index + 1) * 2 ** id.level > size) throw new RangeError(`node ${id.level}/${id.index} is not complete in a tree of ${size}`)
  const level = Math.floor(id.level / TILE_HEIGHT)
  const s = id.level - TILE_HEIGHT * level
  const first = id.index * 2 ** s
  const index = Math.floor(first / TILE_WIDTH)
  const tile = tileForSize(size, level, index)!
  const hashes = await read(tile)
  if (hashes.length !== tile.width) throw new RangeError(`tile ${tilePath(tile)} has ${hashes.length} hashes, expected ${tile.width}`)
  const off = first - index * TILE_WIDTH
  return merkleRoot(hashes.slice(off, off + 2 ** s))
}

/** The RFC 6962 root of a tree of `size` from its tiles alone (what a tile client verifies a checkpoint with). */
export async function rootFromTiles(size: number, read: TileReader): Promise<Uint8Array> {
  if (size === 0) return foldRange([])
  const nodes = await Promise.all(rangeNodes(0, size).map((id) => nodeFromTiles(size, id, read)))
  return foldRange(nodes)
}

const MAX_ENTRY = 0xffff

/** Entry bundle: each entry as big-endian uint16 length ‖ bytes. */
export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  let len = 0
  for (const e of entries) {
    if (e.length > MAX_ENTRY) throw new RangeError(`entry of ${e.length} bytes does not fit a uint16 length prefix`)
    len += 2 + e.length
  }
  const out = new Uint8Array(len)
  let off = 0
  for (const e of entries) {
    out[off] = e.length >> 8
    out[off + 1] = e.length & 0xff
    out.set(e, off + 2)
    off += 2 + e.length
  }
  return out
}

export function decodeBundle(bytes: Uint8Array, width?: number): Uint8Array[] {
  const out: Uint8Array[] = []
  let off = 0
  while (off < bytes.length) {
    if (off + 2 > bytes.length) throw new RangeError('entry bundle ends inside a length prefix')
    const n = (bytes[off] << 8) | bytes[off + 1]
    if (off + 2 + n > bytes.length) throw new RangeError('entry bundle ends inside an entry')
    out.push(bytes.slice(off + 2, off + 2 + n))
    off += 2 + n
  }
  if (width !== undefined && out.length !== width) throw new RangeError(`entry bundle of width ${width} holds ${out.length} entries`)
  return out
}
