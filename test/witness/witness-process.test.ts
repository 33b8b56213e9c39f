// A real witness process over real HTTP, fed checkpoints signed with the log key and
// consistency proofs from an in-memory tree: it cosigns a growing log, answers stale sizes
// with 409 + its size, refuses forks, keeps refusing them after kill -9, and never returns
// cosignatures for two different roots of one size.
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, toBase64, utf8ToBytes } from '../../chain/encoding.ts'
import { leafHash } from '../../chain/hash.ts'
import { consistencyProof } from '../../chain/tree.ts'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { parseNote } from '../../chain/note.ts'
import { checkCosignatures, parseCosignerVkey, type CosignerKey } from '../../chain/cosignature.ts'
import { parsePolicy } from '../../chain/policy.ts'
import { verifyWitnessedCheckpoint } from '../../chain/witnessed-checkpoint.ts'
import { CLI, startServer, waitExit } from '../../scripts/server-process.ts'
import { MemoryNodes } from '../helpers/memory-nodes.ts'
import { tempDir } from '../helpers/fixtures.ts'

const run = promisify(execFile)
const startWitness = (args: string[], env: NodeJS.ProcessEnv) => startServer(env, undefined, ['witness', ...args])
const ORIGIN = 'ledger.test.example/log'
const NAME = 'witness.bank.example/w1'
const logKey = signerFromSeed(ORIGIN, sha256(utf8ToBytes('witness test log key')))

/** A log as an in-memory tree; `fork` shares the first `prefix` entries and then differs. */
class TestLog {
  readonly nodes = new MemoryNodes()
  readonly tag: string
  readonly prefix: number

  constructor(tag: string, prefix = Infinity) {
    this.tag = tag
    this.prefix = prefix
  }
  grow(to: number): void {
    while (this.nodes.range.size < to) {
      const i = this.nodes.range.size
      this.nodes.append(leafHash(utf8ToBytes(i < this.prefix ? `entry ${i}` : `${this.tag} entry ${i}`)))
    }
  }
  get size(): number { return this.nodes.range.size }
  checkpoint(signer = logKey, origin = ORIGIN): string {
    return signer.signCheckpoint({ origin, size: this.size, root: this.nodes.range.root() })
  }
  async request(oldSize: number, note = this.checkpoint()): Promise<string> {
    const proof = oldSize === 0 ? [] : await consistencyProof(this.nodes, oldSize, this.size)
    return `old ${oldSize}\n${proof.map((h) => toBase64(h) + '\n').join('')}\n${note}`
  }
}

interface Reply { status: number; type: string | null; text: string }

