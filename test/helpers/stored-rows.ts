// Every row a test app's store holds, whichever driver, as text a test can search for
// leftover bytes (erasure tests): a LevelDB value as hex; a PostgreSQL row as its JSON text,
// where bytea columns appear as \x-hex and text columns as they are.
import pg from 'pg'
import { storeOf } from '../../chain/storage.ts'
import { LevelStore } from '../../chain/store.ts'
import { bytesToHex } from '../../chain/encoding.ts'
import type { TestApp } from './app.ts'

export async function storedRows(h: TestApp): Promise<string[]> {
  const store = storeOf(h.app.ledger.log.storage)
  const out: string[] = []
  if (store instanceof LevelStore) {
    for await (const [, value] of store.db.iterator()) out.push(bytesToHex(value))
    return out
  }
  if (!h.env.DATABASE_URL) throw new Error('neither a LevelDB store nor a database URL')
  const c = new pg.Client({ connectionString: h.env.DATABASE_URL })
  await c.connect()
  try {
    const tables = await c.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
    for (const { tablename } of tables.rows) {
      const rows = await c.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ${pg.escapeIdentifier(tablename)} t`)
      for (const r of rows.rows) out.push(r.row)
    }
  } finally {
    await c.end()
  }
  return out
}

/** Whether any stored row holds these bytes (as hex) or this text. */
export function rowsHold(rows: readonly string[], needle: Uint8Array): boolean {
  const hex = bytesToHex(needle)
  const text = Buffer.from(needle).toString('utf8')
  return rows.some((r) => r.includes(hex) || r.includes(text))
}
