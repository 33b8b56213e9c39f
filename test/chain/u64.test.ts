import t from 'tap'
import fc from 'fast-check'
import { readU64, u64 } from '../../chain/encoding.ts'

t.test('readU64 reads back what u64 writes, at any offset, up to 2^53 - 1', async (t) => {
  fc.assert(fc.property(fc.maxSafeNat(), fc.nat(16), (n, off) => {
    const b = new Uint8Array(off + 8 + 3).fill(0xff)
    b.set(u64(n), off)
    return readU64(b, off) === n
  }))
  t.equal(readU64(u64(2 ** 32)), 2 ** 32)
  t.equal(readU64(new Uint8Array([0, 0, 0, 1, 0x80, 0, 0, 0])), 2 ** 32 + 2 ** 31, 'the low word is unsigned')
  t.equal(readU64(new Uint8Array([0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), Number.MAX_SAFE_INTEGER)
})

t.test('readU64 refuses to read past its buffer', async (t) => {
  t.throws(() => readU64(new Uint8Array(7)), RangeError)
  t.throws(() => readU64(new Uint8Array(10), 3), RangeError)
})
