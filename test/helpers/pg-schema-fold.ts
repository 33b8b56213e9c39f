// Older PostgreSQL schema versions for migration tests, made from a database the current
// version wrote (the inverse of the later steps, by SQL): a test then reopens it and checks
// that the steps in chain/pg-schema.ts bring it back whole.
import pg from 'pg'

/** Version 5 → 4: leaf, subject, kind+id and sealed payload back out of el_entry into their own tables. */
const UNFOLD_ENTRY = `
  CREATE TABLE el_kind_id (kind text NOT NULL, id text NOT NULL, owner text NOT NULL, idx bigint NOT NULL, fingerprint bytea NOT NULL, PRIMARY KEY (kind, id, owner));
  CREATE TABLE el_subject (subject text NOT NULL, idx bigint NOT NULL, PRIMARY KEY (subject, idx));
  CREATE TABLE el_leaf (leaf bytea PRIMARY KEY, idx bigint NOT NULL);
  CREATE TABLE el_payload (idx bigint PRIMARY KEY, payload bytea NOT NULL, key_id bigint);
  INSERT INTO el_kind_id SELECT kind, id, owner, idx, fingerprint FROM el_entry;
  INSERT INTO el_subject SELECT subject, idx FROM el_entry;
  INSERT INTO el_leaf SELECT leaf, idx FROM el_entry;
  INSERT INTO el_payload SELECT idx, payload, key_id FROM el_entry WHERE payload IS NOT NULL;
  ALTER TABLE el_entry DROP COLUMN leaf, DROP COLUMN subject, DROP COLUMN kind, DROP COLUMN id, DROP COLUMN owner,
    DROP COLUMN fingerprint, DROP COLUMN payload, DROP COLUMN key_id;`

/** Turns a current database into what schema version 4 wrote (sealed payloads in el_payload). */
export async function foldToVersion4(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    await db.query(`BEGIN; ${UNFOLD_ENTRY} DELETE FROM el_migrations WHERE version > 4; COMMIT;`)
  } finally {
    await db.end()
  }
}

/**
 * Turns a current database into what schema version 1 wrote: no search index, no cosigned
 * checkpoints, no payload keys, and each payload stored as its plain bytes. Version 1 never
 * sealed, so the caller passes the opened payloads (index → bytes), read through the store.
 */
export async function foldToVersion1(url: string, plain: ReadonlyMap<number, Uint8Array>): Promise<void> {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    await db.query(`BEGIN; ${UNFOLD_ENTRY}`)
    await db.query('DELETE FROM el_payload')
    await db.query('ALTER TABLE el_payload DROP COLUMN key_id')
    const idx = [...plain.keys()]
    await db.query('INSERT INTO el_payload (idx, payload) SELECT * FROM unnest($1::bigint[], $2::bytea[])', [idx, idx.map((i) => Buffer.from(plain.get(i)!))])
    await db.query('DROP TABLE el_hash, el_cosigned, el_payload_key; DELETE FROM el_migrations WHERE version > 1; COMMIT;')
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined)
    throw e
  } finally {
    await db.end()
  }
}
