// tlog-tiles math against the spec's own examples and its formal definition
// (tile L/N hash i = MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L]), computed here with
// the RFC's recursive MTH over leaf slices, not with the tile code).
import t from 'tap'
// node:crypto SHA-256 behind chain/hash.ts: the reference MTHs over 70,000 leaves are slow in pure JS.
import '../../chain/hash-node.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { leafHash } from '../../chain/hash.ts'
import { merkleRoot } from '../../chain/tree.ts'
import {
  decodeBundle, encodeBundle, formatTileIndex, fullTileRoot, joinTile, levelZeroHashes, nodeFromTiles, parseTileIndex,
  parseTilePath, rootFromTiles, splitTile, tileNodeIds, tilePath, tilesForSize, type TileId,
} from '../../chain/tiles.ts'
import { MemoryNodes } from '../helpers/memory-nodes.ts'

t.test('index path encoding: the spec example and edge cases', async (t) => {
  t.equal(formatTileIndex(1234067), 'x001/x234/067', 'spec example')
  t.equal(formatTileIndex(0), '000')
  t.equal(formatTileIndex(999), '999')
  t.equal(formatTileIndex(1000), 'x001/000')
  t.equal(formatTileIndex(1_000_000), 'x001/x000/000')
  for (const n of [0, 5, 999, 1000, 1234067, 2 ** 40]) t.equal(parseTileIndex(formatTileIndex(n)), n)
  for (const bad of ['1', '0001', 'x000/001', '001/002', 'x1/002', 'x001/x002', '']) t.throws(() => parseTileIndex(bad), bad)
})

t.test('tile paths', async (t) => {
  t.equal(tilePath({ level: 0, index: 1234067, width: 256 }), 'tile/0/x001/x234/067')
  t.equal(tilePath({ level: 2, index: 0, width: 1 }), 'tile/2/000.p/1')
  t.equal(tilePath({ level: 0, index: 273, width: 112, entries: true }), 'tile/entries/273.p/112')
  for (const p of ['tile/0/x001/x234/067', 'tile/63/000', 'tile/1/000.p/17', 'tile/entries/x001/000', 'tile/entries/000.p/255']) {
    t.equal(tilePath(parseTilePath(p)), p, p)
  }
  t.same(parseTilePath('tile/entries/001.p/9'), { level: 0, index: 1, width: 9, entries: true })
  for (const bad of ['tile/64/000', 'tile/01/000', 'tile/0/000.p/0', 'tile/0/000.p/256', 'tile/0/000.p/012', 'tile/0/1', 'tile/x/000', 'tile/0/000/']) {
    t.throws(() => parseTilePath(bad), bad)
  }
  t.throws(() => tilePath({ level: 1, index: 0, width: 1, entries: true }))
})

const summary = (tiles: TileId[]) => {
  const byLevel = new Map<number, { full: number; partial: number[] }>()
  for (const x of tiles) {
    const s = byLevel.get(x.level) ?? { full: 0, partial: [] }
    if (x.width === 256) s.full++
    else s.partial.push(x.width)
    byLevel.set(x.level, s)
  }
  return Object.fromEntries(byLevel)
}

t.test('which tiles a size implies: the spec\'s 70,000 and 256 examples', async (t) => {
  t.same(summary(tilesForSize(70_000)), { 0: { full: 273, partial: [112] }, 1: { full: 1, partial: [17] }, 2: { full: 0, partial: [1] } })
  t.same(summary(tilesForSize(256)), { 0: { full: 1, partial: [] }, 1: { full: 0, partial: [1] } })
  t.same(tilesForSize(0), [])
  t.same(tilesForSize(1), [{ level: 0, index: 0, width: 1 }])
})

// One tree of 70,000 entries, its tiles as the spec defines them, and as a server reads them.
const N = 70_000
const entries = Array.from({ length: N }, (_, i) => utf8ToBytes(`entry ${i}`))
const leaves = levelZeroHashes(entries)
const nodes = new MemoryNodes()
for (const l of leaves) nodes.append(l)

function specTile(tile: TileId): Uint8Array[] {
  const span = 256 ** tile.level
  return Array.from({ length: tile.width }, (_, i) => merkleRoot(leaves.slice((tile.index * 256 + i) * span, (tile.index * 256 + i + 1) * span)))
}

t.test('tiles read from stored nodes equal the spec definition, at every level', async (t) => {
  const sample = tilesForSize(N).filter((x) => x.level > 0 || x.index % 50 === 0 || x.width < 256)
  for (const tile of sample) t.same(await nodes.readNodes(tileNodeIds(tile)), specTile(tile), tilePath(tile))
  const l1 = specTile({ level: 1, index: 0, width: 256 })
  t.same(l1[3], fullTileRoot(specTile({ level: 0, index: 3, width: 256 })), 'a full tile hashes to its hash in the level above')
  t.throws(() => fullTileRoot(specTile({ level: 0, index: 273, width: 112 })), 'a partial tile never does')
})

t.test('a client that has only tiles recomputes the root of every size, partial tiles included', async (t) => {
  let reads = 0
  const server = async (tile: TileId) => {
    reads++
    // Over the wire: concatenated bytes, split again by the client.
    return splitTile(joinTile(await nodes.readNodes(tileNodeIds(tile))), tile.width)
  }
  for (const size of [1, 2, 3, 255, 256, 257, 511, 512, 1000, 65535, 65536, 65537, 69_999, 70_000]) {
    const expect = merkleRoot(leaves.slice(0, size))
    t.same(await rootFromTiles(size, server), expect, `size ${size}`)
  }
  t.ok(reads > 0)
  t.same(await nodeFromTiles(N, { level: 16, index: 0 }, server), merkleRoot(leaves.slice(0, 65536)), 'a level-16 node is one level-2 hash')
  await t.rejects(nodeFromTiles(100, { level: 7, index: 0 }, server), /not complete/)
})

t.test('partial and full tiles agree: a partial tile is the prefix of the later full one', async (t) => {
  const full = specTile({ level: 0, index: 5, width: 256 })
  for (const w of [1, 17, 255]) t.same(await nodes.readNodes(tileNodeIds({ level: 0, index: 5, width: w })), full.slice(0, w))
})

t.test('entry bundles: uint16 big-endian length prefixes; hashes match level 0', async (t) => {
  const bundle = encodeBundle([utf8ToBytes('ab'), new Uint8Array(0), new Uint8Array(300).fill(7)])
  t.same([...bundle.subarray(0, 4)], [0, 2, 0x61, 0x62])
  t.same([...bundle.subarray(4, 6)], [0, 0])
  t.same([...bundle.subarray(6, 8)], [1, 44], '300 = 0x012c')
  t.equal(bundle.length, 2 + 2 + 2 + 0 + 2 + 300)
  const back = decodeBundle(bundle, 3)
  t.same(back[2], new Uint8Array(300).fill(7))
  const b = decodeBundle(encodeBundle(entries.slice(256, 512)), 256)
  t.same(levelZeroHashes(b), await nodes.readNodes(tileNodeIds({ level: 0, index: 1, width: 256 })))
  t.same(leafHash(b[0]), leaves[256])
  t.throws(() => decodeBundle(bundle.subarray(0, 3)), /inside an entry/)
  t.throws(() => decodeBundle(bundle.subarray(0, 5)), /inside a length prefix/)
  t.throws(() => decodeBundle(bundle, 2), /holds 3 entries/)
  t.throws(() => encodeBundle([new Uint8Array(65536)]), /uint16/)
  t.same(decodeBundle(encodeBundle([new Uint8Array(65535)]))[0].length, 65535)
})
