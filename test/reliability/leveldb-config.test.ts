// LEVELDB_MAX_OPEN_FILES, LEVELDB_WRITE_BUFFER_MB and LEVELDB_CACHE_MB (issue 18): parsed, refused at start with
// a one-line configuration error when LevelDB would not run them as written, and what the
// serving process's LevelDB is actually opened with.
import t from 'tap'
import { storeOf } from '../../chain/storage.ts'
import { LEVEL_OPTIONS, LevelStore, SERVING_LEVEL_OPTIONS } from '../../chain/store.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { describeStartupError } from '../../src/startup-errors.ts'
import { makeApp } from '../helpers/app.ts'
import { tempDir } from '../helpers/fixtures.ts'

const MB = 1024 * 1024

t.test('defaults: the serving process holds few table files open, a small memtable, no block cache', async (t) => {
  t.same(loadConfig({}).leveldb, { maxOpenFiles: 74, writeBufferSize: 8 * MB, cacheSize: 0 })
  t.same(SERVING_LEVEL_OPTIONS, { maxOpenFiles: 74, writeBufferSize: 8 * MB, cacheSize: 0 })
  // Bulk tools keep LevelDB's usual open files and block cache, and the large memtable.
  t.same(LEVEL_OPTIONS, { maxOpenFiles: 1000, writeBufferSize: 32 * MB, cacheSize: 8 * MB })
})

t.test('values are parsed', async (t) => {
  t.same(loadConfig({ LEVELDB_MAX_OPEN_FILES: '1000', LEVELDB_WRITE_BUFFER_MB: '32', LEVELDB_CACHE_MB: '8' }).leveldb, { maxOpenFiles: 1000, writeBufferSize: 32 * MB, cacheSize: 8 * MB })
  t.same(loadConfig({ LEVELDB_MAX_OPEN_FILES: '74', LEVELDB_WRITE_BUFFER_MB: '1', LEVELDB_CACHE_MB: '4095' }).leveldb, { maxOpenFiles: 74, writeBufferSize: MB, cacheSize: 4095 * MB })
  t.same(loadConfig({ LEVELDB_MAX_OPEN_FILES: '', LEVELDB_WRITE_BUFFER_MB: '', LEVELDB_CACHE_MB: '' }).leveldb, { maxOpenFiles: 74, writeBufferSize: 8 * MB, cacheSize: 0 }, 'empty is unset')
})

t.test('bad values are refused with a line that says what is allowed', async (t) => {
  t.throws(() => loadConfig({ LEVELDB_MAX_OPEN_FILES: '73' }), new ConfigError('LEVELDB_MAX_OPEN_FILES must be between 74 and 50000, got 73'))
  t.throws(() => loadConfig({ LEVELDB_MAX_OPEN_FILES: '50001' }), new ConfigError('LEVELDB_MAX_OPEN_FILES must be between 74 and 50000, got 50001'))
  t.throws(() => loadConfig({ LEVELDB_MAX_OPEN_FILES: '1e3' }), new ConfigError('LEVELDB_MAX_OPEN_FILES must be a whole number, got "1e3"'))
  t.throws(() => loadConfig({ LEVELDB_WRITE_BUFFER_MB: '0' }), new ConfigError('LEVELDB_WRITE_BUFFER_MB must be between 1 and 1024, got 0'))
  t.throws(() => loadConfig({ LEVELDB_WRITE_BUFFER_MB: '2048' }), new ConfigError('LEVELDB_WRITE_BUFFER_MB must be between 1 and 1024, got 2048'))
  t.throws(() => loadConfig({ LEVELDB_WRITE_BUFFER_MB: '4.5' }), new ConfigError('LEVELDB_WRITE_BUFFER_MB must be a whole number, got "4.5"'))
  // classic-level takes the cache size as a 32-bit number of bytes.
  t.throws(() => loadConfig({ LEVELDB_CACHE_MB: '4096' }), new ConfigError('LEVELDB_CACHE_MB must be between 0 and 4095, got 4096'))
  t.throws(() => loadConfig({ LEVELDB_CACHE_MB: '-1' }), new ConfigError('LEVELDB_CACHE_MB must be a whole number, got "-1"'))
  // The service refuses to start with it: one line on stderr, no stack.
  const e = await makeApp(t, { LEVELDB_MAX_OPEN_FILES: '10' }).then(() => null, (err: unknown) => err)
  t.ok(e instanceof ConfigError)
  t.equal(describeStartupError(e), 'configuration: LEVELDB_MAX_OPEN_FILES must be between 74 and 50000, got 10')
})

t.test('the serving app opens its LevelDB with them', { skip: process.env.LEDGER_TEST_STORE === 'postgres' && 'LevelDB only' }, async (t) => {
  const { app } = await makeApp(t, { LEVELDB_MAX_OPEN_FILES: '300', LEVELDB_WRITE_BUFFER_MB: '2', LEVELDB_CACHE_MB: '3' })
  const store = storeOf(app.ledger.log.storage)
  t.ok(store instanceof LevelStore)
  t.same((store as LevelStore).tuning, { maxOpenFiles: 300, writeBufferSize: 2 * MB, cacheSize: 3 * MB })
  // Unset: the serving defaults, not the bulk tools' ones.
  const plain = await makeApp(t)
  t.same((storeOf(plain.app.ledger.log.storage) as LevelStore).tuning, SERVING_LEVEL_OPTIONS)
})

t.test('LevelDB runs with the options and reports its own memory', async (t) => {
  const store = new LevelStore(tempDir(t), { maxOpenFiles: 80, writeBufferSize: MB, cacheSize: 0 })
  await store.open()
  t.teardown(() => store.close())
  t.same(store.tuning, { maxOpenFiles: 80, writeBufferSize: MB, cacheSize: 0 })
  const empty = store.memoryBytes()
  t.ok(Number.isSafeInteger(empty) && empty >= 0, `memtables + block cache: ${empty} bytes`)
  await store.putCosigned(['latest'], 1, 'x'.repeat(100_000))
  t.ok(store.memoryBytes() > empty + 100_000, 'a 100 kB write shows in the memtable')
  t.equal(await store.cosigned('latest'), 'x'.repeat(100_000), 'read back without a block cache')
})
