// Real processes: a ledger with WITNESS_POLICY (quorum 2 of 3) and three `evidence-ledger
// witness` processes. Bundles carry the witnesses' word on their own: before any quorum
// they say so (and still verify as the operator's word), after it they carry a tlog-proof
// against the cosigned checkpoint that `verify --policy` checks step by step. Cosignatures
// survive a kill -9 of the ledger restarted with every witness down.
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { hexToBytes } from '../../chain/encoding.ts'
import { parseNote } from '../../chain/note.ts'
import { parsePolicy } from '../../chain/policy.ts'
import { parseTlogProof, verifyTlogProof } from '../../chain/tlog-proof.ts'
import { verifyWitnessedCheckpoint } from '../../chain/witnessed-checkpoint.ts'
import type { WitnessedMember } from '../../chain/witnessing-evidence.ts'
import type { EvidenceBundleV2, Receipt } from '../../chain/verify.ts'
import { CLI, freePort, startServer, waitExit, type ServerProcess } from '../../scripts/server-process.ts'
import { sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { eventually } from '../helpers/eventually.ts'

const run = promisify(execFile)
const ORIGIN = 'ledger.witnessed-evidence.test/log'

type Bundle = EvidenceBundleV2 & { witnessed?: WitnessedMember }

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })
  return stdout.trim()
}

interface WitnessProc { name: string; keyName: string; dir: string; port: number; vkey: string; proc: ServerProcess | null }

