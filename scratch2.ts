import { Level } from 'level'
import { rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
for (const enc of ['view', 'buffer'] as const) {
  rmSync('/tmp/lv2', { recursive: true, force: true })
  const db = new Level<any, any>('/tmp/lv2', { keyEncoding: enc, valueEncoding: enc }); await db.open()
  const t = performance.now()
  for (let b = 0; b < 10; b++) {
    const ops = Array.from({ length: 9000 }, () => ({ type: 'put' as const, key: randomBytes(20), value: randomBytes(100) }))
    await db.batch(ops, { sync: true })
  }
  console.log(enc, performance.now() - t)
  const t2 = performance.now()
  for (let b = 0; b < 10; b++) {
    const batch = db.batch()
    for (let i = 0; i < 9000; i++) batch.put(randomBytes(20), randomBytes(100))
    await batch.write({ sync: true })
  }
  console.log(enc, 'chained', performance.now() - t2)
  await db.close()
}
