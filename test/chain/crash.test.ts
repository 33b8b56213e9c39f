import t from 'tap'
import { spawn } from 'node:child_process'
import { bytesToHex } from '../../chain/encoding.ts'
import { leafHash } from '../../chain/hash.ts'
import { merkleRoot } from '../../chain/tree.ts'
import { blockHash, verifyBlockLink, type BlockHeader } from '../../chain/block.ts'
import { storeOf } from '../../chain/storage.ts'
import { verifyCheckpoint } from '../../chain/verify.ts'
import { openLog, request, tempDir, testSigner, TEST_SEED } from '../helpers/fixtures.ts'

const ROUNDS = 6

/** Runs the writer until it has acknowledged `target` entries, then kill -9s it. */
function runAndKill(dir: string, round: number, target: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('../helpers/crash-writer.ts', import.meta.url).pathname], {
      env: { ...process.env, CRASH_DIR: dir, CRASH_SEED: bytesToHex(TEST_SEED), CRASH_ROUND: String(round) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const acked = new Map<number, string>()
    let buffer = ''
    let killed = false
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk
      const lines = buffer.split('\n')
      buffer = lines.pop()! // a line without its newline is not an acknowledgement yet
      for (const line of lines) {
        const [a, b] = line.split(' ')
        if (a !== 'ready') acked.set(Number(a), b)
      }
      if (!killed && acked.size >= target) {
        killed = true
        child.kill('SIGKILL')
      }
    })
    child.on('error', reject)
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own (${signal ?? _code})`))
      else resolve(acked)
    })
  })
}

t.test(`kill -9 under concurrent appends loses no acknowledged entry (${ROUNDS} rounds)`, async (t) => {
  const dir = tempDir(t, 'el-crash-')
  const everAcked = new Map<number, string>()
  for (let round = 0; round < ROUNDS; round++) {
    const target = 50 + Math.floor(Math.random() * 1500)
    const acked = await runAndKill(dir, round, target)
    t.ok(acked.size >= target, `round ${round}: ${acked.size} acknowledged before the kill`)
    for (const [i, h] of acked) everAcked.set(i, h)

    const log = await openLog(dir)
    const leaves: Uint8Array[] = []
    for await (const [index, e] of storeOf(log.storage).scanEntries()) {
      if (index !== leaves.length) throw new Error(`gap in entries at ${leaves.length}`)
      leaves.push(leafHash(e.statement))
    }
    t.equal(leaves.length, log.size, 'every stored entry is in the tree')
    let lost = 0
    for (const [i, h] of everAcked) if (i >= leaves.length || bytesToHex(leaves[i]) !== h) lost++
    t.equal(lost, 0, `round ${round}: all ${everAcked.size} acknowledged entries present with the same leaf hash`)
    t.equal(bytesToHex(merkleRoot(leaves)), log.latestBlock()!.header.root, 'root of all leaves = last block root')

    let prev: BlockHeader | null = null
    let blocks = 0
    for await (const [height, bytes] of storeOf(log.storage).scanBlocks()) {
      const header = JSON.parse(new TextDecoder().decode(bytes)) as BlockHeader
      t.equal(header.height, height)
      if (!verifyBlockLink(prev, header)) t.fail(`block ${height} does not link to ${height - 1}`)
      const cp = verifyCheckpoint((await storeOf(log.storage).checkpoint(height))!, testSigner().vkey)
      if (!cp.ok || cp.checkpoint.size !== header.size || bytesToHex(cp.checkpoint.root) !== header.root) t.fail(`checkpoint ${height} bad`)
      prev = header
      blocks++
    }
    t.equal(prev && blockHash(prev), log.latestBlock()!.hash, `block chain of ${blocks} blocks ends at the head`)

    const [again] = await log.append([request(10_000_000 + round)])
    t.equal(again.status, 'created', 'the reopened log appends again')
    await log.close()
  }
})
