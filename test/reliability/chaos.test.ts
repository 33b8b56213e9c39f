import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

t.test('chaos (3 cycles of kill -9 under load): nothing acknowledged is lost, checkpoints consistent, audit clean', async (t) => {
  const script = new URL('../../scripts/chaos.ts', import.meta.url).pathname
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--cycles', '3'], { timeout: 180_000 })
  const count = (label: string) => Number(new RegExp(`^${label} (\\d+)`, 'm').exec(stdout)?.[1])
  t.ok(count('acknowledged') > 0, `${count('acknowledged')} receipts acknowledged across the kills`)
  t.equal(count('present'), count('acknowledged'), 'every acknowledged receipt is present with its index and leaf hash')
  t.equal(count('lost'), 0)
  t.match(stdout, /^audit clean/m)
  t.match(stdout, /clean shutdown after SIGTERM: exit 0/)
  t.ok(count('checkpoints checked for consistency') >= 4)
})
