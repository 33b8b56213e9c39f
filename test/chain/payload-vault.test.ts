// Crypto-shredding: a payload sealed under a vault key opens only at its own index and
// only until the key is shredded; a shredded key is gone from every file of the vault.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { PayloadVault, vaultFiles } from '../../chain/payload-vault.ts'
import { BlockSealer, openPayload, payloadKeyId } from '../../chain/payload-cipher.ts'
import { tempDir } from '../helpers/fixtures.ts'

const plain = new TextEncoder().encode('{"record":{"name":"郑州独一无二科技有限公司"},"salt":"c2FsdA=="}')

t.test('payloads sealed in one block stream each open alone, and hold no plaintext', async (t) => {
  const vault = await PayloadVault.open(tempDir(t), 0)
  t.teardown(() => vault.close())
  const { id, key } = await vault.take()
  const sealer = new BlockSealer(id, key)
  const texts = [plain, new TextEncoder().encode('x'), new Uint8Array(0), new TextEncoder().encode('a'.repeat(33)), plain]
  // Two calls on one sealer: the key stream continues where the first call left off.
  const rows = [...sealer.sealAll(texts.slice(0, 2)), ...sealer.sealAll(texts.slice(2))]
  for (const [i, row] of rows.entries()) {
    t.equal(payloadKeyId(row), id)
    t.same(openPayload(row, (await vault.key(id))!), texts[i], `payload ${i} opens on its own`)
  }
  t.notSame(Buffer.from(rows[0].subarray(17)), Buffer.from(rows[4].subarray(17)), 'the same payload twice is sealed differently (its own place in the stream)')
  const other = await vault.take()
  t.notSame(openPayload(rows[0], other.key), plain, 'another key does not open it')
  t.equal(payloadKeyId(new TextEncoder().encode('{"record":1}')), null, 'a row from before sealing is recognised')
  t.notOk(Buffer.from(rows[0]).includes(Buffer.from('郑州独一无二')), 'the row holds no plaintext')
})

t.test('keys are durable before they are handed out, survive a reopen, and a shredded key leaves no trace in any vault file', async (t) => {
  const dir = tempDir(t)
  let vault = await PayloadVault.open(dir, 0)
  const taken = []
  for (let i = 0; i < 3000; i++) taken.push(await vault.take())
  t.equal(vault.next, 3000)
  await vault.close()
  vault = await PayloadVault.open(dir, 3000)
  t.teardown(() => vault.close())
  for (const k of [taken[0], taken[1500], taken[2999]]) t.same(await vault.key(k.id), k.key, `key ${k.id} read back after reopen`)
  const victim = taken[1234]
  await vault.shred([victim.id])
  t.equal(await vault.key(victim.id), undefined, 'a shredded key is gone')
  const files = vaultFiles(dir)
  t.ok(files.length >= 1)
  for (const f of files) t.notOk(readFileSync(f).includes(Buffer.from(victim.key)), `${f} holds no copy of the shredded key`)
  t.same(await vault.key(taken[1235].id), taken[1235].key, 'its neighbour is untouched')
  const next = await vault.take()
  t.equal(next.id, 3000, 'ids continue where the log left off')
})

t.test('the store seals payloads, re-seals a block\'s other payloads on erasure, and finishes an interrupted erasure at open', async (t) => {
  const { LevelStore, vaultDir, keys } = await import('../../chain/store.ts')
  const { openLog, request } = await import('../helpers/fixtures.ts')
  const dir = tempDir(t)
  let log = await openLog(dir)
  const text = (i: number) => new TextEncoder().encode(`{"record":{"n":"机密-${i}"},"salt":"AAAA"}`)
  await log.append([0, 1, 2].map((i) => ({ ...request(i), payload: text(i) })))
  const target = await log.statement(1)
  await log.append([{
    kind: 'redaction', id: 'evidence:E-1', subject: target!.subject, commitment: target!.commitment, submitter: 'ops', owner: 'test-platform',
    refs: [{ index: 1, leafHash: (await log.leafHash(1))! }], fingerprint: new Uint8Array([9]), erase: { index: 1, kind: 'evidence', id: 'E-1', owner: 'test-platform' },
  }])
  t.same(await log.payload(0), text(0), 'a neighbour opens after re-sealing')
  t.same(await log.payload(2), text(2))
  t.equal(await log.payload(1), undefined, 'the erased payload is gone')
  await log.close()

  // Simulate a crash after an erasure's block committed but before its key was destroyed.
  const store = new LevelStore(dir)
  await store.open()
  const row = (await store.db.get(keys.payload(0)))!
  const keyId = payloadKeyId(row)!
  await store.db.put(keys.pendingShred(), new TextEncoder().encode(JSON.stringify([keyId])))
  await store.close()
  const reopened = new LevelStore(dir)
  await reopened.open()
  t.equal(await reopened.db.get(keys.pendingShred()), undefined, 'the pending erasure is finished at open')
  t.equal(await reopened.payload(0), undefined, 'and what its key sealed can no longer be opened')
  const vault = await PayloadVault.open(vaultDir(dir), 0)
  t.equal(await vault.key(keyId), undefined)
  await vault.close()
  await reopened.close()
})
