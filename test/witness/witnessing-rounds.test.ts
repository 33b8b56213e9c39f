// Witnessing rounds against scripted witnesses (a fake fetch, a real cosigner key): appends
// never wait for a witness that hangs; blocks landing during a round are coalesced so only
// the newest checkpoint goes out next; the 409 size is learned and followed by a consistency
// proof; a forged cosignature is not kept; the quorum decides /v1/proofs/witnessed's checkpoint.
import t from 'tap'
import { generateCosigner } from '../../chain/cosigner.ts'
import { parseNote, parseCheckpointBody } from '../../chain/note.ts'
import { parsePolicy } from '../../chain/policy.ts'
import { verifyWitnessedCheckpoint } from '../../chain/witnessed-checkpoint.ts'
import { Witnessing } from '../../src/witnessing.ts'
import { openLog, request, tempDir } from '../helpers/fixtures.ts'

const quiet = { info: () => {}, warn: () => {} }

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25))
}

t.test('rounds: coalescing, 409 then proof, forged lines refused, appends never wait', async (t) => {
  const log = await openLog(tempDir(t))
  t.teardown(() => log.close())
  const good = generateCosigner('good.example/w')
  const forger = generateCosigner('forger.example/w')
  const policy = parsePolicy(`log ${log.signer.vkey}\nwitness good ${good.vkey} http://good.test/\nwitness bad ${forger.vkey} http://bad.test/\ngroup g 1 good bad\nquorum g\n`)

  const seen: { url: string; old: number; size: number; proofLines: number }[] = []
  let release: () => void = () => {}
  let gate: Promise<void> | null = null
  let goodSize = 2 // the witness already cosigned size 2 once (e.g. before a restart)
  const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input)
    const body = String(init?.body)
    const [head, note] = [body.slice(0, body.indexOf('\n\n')), body.slice(body.indexOf('\n\n') + 2)]
    const lines = head.split('\n')
    const old = Number(lines[0].slice(4))
    const size = parseCheckpointBody(parseNote(note).body).size
    seen.push({ url, old, size, proofLines: lines.length - 1 })
    if (gate) await gate
    if (url.startsWith('http://good.test/')) {
      if (old !== goodSize) return new Response(`${goodSize}\n`, { status: 409, headers: { 'content-type': 'text/x.tlog.size' } })
      goodSize = size
      return new Response(good.cosign(parseNote(note).body, 1_700_000_000), { status: 200 })
    }
    // "bad" answers with a line under its name and key id, but signed by another key.
    const payload = (line: string) => Buffer.from(line.trim().split(' ')[2], 'base64')
    const mine = payload(forger.cosign(parseNote(note).body, 1_700_000_000))
    const theirs = payload(generateCosigner('forger.example/w').cosign(parseNote(note).body, 1_700_000_000))
    return new Response(`\u2014 forger.example/w ${Buffer.concat([mine.subarray(0, 4), theirs.subarray(4)]).toString('base64')}\n`, { status: 200 })
  }) as typeof fetch

  const w = new Witnessing({ log, policy, logger: quiet, fetch: fakeFetch, backoffMs: 60_000 })
  t.teardown(() => w.close())
  await log.append([request(0), request(1), request(2)])
  await until(() => w.status().witnesses.every((x) => x.size === 3 || x.consecutiveFailures > 0) && w.witnessed() !== null)
  const first = seen.filter((s) => s.url.startsWith('http://good.test/'))
  t.same(first.map((s) => [s.old, s.size]), [[0, 3], [2, 3]], 'old 0, a 409 with size 2, then old 2 with a proof')
  t.ok(first[1].proofLines > 0, 'the retry carries a consistency proof')
  t.same(w.status().witnesses.map((x) => [x.name, x.size, x.lastError === null]), [['good', 3, true], ['bad', null, false]], 'the forged cosignature is not kept')
  t.match(w.status().witnesses[1].lastError, /does not verify/)
  t.equal(w.witnessed()?.size, 3, 'quorum "1 of (good, bad)" is met by good')
  t.same(verifyWitnessedCheckpoint(w.checkpoint(), { policy }).cosigned, ['good'], 'the served checkpoint carries good\'s cosignature only')

  // A hanging witness: appends go on; the blocks that land meanwhile are coalesced.
  seen.length = 0
  gate = new Promise((r) => { release = r })
  await log.append([request(3)])
  await until(() => seen.length > 0)
  const started = Date.now()
  for (let i = 4; i < 9; i++) await log.append([request(i)])
  t.ok(Date.now() - started < 2_000, 'five appends while the witness hangs')
  t.same(seen.map((s) => s.size), [4], 'only one request in flight, for size 4')
  gate = null
  release()
  await until(() => w.witnessed()?.size === 9)
  t.same(seen.map((s) => s.size), [4, 9], 'then one request for the newest checkpoint (9), not 5, 6, 7, 8')
  t.same(seen.map((s) => s.old), [3, 4])
  t.equal(w.witnessed()?.size, 9)
  t.equal(w.checkpoint(), log.checkpoint() + good.cosign(parseNote(log.checkpoint()).body, 1_700_000_000), 'latest checkpoint + the cosignature line')
})
