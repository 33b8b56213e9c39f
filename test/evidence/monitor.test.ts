import t from 'tap'
import { checkOnce } from '../../src/commands/monitor.ts'
import { makeApp } from '../helpers/app.ts'
import { appendEvidence as append, forkOf, listen } from '../helpers/forked-ledgers.ts'

t.test('monitor: growth is proven consistent; a fork with the same key, a shrink and a foreign key are alerts', async (t) => {
  const a = await makeApp(t)
  await append(a, 0, 10)
  // Ledger B starts as a verified copy of A (same key, same prefix), then both diverge.
  const b = await forkOf(t, a)
  t.equal(b.app.ledger.log.checkpoint(), a.app.ledger.log.checkpoint(), 'B starts identical to A')
  const urlA = await listen(a)
  const urlB = await listen(b)
  const vkey = a.app.ledger.log.signer.vkey

  const first = await checkOnce(urlA, vkey, null)
  t.ok(first.ok)
  if (!first.ok) return
  await append(a, 100, 5)
  const grown = await checkOnce(urlA, vkey, first.state)
  t.ok(grown.ok, 'A grew consistently')
  if (!grown.ok) return
  t.equal(grown.state.size, 15)

  await append(b, 500, 9)
  const fork = await checkOnce(urlB, vkey, grown.state)
  t.notOk(fork.ok, 'B, signed by the same key, is not an extension of what A showed')
  if (!fork.ok) t.match(fork.alert, /FORK/)

  await append(b, 900, 1)
  const sameSizeFork = await checkOnce(urlB, vkey, { ...grown.state, size: 20 })
  t.notOk(sameSizeFork.ok)
  if (!sameSizeFork.ok) t.match(sameSizeFork.alert, /FORK/)

  const bigger = await checkOnce(urlB, vkey, null)
  if (!bigger.ok) return t.fail('B first view')
  const shrink = await checkOnce(urlA, vkey, bigger.state)
  t.notOk(shrink.ok)
  if (!shrink.ok) t.match(shrink.alert, /SHRANK/)

  const other = await makeApp(t)
  const urlOther = await listen(other)
  const foreign = await checkOnce(urlOther, vkey, null)
  t.notOk(foreign.ok)
  if (!foreign.ok) t.match(foreign.alert, /BAD SIGNATURE/)
})
