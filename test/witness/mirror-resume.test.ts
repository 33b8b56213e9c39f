// A mirroring witness's first sync against a larger log is paginated and resumable: it
// fetches entry bundles in chunks (--mirror-chunk 4: 1,024 entries), stores each chunk with
// its progress, and after a kill -9 in the middle it starts again where it stopped — the
// first chunk's bundles are never fetched twice — and still verifies every entry against the
// signed root before it cosigns. A proxy between the witness and the ledger records (and
// slows) the tile requests, so the kill lands mid-sync.
import t from 'tap'
import Fastify from 'fastify'
import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { toBase64 } from '../../chain/encoding.ts'
import { parseNote } from '../../chain/note.ts'
import { checkCosignatures, parseCosignerVkey } from '../../chain/cosignature.ts'
import { rootFromTiles, splitTile, tilePath } from '../../chain/tiles.ts'
import { startServer, waitExit, type ServerProcess } from '../../scripts/server-process.ts'
import { makeApp } from '../helpers/app.ts'
import { request, tempDir } from '../helpers/fixtures.ts'

const ENTRIES = 6000 // 24 entry bundles, the last partial
const CHUNK = 4

interface MirrorReady { vkey: string; mirror: { size: number; staged: number } }

t.test('kill -9 mid-sync: the mirror resumes at its stored progress, verifies all, then cosigns', async (t) => {
  const { app } = await makeApp(t)
  const log = app.ledger.log
  for (let b = 0; b < ENTRIES; b += 1000) await log.append(Array.from({ length: 1000 }, (_, i) => request(b + i)))
  t.equal(log.size, ENTRIES)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const ledgerUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  const requested: string[] = []
  const proxy = Fastify()
  proxy.get('/tlog/*', async (req, reply) => {
    requested.push(req.url)
    await sleep(60) // a far-away ledger: the sync takes long enough to be interrupted
    const res = await fetch(`${ledgerUrl}${req.url}`)
    return reply.code(res.status).type('application/octet-stream').send(Buffer.from(await res.arrayBuffer()))
  })
  await proxy.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => proxy.close())

  const dataDir = tempDir(t, 'el-mirror-resume-')
  const args = ['witness', '--name', 'mirror.resume.example/w', '--log', log.signer.vkey, '--mirror', `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}/tlog`, '--mirror-chunk', String(CHUNK)]
  let w: ServerProcess = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, undefined, args)
  t.teardown(() => { if (w.child.exitCode === null) w.child.kill('SIGKILL') })
  const ready = async () => (await (await fetch(`${w.url}/readyz`)).json()) as MirrorReady
  const add = () => fetch(`${w.url}/add-checkpoint`, { method: 'POST', body: `old 0\n\n${log.checkpoint()}`, signal: AbortSignal.timeout(120_000) })

  // The first add-checkpoint starts the sync; kill -9 once at least one chunk is stored.
  const first = add().catch((e: Error) => e)
  let before = 0
  for (let i = 0; i < 600; i++) {
    before = (await ready()).mirror.staged
    if (before >= CHUNK * 256) break
    await sleep(50)
  }
  t.ok(before >= CHUNK * 256 && before < ENTRIES, `killed mid-sync with ${before} of ${ENTRIES} entries stored`)
  w.child.kill('SIGKILL')
  await waitExit(w.child)
  t.type(await first, Error, 'the interrupted request got no answer')
  t.ok(requested.some((p) => p === '/tlog/tile/entries/000'), 'the first run fetched the first bundle')
  requested.length = 0

  w = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, undefined, args)
  const resumed = await ready()
  t.equal(resumed.mirror.size, 0, 'nothing is served before it verifies')
  t.ok(resumed.mirror.staged >= before, `progress kept across kill -9: ${resumed.mirror.staged} ≥ ${before}`)
  t.equal(resumed.mirror.staged % (CHUNK * 256), 0, 'at a chunk boundary')

  const r = await add()
  const text = await r.text()
  t.equal(r.status, 200, `cosigned after the resumed sync: ${text}`)
  const parsed = parseNote(log.checkpoint() + text)
  t.ok(checkCosignatures(parsed.body, parsed.signatures, [parseCosignerVkey(resumed.vkey)])[0].result?.ok, 'a valid cosignature')
  const bundles = requested.filter((p) => p.startsWith('/tlog/tile/entries/'))
  const firstFetched = Math.min(...bundles.map((p) => parseInt(p.slice('/tlog/tile/entries/'.length, '/tlog/tile/entries/'.length + 3), 10)))
  t.equal(firstFetched, resumed.mirror.staged / 256, `the second run starts at bundle ${resumed.mirror.staged / 256}, not 0`)
  t.equal(bundles.length, Math.ceil(ENTRIES / 256) - resumed.mirror.staged / 256, 'and fetches each remaining bundle once')
  t.match(w.output(), new RegExp(`mirror: resuming at entry ${resumed.mirror.staged}`), 'the witness says it resumed')

  // Every root from the copy's tiles, as a tlog-tiles client reads them, is the ledger's.
  const after = await ready()
  t.equal(after.mirror.size, ENTRIES)
  const hash = createHash('sha256').update(log.origin).digest('hex')
  const root = await rootFromTiles(ENTRIES, async (tile) => splitTile(new Uint8Array(await (await fetch(`${w.url}/${hash}/${tilePath(tile)}`)).arrayBuffer()), tile.width))
  t.same(Buffer.from(root), Buffer.from(log.root()), 'the resumed copy rebuilds the ledger root')
  for (const size of [1, 255, 256, 1024, 4097]) {
    const r = await rootFromTiles(size, async (tile) => splitTile(new Uint8Array(await (await fetch(`${w.url}/${hash}/${tilePath(tile)}`)).arrayBuffer()), tile.width))
    t.same(Buffer.from(r), Buffer.from(await log.rootAt(size)), `and the root at ${size}`)
  }
  // The next checkpoint syncs only the new entries.
  requested.length = 0
  await log.append([request(ENTRIES + 1)])
  const proof = await log.consistencyProof(ENTRIES, log.size)
  const grown = await fetch(`${w.url}/add-checkpoint`, { method: 'POST', body: `old ${ENTRIES}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${log.checkpoint()}` })
  t.equal(grown.status, 200)
  t.same(requested.filter((p) => p.startsWith('/tlog/tile/entries/')), ['/tlog/tile/entries/023.p/113'], 'one partial bundle for one new entry')
})
