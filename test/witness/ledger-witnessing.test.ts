// Real processes end to end: one ledger (`serve` with WITNESS_POLICY) and three
// `evidence-ledger witness` processes, quorum 2 of 3. Records get cosigned checkpoints;
// /v1/proofs/witnessed returns tlog-proofs that verify offline with nothing but the policy
// file; witnesses going down never stop appends, and the quorum comes back when they do.
import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { hexToBytes } from '../../chain/encoding.ts'
import { parseNote } from '../../chain/note.ts'
import { parsePolicy } from '../../chain/policy.ts'
import { verifyTlogProof } from '../../chain/tlog-proof.ts'
import { verifyWitnessedCheckpoint } from '../../chain/witnessed-checkpoint.ts'
import type { Receipt } from '../../chain/verify.ts'
import { CLI, freePort, startServer, waitExit, type ServerProcess } from '../../scripts/server-process.ts'
import { sampleRecords } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'
import { eventually } from '../helpers/eventually.ts'

const run = promisify(execFile)
const ORIGIN = 'ledger.witnessing.test/log'

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } })
  return stdout.trim()
}

interface WitnessProc { name: string; dir: string; port: number; vkey: string; proc: ServerProcess | null }

interface Ready {
  treeSize: number
  witnessing: { quorum: string; witnessedSize: number | null; latestSize: number; witnesses: { name: string; size: number | null; lastError: string | null }[] }
}

