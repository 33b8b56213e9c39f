// The ledger's /tlog read API, checked by a tlog-tiles client written here from the spec
// alone (c2sp.org/tlog-tiles, RFC 6962 §2.1): its own SHA-256 tree hashing, path encoding and
// bundle parsing, none of chain/tiles.ts or the server code. It rebuilds the root of the
// served checkpoint from tiles, checks every entry bundle hashes to its level-0 tile, every
// level-1 hash is the MTH of a full level-0 tile, partial and full tiles agree, and tiles
// beyond the tree are 404.
import t from 'tap'
import { createHash } from 'node:crypto'
import { makeApp } from '../helpers/app.ts'
import { request } from '../helpers/fixtures.ts'

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
const leaf = (d: Uint8Array) => sha(new Uint8Array([0]), d)
const node = (l: Uint8Array, r: Uint8Array) => sha(new Uint8Array([1]), l, r)
/** RFC 6962 MTH over already-hashed leaves: split at the largest power of two below n. */
function mth(hs: Uint8Array[]): Uint8Array {
  if (hs.length === 0) return sha()
  if (hs.length === 1) return hs[0]
  let k = 1
  while (k * 2 < hs.length) k *= 2
  return node(mth(hs.slice(0, k)), mth(hs.slice(k)))
}
/** Spec: 3-digit zero-padded groups, all but the last prefixed with "x". */
function indexPath(n: number): string {
  const groups: string[] = []
  do { groups.unshift(String(n % 1000).padStart(3, '0')); n = Math.floor(n / 1000) } while (n > 0)
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/')
}
const split32 = (b: Uint8Array) => Array.from({ length: b.length / 32 }, (_, i) => b.slice(i * 32, i * 32 + 32))
function bundle(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = []
  for (let off = 0; off < b.length;) {
    const n = (b[off] << 8) | b[off + 1]
    out.push(b.slice(off + 2, off + 2 + n))
    off += 2 + n
  }
  return out
}

t.test('a spec-only tlog-tiles client rebuilds the checkpoint root from /tlog tiles', async (t) => {
  const { app } = await makeApp(t)
  const get = async (path: string) => {
    const r = await app.inject({ method: 'GET', url: `/tlog/${path}` })
    return { status: r.statusCode, body: new Uint8Array(r.rawPayload), cache: r.headers['cache-control'], type: r.headers['content-type'] }
  }
  // 256·2 + 77 entries in blocks of uneven sizes: two full level-0 tiles, a partial one, and
  // a partial level-1 tile of width 2.
  const log = app.ledger.log
  for (let i = 0; i < 589;) {
    const n = Math.min(589 - i, 1 + (i % 97))
    await log.append(Array.from({ length: n }, (_, j) => request(i + j)))
    i += n
  }

  const cpRes = await app.inject({ method: 'GET', url: '/tlog/checkpoint' })
  t.equal(cpRes.statusCode, 200)
  const [origin, sizeLine, rootB64] = cpRes.body.split('\n')
  t.equal(origin, 'test.example/ledger')
  const size = Number(sizeLine)
  t.equal(size, 589)

  const level0: Uint8Array[] = []
  for (let n = 0; n * 256 < size; n++) {
    const w = Math.min(256, size - n * 256)
    const path = `${indexPath(n)}${w < 256 ? `.p/${w}` : ''}`
    const tile = await get(`tile/0/${path}`)
    t.equal(tile.status, 200, `tile/0/${path}`)
    t.equal(tile.type, 'application/octet-stream')
    t.equal(tile.cache, w === 256 ? 'public, max-age=31536000, immutable' : 'public, max-age=2', 'full tiles immutable, partial short-lived')
    t.equal(tile.body.length, 32 * w)
    const hashes = split32(tile.body)
    const entries = await get(`tile/entries/${path}`)
    t.equal(entries.status, 200)
    const data = bundle(entries.body)
    t.equal(data.length, w, 'the bundle holds one entry per level-0 hash')
    t.ok(data.every((d, i) => Buffer.from(leaf(d)).equals(hashes[i])), 'every entry hashes to its level-0 tile hash')
    t.doesNotThrow(() => JSON.parse(new TextDecoder().decode(data[0])), 'entries are the canonical statement bytes')
    level0.push(...hashes)
  }
  t.equal(Buffer.from(mth(level0)).toString('base64'), rootB64, 'the root rebuilt from level-0 tiles is the checkpoint root')

  // Level 1: floor(589 / 256) = 2 hashes, each the MTH of a full level-0 tile.
  const l1 = await get('tile/1/000.p/2')
  t.equal(l1.status, 200)
  const l1h = split32(l1.body)
  t.ok(Buffer.from(l1h[0]).equals(mth(level0.slice(0, 256))) && Buffer.from(l1h[1]).equals(mth(level0.slice(256, 512))), 'level-1 hashes are MTHs of full level-0 tiles')
  // Root from the level-1 tile plus the partial level-0 tail, as a tile client would.
  t.equal(Buffer.from(node(node(l1h[0], l1h[1]), mth(level0.slice(512)))).toString('base64'), rootB64, 'root from level-1 + partial level-0')

  // Partial and full tiles agree on their common prefix.
  const full = await get('tile/0/000')
  for (const w of [1, 100, 255]) {
    const p = await get(`tile/0/000.p/${w}`)
    t.ok(Buffer.from(p.body).equals(Buffer.from(full.body.slice(0, 32 * w))), `partial width ${w} is a prefix of the full tile`)
    const pe = await get(`tile/entries/000.p/${w}`)
    t.same(bundle(pe.body).map((d) => Buffer.from(d).toString('hex')), bundle((await get('tile/entries/000')).body).slice(0, w).map((d) => Buffer.from(d).toString('hex')))
  }

  // Beyond the tree, and malformed paths: 404.
  for (const path of ['tile/0/002', 'tile/0/002.p/78', 'tile/entries/002', 'tile/entries/003.p/1', 'tile/1/000', 'tile/1/000.p/3', 'tile/2/000.p/1', 'tile/0/x000/002', 'tile/0/2', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/64/000']) {
    const r = await get(path)
    t.equal(r.status, 404, path)
  }
  t.equal((await get('tile/0/002.p/77')).status, 200, 'the partial tail itself is served')
})

t.test('an empty ledger serves a checkpoint and no tiles', async (t) => {
  const { app } = await makeApp(t)
  const cp = await app.inject({ method: 'GET', url: '/tlog/checkpoint' })
  t.equal(cp.statusCode, 200)
  t.match(cp.body, /^test\.example\/ledger\n0\n/)
  t.equal((await app.inject({ method: 'GET', url: '/tlog/tile/0/000.p/1' })).statusCode, 404)
})
