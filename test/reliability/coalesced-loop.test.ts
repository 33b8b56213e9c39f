import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { CoalescedLoop } from '../../src/coalesced-loop.ts'

// A kick starts its pass from a setImmediate, and a pass's next step follows in microtasks:
// one turn of the check phase sees it, where a 5 ms sleep could fire first on a busy machine.
const turn = () => new Promise<void>((r) => setImmediate(r))

t.test('passes never overlap, and kicks during a pass make exactly one more', async (t) => {
  let running = 0
  let maxRunning = 0
  let passes = 0
  let release: () => void = () => {}
  const loop = new CoalescedLoop({
    pass: async () => {
      running++
      maxRunning = Math.max(maxRunning, running)
      passes++
      await new Promise<void>((r) => { release = r })
      running--
    },
  })
  loop.kick()
  await turn()
  t.equal(passes, 1, 'the first kick started a pass')
  for (let i = 0; i < 50; i++) loop.kick()
  release()
  await turn()
  t.equal(passes, 2, 'fifty kicks during the pass: one more pass')
  release()
  await turn()
  t.equal(passes, 2, 'and no third')
  t.equal(maxRunning, 1, 'never two at once')
  await loop.close()
})

t.test('notBefore holds a pass back; close ends the wait and no pass follows', async (t) => {
  let passes = 0
  let notBefore = 0
  const loop = new CoalescedLoop({ pass: async () => { passes++ }, notBefore: () => notBefore })
  loop.kick()
  await turn()
  t.equal(passes, 1)
  notBefore = Date.now() + 60_000
  loop.kick()
  await sleep(20)
  t.equal(passes, 1, 'a kick before notBefore waits')
  const closed = loop.close()
  await Promise.race([closed, sleep(5_000).then(() => { throw new Error('close did not end the wait') })])
  t.equal(passes, 1, 'no pass after close')
  loop.kick()
  await turn()
  t.equal(passes, 1, 'kicks after close are ignored')
})

t.test('wakeAt runs a pass without a kick; cancelWake and close drop it', async (t) => {
  let passes = 0
  const loop = new CoalescedLoop({ pass: async () => { passes++ } })
  loop.wakeAt(Date.now() + 10)
  await sleep(60)
  t.equal(passes, 1, 'woken')
  loop.wakeAt(Date.now() + 10)
  loop.cancelWake()
  await sleep(60)
  t.equal(passes, 1, 'cancelled')
  loop.wakeAt(Date.now() + 10)
  await loop.close()
  await sleep(60)
  t.equal(passes, 1, 'closed')
})