t.test('ledger + three real witnesses, quorum 2', async (t) => {
  const ledgerDir = tempDir(t, 'el-lw-ledger-')
  const ledgerVkey = await cli(['keygen'], { DATA_DIR: ledgerDir, LEDGER_ORIGIN: ORIGIN })
  const witnesses: WitnessProc[] = []
  for (const n of [1, 2, 3]) {
    const dir = tempDir(t, `el-lw-w${n}-`)
    const name = `witness${n}.test.example/w`
    witnesses.push({ name: `w${n}`, dir, port: await freePort(), vkey: await cli(['witness', 'vkey', '--name', name], { DATA_DIR: dir }), proc: null })
  }
  const policyText = [
    '# two of three witnesses must cosign',
    `log ${ledgerVkey}`,
    ...witnesses.map((w) => `witness ${w.name} ${w.vkey} http://127.0.0.1:${w.port}`),
    'group banks 2 w1 w2 w3',
    'quorum banks',
    '',
  ].join('\n')
  const policyPath = join(ledgerDir, 'witness-policy.txt')
  writeFileSync(policyPath, policyText)
  const policy = parsePolicy(policyText)

  const startW = async (w: WitnessProc) => {
    w.proc = await startServer({ DATA_DIR: w.dir, PORT: String(w.port) }, undefined, ['witness', '--name', `witness${w.name.slice(1)}.test.example/w`, '--log', ledgerVkey])
  }
  const stopW = async (w: WitnessProc) => {
    w.proc!.child.kill('SIGKILL')
    await waitExit(w.proc!.child)
    w.proc = null
  }
  t.teardown(() => { for (const w of witnesses) if (w.proc && w.proc.child.exitCode === null) w.proc.child.kill('SIGKILL') })
  await Promise.all(witnesses.map(startW))

  const ledger = await startServer({ DATA_DIR: ledgerDir, LEDGER_ORIGIN: ORIGIN, WITNESS_POLICY: policyPath })
  t.teardown(() => { if (ledger.child.exitCode === null) ledger.child.kill('SIGKILL') })
  const token = await cli(['token', '--role', 'submitter', '--sub', 'zhr-platform', '--ttl', '15m'], { DATA_DIR: ledgerDir, LEDGER_ORIGIN: ORIGIN })
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  let n = 0
  const append = async (): Promise<Receipt> => {
    n++
    const r = await fetch(`${ledger.url}/v1/records`, { method: 'POST', headers, body: JSON.stringify({ kind: 'data-authorization', record: sampleRecords(n)['data-authorization'] }) })
    t.equal(r.status, 201, `append ${n} answered 201`)
    return (await r.json()) as Receipt
  }
  const ready = async () => (await (await fetch(`${ledger.url}/readyz`)).json()) as Ready
  const witnessedAt = (size: number) => eventually(`a witnessed checkpoint of size ≥ ${size}`, async () => {
    const r = await ready()
    return r.witnessing.witnessedSize !== null && r.witnessing.witnessedSize >= size ? r : undefined
  })
  const proofOf = async (index: number) => {
    const r = await fetch(`${ledger.url}/v1/proofs/witnessed?index=${index}`)
    return { status: r.status, type: r.headers.get('content-type'), text: await r.text() }
  }

  // Before any record: nothing to witness, the proof route says so with a 404 problem.
  const none = await proofOf(0)
  t.equal(none.status, 404)
  t.match(none.type, /^application\/problem\+json/)

  // Records are cosigned: all three witnesses, served on /v1/checkpoint and /tlog/checkpoint.
  const receipts = [await append(), await append(), await append()]
  await eventually('all three witnesses at size 3', async () => {
    const r = await ready()
    return r.witnessing.witnesses.every((w) => w.size === 3) ? r : undefined
  })
  for (const path of ['/v1/checkpoint', '/tlog/checkpoint']) {
    const note = await (await fetch(`${ledger.url}${path}`)).text()
    const v = verifyWitnessedCheckpoint(note, { policy })
    t.same(v.cosigned.sort(), ['w1', 'w2', 'w3'], `${path} carries all three cosignatures`)
    t.ok(v.steps.every((s) => s.ok === true), `${path}: log signature, each cosignature and the quorum pass`)
    t.equal(parseNote(note).signatures.length, 4, 'log signature + three cosignatures')
  }
  for (const rc of receipts) {
    const p = await proofOf(rc.entry.index)
    t.equal(p.status, 200)
    t.match(p.text, /^c2sp\.org\/tlog-proof@v1\nindex /)
    const v = verifyTlogProof(p.text, hexToBytes(rc.entry.leafHash), { policy })
    t.ok(v.ok, `entry ${rc.entry.index}: witnessed proof verifies offline with the policy alone`)
  }
  const byLeaf = await fetch(`${ledger.url}/v1/proofs/witnessed?leaf=${receipts[1].entry.leafHash}`)
  t.equal(byLeaf.status, 200, 'by leaf hash too')
  const tampered = verifyTlogProof((await proofOf(0)).text, hexToBytes(receipts[1].entry.leafHash), { policy })
  t.notOk(tampered.ok, 'a proof does not verify for another leaf')

  // One witness down: appends go on and 2 of 3 still carry the quorum.
  await stopW(witnesses[2])
  const started = Date.now()
  const more = [await append(), await append()]
  t.ok(Date.now() - started < 10_000, 'appends do not wait for the dead witness')
  await witnessedAt(5)
  const p5 = await proofOf(more[1].entry.index)
  t.equal(p5.status, 200)
  t.ok(verifyTlogProof(p5.text, hexToBytes(more[1].entry.leafHash), { policy }).ok, 'witnessed by w1 and w2 alone')
  const down = (await ready()).witnessing.witnesses.find((w) => w.name === 'w3')!
  t.ok(down.lastError, `readyz reports the dead witness: ${down.lastError}`)
  const metrics = await (await fetch(`${ledger.url}/metrics`)).text()
  t.match(metrics, /ledger_witnessed_tree_size 5/)
  t.match(metrics, /ledger_witness_requests\{witness="w3",result="failed"\} [1-9]/)
  // The console's overview reads the same status from /v1/stats.
  const auditor = await cli(['token', '--role', 'auditor', '--ttl', '15m'], { DATA_DIR: ledgerDir, LEDGER_ORIGIN: ORIGIN })
  const stats = (await (await fetch(`${ledger.url}/v1/stats`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as { witnessing: { quorum: string; witnessedSize: number; witnesses: { name: string; lastError: string | null }[] } }
  t.equal(stats.witnessing.quorum, 'banks')
  t.equal(stats.witnessing.witnessedSize, 5, 'stats: the witnessed size')
  t.ok(stats.witnessing.witnesses.find((w) => w.name === 'w3')?.lastError, 'stats: the dead witness')

  // Two down: the quorum is lost, appends still answer, the witnessed size stays put.
  await stopW(witnesses[1])
  const stuck = [await append(), await append()]
  await sleep(1500)
  const r7 = await ready()
  t.equal(r7.treeSize, 7, 'appends continue without a quorum')
  t.equal(r7.witnessing.witnessedSize, 5, 'no checkpoint past 5 meets the quorum')
  t.equal((await proofOf(stuck[1].entry.index)).status, 404, 'no witnessed proof for an entry past the witnessed size')
  t.equal((await proofOf(more[0].entry.index)).status, 200, 'older entries still get proofs against the size-5 checkpoint')

  // w2 returns: it learns nothing new is needed (its state is size 5), cosigns 7 with a
  // consistency proof, and the quorum recovers without any new append.
  await startW(witnesses[1])
  await witnessedAt(7)
  t.ok(verifyTlogProof((await proofOf(stuck[1].entry.index)).text, hexToBytes(stuck[1].entry.leafHash), { policy }).ok, 'quorum recovered: entry 6 is witnessed')
  // w3 returns from size 3: a 409 tells the ledger its size, then a proof from 3 to 7.
  await startW(witnesses[2])
  await eventually('w3 catching up', async () => {
    const r = await ready()
    return r.witnessing.witnesses.find((w) => w.name === 'w3')!.size === r.treeSize ? r : undefined
  })
  const final = verifyWitnessedCheckpoint(await (await fetch(`${ledger.url}/v1/checkpoint`)).text(), { policy })
  t.same(final.cosigned.sort(), ['w1', 'w2', 'w3'], 'all three cosign again')

  // `verify --policy`: log signature, each cosignature and the quorum as separate steps.
  const dir = tempDir(t, 'el-lw-verify-')
  const rc = stuck[1]
  const proofText = (await proofOf(rc.entry.index)).text
  const files = {
    witnessed: join(dir, 'witnessed.json'), plain: join(dir, 'plain.json'), proof: join(dir, 'proof.txt'), key: join(dir, 'ledger.vkey'),
  }
  writeFileSync(files.witnessed, JSON.stringify({ ...rc, witnessed: { proof: proofText } }))
  writeFileSync(files.plain, JSON.stringify(rc))
  writeFileSync(files.proof, proofText)
  writeFileSync(files.key, ledgerVkey + '\n')
  const verify = (args: string[]) => run(process.execPath, [CLI, 'verify', ...args, '--key', files.key])
    .then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e)
  const v1 = await verify([files.witnessed, '--policy', policyPath])
  t.equal(v1.code, 0, v1.stdout)
  t.match(v1.stdout, /PASS {2}\S+ witnessing: checkpoint is signed by the ledger key/)
  for (const w of ['w1', 'w2', 'w3']) t.match(v1.stdout, new RegExp(`PASS {2}\\S+ witnessing: cosignature by ${w}\\n`), `a step for ${w}`)
  t.match(v1.stdout, /PASS {2}\S+ witnessing: witness quorum\n {6}met: quorum 2 of \(w1, w2, w3\)/)
  t.match(v1.stdout, /WITNESSED: the witness quorum/)
  const v2 = await verify([files.plain])
  t.equal(v2.code, 0, 'a plain receipt still verifies')
  t.match(v2.stdout, /only the log operator vouches/)
  t.match(v2.stdout, /NOT WITNESSED/)
  const v3 = await verify([files.plain, '--policy', policyPath])
  t.equal(v3.code, 1, 'with a policy, a checkpoint nobody cosigned fails the quorum step')
  t.match(v3.stdout, /FAIL {2}\S+ witnessing: witness quorum\n {6}not met/)
  const v4 = await verify([files.proof, '--policy', policyPath, '--leaf', rc.entry.leafHash])
  t.equal(v4.code, 0, 'a bare tlog-proof verifies with --leaf')
  t.match(v4.stdout, /PASS {2}\S+ witnessing: entry is included in the cosigned tree/)
  const v5 = await verify([files.proof, '--policy', policyPath, '--leaf', receipts[0].entry.leafHash])
  t.equal(v5.code, 1, 'and fails for another leaf')
  ledger.child.kill('SIGTERM')
  t.same(await waitExit(ledger.child), { code: 0, signal: null }, 'the ledger still shuts down cleanly')
})
