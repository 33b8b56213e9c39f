// The one way code outside chain/ reaches a ledger's storage: an opaque handle it can pass
// to chain/ (Log.open, auditLog, exportLines, restoreLines) and close, but not read or
// write. Only chain/ turns a handle back into its driver (storeOf), so a second driver
// (PostgreSQL, …) plugs in here and its callers do not change.
import { LEVEL_OPTIONS, LevelStore, SERVING_LEVEL_OPTIONS, type LedgerStore, type LevelTuning } from './store.ts'

export { LEVEL_OPTIONS, SERVING_LEVEL_OPTIONS, type LevelTuning }

export interface LedgerStorage {
  /** Where it lives, for messages. */
  readonly location: string
  close(): Promise<void>
}

const drivers = new WeakMap<LedgerStorage, LedgerStore>()

/** A handle on a store its driver has opened. */
export function storageOf(store: LedgerStore, location: string): LedgerStorage {
  const handle: LedgerStorage = { location, close: () => store.close() }
  drivers.set(handle, store)
  return handle
}

/** chain/ only: the driver behind a handle. */
export function storeOf(storage: LedgerStorage): LedgerStore {
  const store = drivers.get(storage)
  if (store === undefined) throw new TypeError('not a ledger storage handle (open one with openLevelStorage)')
  return store
}

/**
 * Opens the LevelDB storage at `path`, creating an empty one if there is none; `tuning`
 * overrides LEVEL_OPTIONS (a serving process passes SERVING_LEVEL_OPTIONS or LEVELDB_*).
 */
export async function openLevelStorage(path: string, tuning?: LevelTuning): Promise<LedgerStorage> {
  const store = new LevelStore(path, tuning)
  await store.open()
  return storageOf(store, path)
}
