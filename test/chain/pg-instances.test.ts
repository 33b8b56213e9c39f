// Several ledger instances over one PostgreSQL database: one log, contiguous heights, every
// acknowledged receipt verifying, duplicates across instances making one entry, and nothing
// acknowledged lost when an instance is killed -9 or the database restarts under load.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { auditLog } from '../../chain/audit.ts'
import { bytesToHex, hexToBytes } from '../../chain/encoding.ts'
import { Log, type AppendOutcome } from '../../chain/log.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { storeOf } from '../../chain/storage.ts'
import { verifyConsistency, verifyReceipt, type Receipt } from '../../chain/verify.ts'
import { ORIGIN, request, testSigner, TEST_SEED } from '../helpers/fixtures.ts'
import { startPostgres } from '../helpers/postgres.ts'

const pg = await startPostgres(t)
if ('skip' in pg) {
  t.test('several instances over one PostgreSQL', { skip: pg.skip }, async () => undefined)
} else {
  const vkey = testSigner().vkey
  const open = async (url: string) => Log.open({ storage: await openPgStorage(url), origin: ORIGIN, signer: testSigner() })

  /** One log: audit clean over every block, each instance at the same head once refreshed. */
  async function checkOneLog(t: Test, logs: Log[]): Promise<void> {
    for (const l of logs) await l.refresh()
    const [a, ...rest] = logs
    for (const l of rest) {
      t.equal(l.size, a.size, 'instances agree on the size')
      t.equal(l.checkpoint(), a.checkpoint(), 'and on the checkpoint')
    }
    const report = await auditLog(a.storage, { vkeys: [vkey], origin: ORIGIN })
    t.ok(report.ok, report.error ?? 'audit clean: heights contiguous, links, roots, signatures')
    t.equal(report.blocks, a.height + 1, 'every height from 0 to the head is a block')
    t.equal(report.size, a.size)
  }

  for (const n of [2, 3]) {
    t.test(`${n} instances, concurrent writers on all of them`, async (t) => {
      const url = await pg.newDatabase()
      const logs = await Promise.all(Array.from({ length: n }, () => open(url)))
      t.teardown(() => Promise.all(logs.map((l) => l.close())))
      const receipts: Receipt[] = []
      const take = (o: AppendOutcome) => { if (o.status === 'created') receipts.push(o.receipt) }
      let next = 0
      const writers = logs.flatMap((log) => Array.from({ length: 6 }, async () => {
        for (let k = 0; k < 15; k++) {
          const group = Array.from({ length: 1 + (k % 3) }, () => request(next++))
          for (const o of await log.append(group)) take(o)
        }
      }))
      // The same submission sent to every instance at once: one entry, the rest replays.
      const shared = Array.from({ length: 20 }, async (_, s) => {
        await sleep(s * 5)
        const outcomes = (await Promise.all(logs.map((l) => l.append([{ ...request(0), id: `S-${s}` }])))).flat()
        outcomes.forEach(take)
        t.equal(outcomes.filter((o) => o.status === 'created').length, 1, `S-${s}: one entry`)
        t.equal(new Set(outcomes.map((o) => (o.status === 'created' ? o.index : o.index))).size, 1, `S-${s}: every instance names the same index`)
      })
      await Promise.all([...writers, ...shared])
      t.equal(receipts.length, next + 20, 'every request made exactly one entry')
      await checkOneLog(t, logs)
      const final = logs[0]
      const bad = receipts.filter((r) => !verifyReceipt(r, vkey).every((s) => s.ok !== false))
      t.equal(bad.length, 0, `all ${receipts.length} acknowledged receipts verify`)
      // Each receipt's checkpoint is consistent with the final one: no instance forked.
      const sizes = [...new Set(receipts.map((r) => r.inclusion.treeSize))]
      let consistent = 0
      for (const size of sizes) {
        const r = receipts.find((x) => x.inclusion.treeSize === size)!
        const root = await final.rootAt(size)
        const proof = await final.consistencyProof(size, final.size)
        if (verifyConsistency(size, final.size, proof, root, final.root()) && (await final.leafHash(r.entry.index)) === r.entry.leafHash) consistent++
      }
      t.equal(consistent, sizes.length, `${sizes.length} block checkpoints consistent with the final tree`)
    })
  }

  t.test('kill -9 of one instance process under load: 0 acknowledged lost', async (t) => {
    const url = await pg.newDatabase()
    // Created here first, so the writers do not race the schema migration's first block.
    await (await open(url)).close()
    const children = ['A', 'B', 'C'].map((name) => {
      const child = spawn(process.execPath, ['--import', 'tsx', new URL('../helpers/pg-writer.ts', import.meta.url).pathname], {
        env: { ...process.env, DATABASE_URL: url, WRITER_NAME: name, WRITER_SEED: bytesToHex(TEST_SEED) },
        stdio: ['pipe', 'pipe', 'inherit'],
      })
      let out = ''
      child.stdout.on('data', (c: Buffer) => { out += c.toString() })
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
      return { name, child, exited, lines: () => out.split('\n').slice(0, -1) }
    })
    t.teardown(() => { for (const c of children) c.child.kill('SIGKILL') })
    // Bounded: a child that never gets ready fails the test with what it said, not tap's timeout.
    const readyBy = Date.now() + 90_000
    while (!children.every((c) => c.lines().includes('ready'))) {
      if (Date.now() > readyBy) throw new Error(`writers not ready after 90 s: ${children.map((c) => `${c.name}: ${c.lines().slice(0, 3).join(' | ')}`).join('; ')}`)
      await sleep(50)
    }
    await sleep(1500)
    children[0].child.kill('SIGKILL')
    await children[0].exited
    await sleep(1000)
    for (const c of children.slice(1)) c.child.stdin.end()
    const stopped = await Promise.race([Promise.all(children.map((c) => c.exited)).then(() => true), sleep(90_000).then(() => false)])
    if (!stopped) throw new Error(`writers did not stop within 90 s: ${children.map((c) => `${c.name}: ${c.lines().at(-1)}`).join('; ')}`)
    t.ok(children.slice(1).every((c) => c.lines().at(-1) === 'done'), 'the survivors kept writing and stopped cleanly')

    const log = await open(url)
    t.teardown(() => log.close())
    const store = storeOf(log.storage)
    let created = 0
    let replays = 0
    let lost = 0
    const sharedIndex = new Map<string, number>()
    for (const c of children) {
      for (const line of c.lines()) {
        const [index, leaf, id] = line.split(' ')
        if (id === undefined) continue
        const i = Number(index)
        if (leaf === '-') {
          replays++
          if ((await store.byKindId('evidence', id, 'test-platform'))?.index !== i) lost++
        } else {
          created++
          if ((await log.leafHash(i)) !== leaf) lost++
        }
        if (id.startsWith('S-')) {
          if (sharedIndex.has(id) && sharedIndex.get(id) !== i) lost++
          sharedIndex.set(id, i)
        }
      }
    }
    t.comment(`acknowledged: ${created} entries and ${replays} cross-instance replays (killed instance: ${children[0].lines().length - 1} lines); lost: ${lost}`)
    t.ok(created > 100, 'under load')
    t.ok(children[0].lines().length > 10, 'the killed instance had acknowledged entries')
    t.equal(lost, 0, '0 acknowledged records lost, each shared id one entry')
    await checkOneLog(t, [log])
  })

  t.test('PostgreSQL restarted under load: appends fail while it is away, resume after, 0 acknowledged lost', async (t) => {
    const url = await pg.newDatabase()
    const log = await open(url)
    t.teardown(() => log.close())
    const acked = new Map<number, string>()
    let failed = 0
    let stop = false
    let next = 0
    const writers = Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          for (const o of await log.append([request(next++)])) if (o.status === 'created') acked.set(o.index, o.receipt.entry.leafHash)
        } catch {
          failed++
          await sleep(20)
        }
      }
    })
    let before = 0
    let restarted = 0
    try {
      await sleep(500)
      before = acked.size
      await pg.stop()
      await sleep(300)
      await pg.start()
      restarted = acked.size
      await sleep(1000)
    } finally {
      stop = true
      await Promise.all(writers)
    }
    t.ok(failed > 0, `appends failed while the database was away (${failed})`)
    t.ok(acked.size > restarted && restarted >= before, `appends resumed after the restart (${before} → ${restarted} → ${acked.size})`)
    let lost = 0
    for (const [i, leaf] of acked) if ((await log.leafHash(i)) !== leaf) lost++
    t.equal(lost, 0, `0 of ${acked.size} acknowledged lost`)
    await checkOneLog(t, [log])
  })
}
