// The PostgreSQL store's schema (pg-store.ts), created and versioned by the service itself.
// The data of docs/formats.md's LevelDB rows, with everything an entry has exactly one of
// (statement, the hashes of every perfect subtree it completed, leaf, subject, kind+id,
// payload) in one el_entry row since version 5: an append writes one row (plus its el_hash
// search rows) and an audit reads one row per entry. Numbers are bigint, hashes and bytes
// bytea. el_head has exactly one row, created with the schema: every block locks it
// (SELECT … FOR UPDATE), which serializes the blocks of every instance over one database.
import type { PoolClient } from 'pg'
import { payloadDocumentHashes } from './search-hashes.ts'

/**
 * Each step takes the schema from version i to i + 1; never edit a released step, add one.
 * A step is SQL, or a function for what SQL cannot compute (it runs in the same transaction).
 */
const MIGRATIONS: readonly (string | ((client: PoolClient) => Promise<void>))[] = [
  `CREATE TABLE el_head (
     one boolean PRIMARY KEY DEFAULT true CHECK (one),
     size bigint NOT NULL, height bigint NOT NULL, block_hash text NOT NULL, root text NOT NULL
   );
   INSERT INTO el_head VALUES (true, 0, -1, '', '');
   CREATE TABLE el_entry (idx bigint PRIMARY KEY, height bigint NOT NULL, nodes bytea NOT NULL, statement bytea NOT NULL);
   CREATE TABLE el_block (height bigint PRIMARY KEY, header bytea NOT NULL);
   CREATE TABLE el_checkpoint (height bigint PRIMARY KEY, note text NOT NULL);
   CREATE TABLE el_kind_id (kind text NOT NULL, id text NOT NULL, owner text NOT NULL, idx bigint NOT NULL, fingerprint bytea NOT NULL, PRIMARY KEY (kind, id, owner));
   CREATE TABLE el_subject (subject text NOT NULL, idx bigint NOT NULL, PRIMARY KEY (subject, idx));
   CREATE TABLE el_leaf (leaf bytea PRIMARY KEY, idx bigint NOT NULL);
   CREATE TABLE el_ref (target bigint NOT NULL, source bigint NOT NULL, PRIMARY KEY (target, source));
   CREATE TABLE el_payload (idx bigint PRIMARY KEY, payload bytea NOT NULL);`,
  // 2: the search index of commitments and document hashes (search-hashes.ts), filled for
  // the entries already stored: commitments from the statements, documents from the payloads
  // still held (erased ones are gone, and so are their documents).
  async (client) => {
    await client.query(`CREATE TABLE el_hash (hash bytea NOT NULL, idx bigint NOT NULL,
      what text NOT NULL CHECK (what IN ('commitment', 'document')), PRIMARY KEY (hash, idx))`)
    await client.query(`INSERT INTO el_hash (hash, idx, what)
      SELECT decode(substr(convert_from(statement, 'UTF8')::jsonb->>'commitment', 8), 'hex'), idx, 'commitment' FROM el_entry`)
    for (let after = -1; ;) {
      const rows = (await client.query<{ idx: string; payload: Buffer }>('SELECT idx, payload FROM el_payload WHERE idx > $1 ORDER BY idx LIMIT 2000', [after])).rows
      if (rows.length === 0) break
      const hash: Buffer[] = []
      const idx: string[] = []
      for (const r of rows) {
        for (const h of payloadDocumentHashes(r.payload)) {
          hash.push(Buffer.from(h, 'hex'))
          idx.push(r.idx)
        }
      }
      if (hash.length > 0) await client.query(`INSERT INTO el_hash (hash, idx, what) SELECT h, i, 'document' FROM unnest($1::bytea[], $2::bigint[]) AS u(h, i) ON CONFLICT DO NOTHING`, [hash, idx])
      after = Number(rows[rows.length - 1].idx)
    }
  },
  // 3: the witnessing loop's cosigned checkpoints (LevelDB: the m cosigned:<slot> rows).
  `CREATE TABLE el_cosigned (slot text PRIMARY KEY, size bigint NOT NULL, value text NOT NULL);`,
  // 4: payload sealing (pg-payload-keys.ts): one key per block in a table partitioned by key
  // id, so destroying a key rewrites one small partition (VACUUM FULL) rather than the whole
  // table; el_payload names each row's key so a read joins it in the same query. Only new
  // rows are sealed: rows written before this step have no key id and are read as stored
  // (step 2 read them as plain JSON for the same reason: no row is sealed before this step).
  `CREATE TABLE el_payload_key (id bigint PRIMARY KEY, key bytea NOT NULL) PARTITION BY RANGE (id);
   ALTER TABLE el_payload ADD COLUMN key_id bigint;`,
  // 5: one row per entry: its leaf, subject, kind+id+owner with the fingerprint, and payload
  // move into el_entry, so an append inserts one heap row (and four index entries) instead
  // of five rows in five tables: about a third less database CPU per record (bench/store-http.ts).
  `ALTER TABLE el_entry ADD COLUMN leaf bytea, ADD COLUMN subject text, ADD COLUMN kind text, ADD COLUMN id text,
     ADD COLUMN owner text, ADD COLUMN fingerprint bytea, ADD COLUMN payload bytea, ADD COLUMN key_id bigint;
   UPDATE el_entry e SET leaf = l.leaf FROM el_leaf l WHERE l.idx = e.idx;
   UPDATE el_entry e SET subject = s.subject FROM el_subject s WHERE s.idx = e.idx;
   UPDATE el_entry e SET kind = k.kind, id = k.id, owner = k.owner, fingerprint = k.fingerprint FROM el_kind_id k WHERE k.idx = e.idx;
   UPDATE el_entry e SET payload = p.payload, key_id = p.key_id FROM el_payload p WHERE p.idx = e.idx;
   ALTER TABLE el_entry ALTER COLUMN leaf SET NOT NULL, ALTER COLUMN subject SET NOT NULL, ALTER COLUMN kind SET NOT NULL,
     ALTER COLUMN id SET NOT NULL, ALTER COLUMN owner SET NOT NULL, ALTER COLUMN fingerprint SET NOT NULL;
   CREATE UNIQUE INDEX el_entry_leaf ON el_entry (leaf);
   CREATE UNIQUE INDEX el_entry_kind_id ON el_entry (kind, id, owner);
   CREATE INDEX el_entry_subject ON el_entry (subject, idx);
   DROP TABLE el_leaf, el_subject, el_kind_id, el_payload;`,
]

export const SCHEMA_VERSION = MIGRATIONS.length

// Any constant would do; it only has to be the same in every instance so that two
// services starting at once on an empty database do not both create the schema.
const MIGRATION_LOCK = 0x656c6d67

/** Brings the schema up to SCHEMA_VERSION; refuses a database a newer version migrated. */
export async function migrate(client: PoolClient, where: string): Promise<void> {
  await client.query('BEGIN')
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await client.query('CREATE TABLE IF NOT EXISTS el_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())')
    const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM el_migrations')
    const current = r.rows[0].v ?? 0
    if (current > SCHEMA_VERSION) {
      throw new Error(`${where} holds ledger schema version ${current}, this version reads up to ${SCHEMA_VERSION}: upgrade the service`)
    }
    for (let v = current; v < SCHEMA_VERSION; v++) {
      const step = MIGRATIONS[v]
      if (typeof step === 'string') await client.query(step)
      else await step(client)
      await client.query('INSERT INTO el_migrations (version) VALUES ($1)', [v + 1])
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}
