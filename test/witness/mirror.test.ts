// `witness --mirror`: a real witness process copies the ledger through its /tlog tiles and
// verifies every entry against the checkpoint before cosigning; it serves the copy as
// tlog-tiles under /<hex sha256(origin)>/, byte-identical to the ledger's tiles. A ledger
// that serves entries not matching its own signed checkpoint gets a 422, not a cosignature.
import t from 'tap'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { toBase64 } from '../../chain/encoding.ts'
import { parseNote } from '../../chain/note.ts'
import { checkCosignatures, parseCosignerVkey } from '../../chain/cosignature.ts'
import { rootFromTiles, splitTile, tilePath, TILE_WIDTH } from '../../chain/tiles.ts'
import { startServer } from '../../scripts/server-process.ts'
import { makeApp } from '../helpers/app.ts'
import { request, tempDir } from '../helpers/fixtures.ts'

t.test('a mirroring witness verifies every entry through tiles, serves the copy, refuses a lying ledger', async (t) => {
  const { app } = await makeApp(t)
  const log = app.ledger.log
  await log.append(Array.from({ length: 300 }, (_, i) => request(i)))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const ledgerUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const hash = createHash('sha256').update(log.origin).digest('hex')

  const w = await startServer({ DATA_DIR: tempDir(t, 'el-mirror-') }, undefined, ['witness', '--name', 'mirror.test.example/w', '--log', log.signer.vkey, '--mirror', `${ledgerUrl}/tlog`])
  t.teardown(() => { if (w.child.exitCode === null) w.child.kill('SIGKILL') })
  const ready = (await (await fetch(`${w.url}/readyz`)).json()) as { vkey: string; mirror: { size: number } }
  t.equal(ready.mirror.size, 0)
  const key = parseCosignerVkey(ready.vkey)

  const add = async (url: string, old: number) => {
    const note = log.checkpoint()
    const proof = old === 0 ? [] : await log.consistencyProof(old, log.size)
    const r = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: `old ${old}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${note}` })
    return { status: r.status, text: await r.text(), note }
  }
  let r = await add(w.url, 0)
  t.equal(r.status, 200, `cosigned after mirroring: ${r.text}`)
  const parsed = parseNote(r.note + r.text)
  t.ok(checkCosignatures(parsed.body, parsed.signatures, [key])[0].result?.ok)
  await log.append(Array.from({ length: 260 }, (_, i) => request(1000 + i)))
  r = await add(w.url, 300)
  t.equal(r.status, 200, 'grows incrementally')

  // The copy, read as a tlog-tiles client would, rebuilds the ledger's root; tiles are byte-identical.
  const size = log.size
  const read = async (base: string, path: string) => {
    const res = await fetch(`${base}/${path}`)
    return { status: res.status, body: new Uint8Array(await res.arrayBuffer()), cache: res.headers.get('cache-control') }
  }
  const root = await rootFromTiles(size, async (tile) => splitTile((await read(`${w.url}/${hash}`, tilePath(tile))).body, tile.width))
  t.same(Buffer.from(root), Buffer.from(log.root()), 'root from the mirror\'s tiles is the ledger\'s root')
  for (const path of ['tile/0/000', 'tile/0/002.p/48', 'tile/1/000.p/2', 'tile/entries/000', 'tile/entries/002.p/48']) {
    const [mine, theirs] = await Promise.all([read(`${w.url}/${hash}`, path), read(`${ledgerUrl}/tlog`, path)])
    t.equal(mine.status, 200, path)
    t.ok(Buffer.from(mine.body).equals(Buffer.from(theirs.body)), `${path} is byte-identical to the ledger's`)
    t.equal(mine.cache, theirs.cache)
  }
  t.equal((await read(`${w.url}/${hash}`, 'tile/0/002')).status, 404, 'beyond the copy: 404')
  t.equal((await read(`${w.url}/${'00'.repeat(32)}`, 'tile/0/000')).status, 404, 'unknown origin: 404')
  t.equal(size, 560)
  t.equal(TILE_WIDTH, 256)

  // A lying ledger: the checkpoint is genuine, but one served entry is altered.
  const liar = Fastify()
  liar.get('/tlog/*', async (request, reply) => {
    const res = await fetch(`${ledgerUrl}${request.url}`)
    const body = Buffer.from(await res.arrayBuffer())
    if (request.url.includes('/entries/001')) body[body.length - 2] ^= 1
    return reply.code(res.status).type('application/octet-stream').send(body)
  })
  await liar.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => liar.close())
  const w2 = await startServer({ DATA_DIR: tempDir(t, 'el-mirror2-') }, undefined, ['witness', '--name', 'mirror2.test.example/w', '--log', log.signer.vkey, '--mirror', `http://127.0.0.1:${(liar.server.address() as AddressInfo).port}/tlog`])
  t.teardown(() => { if (w2.child.exitCode === null) w2.child.kill('SIGKILL') })
  r = await add(w2.url, 0)
  t.equal(r.status, 422, 'entries that do not hash to the signed root: no cosignature')
  t.match(JSON.parse(r.text), { detail: /mirror: .*hash to root/ })
  t.equal((await read(`${w2.url}/${hash}`, 'tile/0/000')).status, 404, 'and nothing of the bad range is kept')
  const after = (await (await fetch(`${w2.url}/readyz`)).json()) as { mirror: { size: number; staged: number } }
  t.same(after.mirror, { ...after.mirror, size: 0, staged: 0 }, 'the fetched (staged) entries are dropped too: the next try fetches them again')
})