t.test('bundles carry the witnessed proof; cosignatures survive a kill -9 with every witness down', async (t: Test) => {
  const ledgerDir = tempDir(t, 'el-we-ledger-')
  const env = { DATA_DIR: ledgerDir, LEDGER_ORIGIN: ORIGIN }
  const ledgerVkey = await cli(['keygen'], env)
  const witnesses: WitnessProc[] = []
  for (const n of [1, 2, 3]) {
    const dir = tempDir(t, `el-we-w${n}-`)
    const keyName = `witness${n}.evidence.test/w`
    witnesses.push({ name: `w${n}`, keyName, dir, port: await freePort(), vkey: await cli(['witness', 'vkey', '--name', keyName], { DATA_DIR: dir }), proc: null })
  }
  const policyText = [
    `log ${ledgerVkey}`,
    ...witnesses.map((w) => `witness ${w.name} ${w.vkey} http://127.0.0.1:${w.port}`),
    'group two 2 w1 w2 w3',
    'quorum two',
    '',
  ].join('\n')
  const policyPath = join(ledgerDir, 'policy.txt')
  writeFileSync(policyPath, policyText)
  const policy = parsePolicy(policyText)
  const keyPath = join(ledgerDir, 'ledger.vkey')
  writeFileSync(keyPath, ledgerVkey + '\n')

  const startW = async (w: WitnessProc) => {
    w.proc = await startServer({ DATA_DIR: w.dir, PORT: String(w.port) }, undefined, ['witness', '--name', w.keyName, '--log', ledgerVkey])
  }
  const killW = async (w: WitnessProc) => {
    w.proc!.child.kill('SIGKILL')
    await waitExit(w.proc!.child)
    w.proc = null
  }
  let ledger = await startServer({ ...env, WITNESS_POLICY: policyPath })
  t.teardown(() => {
    for (const w of witnesses) if (w.proc && w.proc.child.exitCode === null) w.proc.child.kill('SIGKILL')
    if (ledger.child.exitCode === null) ledger.child.kill('SIGKILL')
  })
  const submitter = { authorization: `Bearer ${await cli(['token', '--role', 'submitter', '--sub', 'bank-a', '--ttl', '15m'], env)}`, 'content-type': 'application/json' }
  const court = { authorization: `Bearer ${await cli(['token', '--role', 'court', '--ttl', '15m'], env)}` }
  const append = async (n: number): Promise<Receipt> => {
    const r = await fetch(`${ledger.url}/v1/records`, { method: 'POST', headers: submitter, body: JSON.stringify({ kind: 'data-authorization', record: sampleRecords(n)['data-authorization'] }) })
    t.equal(r.status, 201, `append ${n}`)
    return (await r.json()) as Receipt
  }
  const bundleOf = async (n: number): Promise<Bundle> => {
    const r = await fetch(`${ledger.url}/v1/evidence/data-authorization/AUTH-${n}?submitter=bank-a`, { headers: court })
    t.equal(r.status, 200, `bundle of AUTH-${n}`)
    return (await r.json()) as Bundle
  }
  const dir = tempDir(t, 'el-we-files-')
  const verify = async (doc: unknown, args: string[] = []) => {
    const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.json`)
    writeFileSync(file, JSON.stringify(doc))
    return run(process.execPath, [CLI, 'verify', file, '--key', keyPath, ...args])
      .then((r) => ({ code: 0, stdout: r.stdout }), (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }))
  }

  // Every witness down: the bundle says no checkpoint met the quorum, and is not refused.
  await append(1)
  const early = await bundleOf(1)
  t.same(early.witnessed?.proof, null, 'no proof yet')
  t.match((early.witnessed as { reason: string }).reason, /no checkpoint of this ledger has met the witness quorum 2 of \(w1, w2, w3\) yet/)
  const e1 = await verify(early)
  t.equal(e1.code, 0, 'without a policy it verifies as the operator\'s word')
  t.match(e1.stdout, /only the log operator vouches/)
  t.match(e1.stdout, /NOT WITNESSED/)
  const e2 = await verify(early, ['--policy', policyPath])
  t.equal(e2.code, 1, 'with the policy, the quorum step fails')
  t.match(e2.stdout, /FAIL {2}\S+ witnessing: witness quorum\n {6}not met: .*The ledger said when issuing it: no checkpoint of this ledger has met/)

  // The witnesses come up: a quorum forms on a checkpoint holding the entry.
  await Promise.all(witnesses.map(startW))
  await append(2)
  await eventually('a witnessed checkpoint of size 2', async () => {
    const r = (await (await fetch(`${ledger.url}/readyz`)).json()) as { witnessing: { witnessedSize: number | null } }
    return (r.witnessing.witnessedSize ?? 0) >= 2 ? true : undefined
  })
  await append(3) // the bundle's own checkpoint is then (usually) newer than the witnessed one
  const b = await bundleOf(1)
  const w = b.witnessed as { proof: string; consistency: string[] }
  t.type(w.proof, 'string', 'the bundle carries a tlog-proof')
  const cosigned = parseTlogProof(w.proof)
  t.equal(cosigned.index, b.entry.index)
  t.ok(verifyTlogProof(w.proof, hexToBytes(b.entry.leafHash), { policy }).ok, 'which verifies with the policy alone')
  t.ok(parseNote(cosigned.checkpoint).signatures.length >= 3, 'on a checkpoint with the log signature and at least two cosignatures')
  t.ok(Array.isArray(w.consistency), 'and a consistency proof to the bundle\'s checkpoint')
  const ok = await verify(b, ['--policy', policyPath])
  t.equal(ok.code, 0, ok.code === 0 ? 'the bundle verifies with the policy' : ok.stdout)
  t.match(ok.stdout, /PASS {2}\S+ witnessing: checkpoint is signed by the ledger key/)
  t.match(ok.stdout, /PASS {2}\S+ witnessing: witness quorum\n {6}met: quorum 2 of \(w1, w2, w3\)/)
  t.match(ok.stdout, /PASS {2}\S+ witnessing: entry is included in the cosigned tree/)
  t.match(ok.stdout, /PASS {2}\S+ witnessing: the document's checkpoint extends the cosigned tree/)
  t.match(ok.stdout, /WITNESSED: the witness quorum/)
  const plain = await verify(b)
  t.equal(plain.code, 0)
  t.match(plain.stdout, /NOT WITNESSED: only the ledger operator vouches/, 'without --policy: only the operator vouches')
  // Tampering with the witnessed member fails: a proof for another entry, a forged cosignature.
  const other = (await bundleOf(2)).witnessed as { proof: string }
  t.equal((await verify({ ...b, witnessed: { ...w, proof: other.proof } }, ['--policy', policyPath])).code, 1, 'a proof for another entry is refused')
  const lines = w.proof.split('\n')
  const cosLine = lines.findIndex((l) => l.startsWith('\u2014 witness'))
  const sig = lines[cosLine].split(' ')
  sig[2] = sig[2].slice(0, 20) + (sig[2][20] === 'A' ? 'B' : 'A') + sig[2].slice(21)
  lines[cosLine] = sig.join(' ')
  const forged = await verify({ ...b, witnessed: { ...w, proof: lines.join('\n') } }, ['--policy', policyPath])
  t.equal(forged.code, 1, 'a damaged cosignature fails its step')
  t.match(forged.stdout, /FAIL {2}\S+ witnessing: cosignature by w\d/)
  const unlinked = await verify({ ...b, witnessed: { ...w, consistency: [...w.consistency, 'ab'.repeat(32)] } }, ['--policy', policyPath])
  t.equal(unlinked.code, 1, 'a consistency proof that does not link the trees fails')
  t.match(unlinked.stdout, /FAIL {2}\S+ witnessing: the document's checkpoint extends the cosigned tree/)

  // Every witness cosigned the newest checkpoint; then all go down and the ledger is killed.
  await eventually('all three witnesses at the ledger size', async () => {
    const r = (await (await fetch(`${ledger.url}/readyz`)).json()) as { treeSize: number; witnessing: { witnessedSize: number | null; witnesses: { size: number | null }[] } }
    return r.witnessing.witnesses.every((x) => x.size === r.treeSize) && r.witnessing.witnessedSize === r.treeSize ? true : undefined
  })
  const before = await (await fetch(`${ledger.url}/v1/checkpoint`)).text()
  t.same(verifyWitnessedCheckpoint(before, { policy }).cosigned.sort(), ['w1', 'w2', 'w3'])
  for (const x of witnesses) await killW(x)
  ledger.child.kill('SIGKILL')
  await waitExit(ledger.child)
  ledger = await startServer({ ...env, WITNESS_POLICY: policyPath })

  for (const path of ['/v1/checkpoint', '/tlog/checkpoint']) {
    const note = await (await fetch(`${ledger.url}${path}`)).text()
    // The same lines; the order may differ (arrival order before, policy order after).
    t.same(note.split('\n').sort(), before.split('\n').sort(), `${path}: the same cosigned checkpoint after the restart`)
    const v = verifyWitnessedCheckpoint(note, { policy })
    t.ok(v.steps.every((s) => s.ok === true), `${path}: log signature, three cosignatures and the quorum verify`)
  }
  const ready = (await (await fetch(`${ledger.url}/readyz`)).json()) as { treeSize: number; witnessing: { witnessedSize: number | null } }
  t.equal(ready.witnessing.witnessedSize, ready.treeSize, 'the witnessed size is back without any witness answering')
  for (const n of [0, 1, 2]) {
    const r = await fetch(`${ledger.url}/v1/proofs/witnessed?index=${n}`)
    t.equal(r.status, 200, `witnessed proof of entry ${n} after the restart`)
    const leaf = (await (await fetch(`${ledger.url}/v1/proofs/inclusion?index=${n}`)).json()) as { leafHash: string }
    t.ok(verifyTlogProof(await r.text(), hexToBytes(leaf.leafHash), { policy }).ok, `and it verifies offline (entry ${n})`)
  }
  const after = await bundleOf(3)
  t.type(after.witnessed?.proof, 'string', 'bundles issued after the restart still carry the witnessed proof')
  t.equal((await verify(after, ['--policy', policyPath])).code, 0)
  ledger.child.kill('SIGTERM')
  t.same(await waitExit(ledger.child), { code: 0, signal: null }, 'clean shutdown')
})