async function post(url: string, body: string): Promise<Reply> {
  const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

/** Every cosignature any witness reply ever carried: size → root. Two roots for one size fails the test. */
class CosignedLedger {
  readonly roots = new Map<number, string>()
  record(t: Test, note: string, reply: Reply, key: CosignerKey): void {
    if (reply.status !== 200) return
    const parsed = parseNote(note + reply.text)
    const [finding] = checkCosignatures(parsed.body, parsed.signatures, [key])
    t.ok(finding.result?.ok, 'the 200 reply is a valid cosignature by the witness key')
    if (finding.result?.ok) t.ok(finding.result.timestamp > 0, 'non-zero timestamp')
    const [, size, root] = parsed.body.split('\n')
    const seen = this.roots.get(Number(size))
    if (seen !== undefined && seen !== root) t.fail(`two cosigned roots for size ${size}: ${seen} and ${root}`)
    this.roots.set(Number(size), root)
  }
}

t.test('a real witness: growth, 409, 400, 403, 404, 422, forks refused, monitoring checkpoint', async (t) => {
  const dataDir = tempDir(t, 'el-witness-')
  const w = await startWitness(['--name', NAME, '--log', logKey.vkey], { DATA_DIR: dataDir })
  t.teardown(() => { if (w.child.exitCode === null) w.child.kill('SIGKILL') })
  const { stdout } = await run(process.execPath, [CLI, 'witness', 'vkey'], { env: { ...process.env, DATA_DIR: dataDir } })
  const vkey = stdout.trim()
  const ready = (await (await fetch(`${w.url}/readyz`)).json()) as { vkey: string; origins: string[] }
  t.equal(ready.vkey, vkey, '`witness vkey` prints the key the running witness uses')
  t.same(ready.origins, [ORIGIN])
  const key = parseCosignerVkey(vkey)
  t.equal(key.name, NAME)
  const ledger = new CosignedLedger()
  const submit = async (log: TestLog, old: number, note?: string) => {
    const n = note ?? log.checkpoint()
    const r = await post(w.url, await log.request(old, n))
    ledger.record(t, n, r, key)
    return r
  }

  const log = new TestLog('main')
  log.grow(3)
  let r = await submit(log, 0)
  t.equal(r.status, 200, 'first checkpoint, old 0, no proof')
  t.match(r.text, new RegExp(`^\u2014 ${NAME.replace(/\./g, '\\.')} [A-Za-z0-9+/]+=*\n$`), 'one signature line')
  for (const to of [7, 8, 8, 21, 64, 100]) {
    const from = log.size
    log.grow(to)
    r = await submit(log, from)
    t.equal(r.status, 200, `${from} → ${to} with a consistency proof`)
  }

  // Stale old size: 409 with the witness's size in text/x.tlog.size.
  log.grow(110)
  r = await submit(log, 64)
  t.equal(r.status, 409)
  t.equal(r.type, 'text/x.tlog.size')
  t.equal(r.text, '100\n')
  r = await post(w.url, await log.request(0))
  t.equal(r.status, 409, 'old 0 learns the size too')
  t.equal(r.text, '100\n')

  // Malformed and out-of-order requests.
  r = await post(w.url, `old 120\n\n${log.checkpoint()}`)
  t.equal(r.status, 400, 'old size larger than the checkpoint')
  t.match(r.type, /^application\/problem\+json/)
  t.match(JSON.parse(r.text), { status: 400, detail: /larger than the checkpoint/ })
  for (const bad of ['', 'old 1\n', `old 01\n\n${log.checkpoint()}`, `old 100\nnot-base64\n\n${log.checkpoint()}`, `old 100\n\n${ORIGIN}\n110\n`]) {
    t.equal((await post(w.url, bad)).status, 400, `malformed: ${JSON.stringify(bad.slice(0, 30))}`)
  }

  // Unknown origin, unknown key, bad signature by the trusted key.
  const stranger = signerFromSeed('other.example/log', new Uint8Array(32).fill(5))
  r = await post(w.url, `old 0\n\n${log.checkpoint(stranger, 'other.example/log')}`)
  t.equal(r.status, 404, 'unknown origin')
  const impostor = signerFromSeed(ORIGIN, new Uint8Array(32).fill(6))
  r = await post(w.url, await log.request(100, log.checkpoint(impostor)))
  t.equal(r.status, 403, 'signed only by an unknown key for the origin')
  const good = log.checkpoint()
  const sig = good.trimEnd().split(' ').at(-1)!
  const broken = good.replace(sig, sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11))
  r = await post(w.url, await log.request(100, broken))
  t.equal(r.status, 403, 'a trusted key\'s line that does not verify')
  r = await post(w.url, await log.request(100, good + impostor.signCheckpoint({ origin: ORIGIN, size: 1, root: new Uint8Array(32) }).split('\n\n')[1]))
  t.equal(r.status, 200, 'lines by unknown keys are ignored')
  ledger.record(t, good, r, key)

  // A bad proof, and a fork: same log key, common prefix of 90 entries, then different.
  log.grow(120)
  const req = await log.request(110)
  const lines = req.split('\n')
  lines[1] = toBase64(new Uint8Array(32).fill(1))
  r = await post(w.url, lines.join('\n'))
  t.equal(r.status, 422, 'consistency proof that does not verify')

  const fork = new TestLog('fork', 90)
  fork.grow(110)
  t.not(bytesToHex(fork.nodes.range.root()), bytesToHex(new TestLog('main').nodes.range.root()))
  r = await submit(fork, 110)
  t.equal(r.status, 422, 'same size as cosigned, different root')
  fork.grow(130)
  r = await submit(fork, 110)
  t.equal(r.status, 422, 'a fork\'s own consistency proof does not lead from the cosigned root')
  r = await submit(fork, 100)
  t.equal(r.status, 409, 'a fork with a stale old size only learns the size')

  // The monitoring checkpoint: log signature plus our cosignature, verifiable under a policy.
  const cp = await fetch(`${w.url}/${bytesToHex(sha256(utf8ToBytes(ORIGIN)))}/checkpoint`)
  t.equal(cp.status, 200)
  const note = await cp.text()
  const policy = parsePolicy(`log ${logKey.vkey}\nwitness bank ${vkey}\nquorum bank\n`)
  const v = verifyWitnessedCheckpoint(note, { policy })
  t.ok(v.steps.every((s) => s.ok === true), JSON.stringify(v.steps))
  t.equal(v.checkpoint?.size, 110)
  t.equal((await fetch(`${w.url}/${'0'.repeat(64)}/checkpoint`)).status, 404)

  w.child.kill('SIGTERM')
  t.same(await waitExit(w.child), { code: 0, signal: null })
})

t.test('concurrent requests for one origin: exactly one wins per old size', async (t) => {
  const dataDir = tempDir(t, 'el-witness-race-')
  const w = await startWitness(['--name', NAME, '--log', logKey.vkey], { DATA_DIR: dataDir })
  t.teardown(() => { if (w.child.exitCode === null) w.child.kill('SIGKILL') })
  const key = parseCosignerVkey((await (await fetch(`${w.url}/readyz`)).json() as { vkey: string }).vkey)
  const ledger = new CosignedLedger()
  const main = new TestLog('main')
  main.grow(10)
  t.equal((await post(w.url, await main.request(0))).status, 200)
  // Twenty candidates race from size 10: ten sizes of the real log and ten of a fork that
  // shares the first 10 entries (both have valid proofs from 10).
  const candidates: { note: string; body: string }[] = []
  for (let k = 1; k <= 10; k++) {
    for (const tag of ['main', 'fork']) {
      const l = new TestLog(tag, tag === 'main' ? Infinity : 10)
      l.grow(10 + k)
      const note = l.checkpoint()
      candidates.push({ note, body: await l.request(10, note) })
    }
  }
  const replies = await Promise.all(candidates.map(async (c) => ({ c, r: await post(w.url, c.body) })))
  for (const { c, r } of replies) ledger.record(t, c.note, r, key)
  t.equal(replies.filter((x) => x.r.status === 200).length, 1, 'one 200')
  t.equal(replies.filter((x) => x.r.status === 409).length, 19, 'nineteen 409s')
})

t.test('kill -9 mid-stream: after restart the witness still refuses the fork', async (t) => {
  const dataDir = tempDir(t, 'el-witness-crash-')
  const args = ['--name', NAME, '--log', logKey.vkey]
  const w = await startWitness(args, { DATA_DIR: dataDir })
  t.teardown(() => { if (w.child.exitCode === null) w.child.kill('SIGKILL') })
  const key = parseCosignerVkey((await (await fetch(`${w.url}/readyz`)).json() as { vkey: string }).vkey)
  const ledger = new CosignedLedger()
  const main = new TestLog('main')
  const fork = new TestLog('fork', 0)
  let acked = 0
  let killed = false
  // Stream growing checkpoints; kill -9 the witness after some have been acknowledged, while
  // the next ones are in flight.
  const stream = (async () => {
    for (let size = 1; size <= 400; size++) {
      main.grow(size)
      const note = main.checkpoint()
      let r: Reply
      try {
        r = await post(w.url, await main.request(acked, note))
      } catch {
        return // connection refused or reset: the witness is gone
      }
      ledger.record(t, note, r, key)
      if (r.status === 200) acked = size
      else if (r.status !== 409) t.fail(`unexpected ${r.status} ${r.text}`)
      if (size === 40 && !killed) {
        killed = true
        w.child.kill('SIGKILL')
      }
    }
  })()
  await stream
  t.ok(killed, 'the witness was killed mid-stream')
  t.equal((await waitExit(w.child)).signal, 'SIGKILL')
  t.ok(acked >= 39, `${acked} checkpoints acknowledged before the kill`)

  const again = await startWitness(args, { DATA_DIR: dataDir })
  t.teardown(() => { if (again.child.exitCode === null) again.child.kill('SIGKILL') })
  // The witness's size is at least every acknowledged one (it may be one further: persisted, then killed before replying).
  const probe = await post(again.url, `old 0\n\n${main.checkpoint()}`)
  t.equal(probe.status, 409)
  const size = Number(probe.text.trim())
  t.ok(size >= acked && size <= main.size, `witness resumed at ${size} (acknowledged ${acked})`)

  // A fork at exactly that size, signed by the same log key: refused.
  fork.grow(size)
  let r = await post(again.url, await fork.request(size))
  ledger.record(t, fork.checkpoint(), r, key)
  t.equal(r.status, 422, 'fork at the cosigned size after restart')
  fork.grow(size + 5)
  r = await post(again.url, await fork.request(size))
  ledger.record(t, fork.checkpoint(), r, key)
  t.equal(r.status, 422, 'fork that grew past it')
  // The honest log continues from where the witness is.
  const honest = new TestLog('main')
  honest.grow(size + 5)
  r = await post(again.url, await honest.request(size))
  ledger.record(t, honest.checkpoint(), r, key)
  t.equal(r.status, 200, 'the real log continues')
  t.ok(ledger.roots.size > 30, `${ledger.roots.size} distinct sizes cosigned, none with two roots`)
  again.child.kill('SIGTERM')
  t.equal((await waitExit(again.child)).code, 0)
})
