// Schema version 2 → 3 on a database with a log in it: the entry's leaf, subject, kind+id
// and sealed payload move from their own tables into el_entry, and the log reopens whole.
// The version-2 database is made by writing a log with this version and folding its rows
// back out into the version-2 tables by SQL (the inverse of the step under test).
import t from 'tap'
import pg from 'pg'
import { auditLog } from '../../chain/audit.ts'
import { utf8ToBytes } from '../../chain/encoding.ts'
import { Log } from '../../chain/log.ts'
import { openPgStorage } from '../../chain/pg-store.ts'
import { SCHEMA_VERSION } from '../../chain/pg-schema.ts'
import { storeOf } from '../../chain/storage.ts'
import { ORIGIN, request, testSigner } from '../helpers/fixtures.ts'
import { startPostgres } from '../helpers/postgres.ts'

const server = await startPostgres(t)

const TO_VERSION_2 = `
  CREATE TABLE el_kind_id (kind text NOT NULL, id text NOT NULL, owner text NOT NULL, idx bigint NOT NULL, fingerprint bytea NOT NULL, PRIMARY KEY (kind, id, owner));
  CREATE TABLE el_subject (subject text NOT NULL, idx bigint NOT NULL, PRIMARY KEY (subject, idx));
  CREATE TABLE el_leaf (leaf bytea PRIMARY KEY, idx bigint NOT NULL);
  CREATE TABLE el_payload (idx bigint PRIMARY KEY, payload bytea NOT NULL, key_id bigint);
  INSERT INTO el_kind_id SELECT kind, id, owner, idx, fingerprint FROM el_entry;
  INSERT INTO el_subject SELECT subject, idx FROM el_entry;
  INSERT INTO el_leaf SELECT leaf, idx FROM el_entry;
  INSERT INTO el_payload SELECT idx, payload, key_id FROM el_entry WHERE payload IS NOT NULL;
  ALTER TABLE el_entry DROP COLUMN leaf, DROP COLUMN subject, DROP COLUMN kind, DROP COLUMN id, DROP COLUMN owner,
    DROP COLUMN fingerprint, DROP COLUMN payload, DROP COLUMN key_id;
  DELETE FROM el_migrations WHERE version > 2;`

if ('skip' in server) {
  t.test('schema migration', { skip: server.skip }, async () => undefined)
} else {
  t.test('a version-2 database with a log migrates to the current schema and reopens whole', async (t) => {
    t.equal(SCHEMA_VERSION, 3)
    const url = await server.newDatabase()
    const open = async () => Log.open({ storage: await openPgStorage(url), origin: ORIGIN, signer: testSigner() })
    let log = await open()
    for (let b = 0; b < 4; b++) await log.append(Array.from({ length: 3 }, (_, i) => ({ ...request(b * 10 + i), payload: utf8ToBytes(`{"n":${b * 10 + i}}`) })))
    const root = log.root()
    await log.close()

    const db = new pg.Client({ connectionString: url })
    await db.connect()
    t.teardown(() => db.end())
    await db.query(`BEGIN; ${TO_VERSION_2} COMMIT;`)
    t.equal((await db.query('SELECT count(*)::int AS n FROM el_payload')).rows[0].n, 12, 'version 2: payloads in their own table')

    log = await open()
    t.teardown(() => log.close())
    t.same(log.root(), root, 'same tree')
    const tables = (await db.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('el_payload', 'el_leaf', 'el_subject', 'el_kind_id')`)).rows
    t.same(tables, [], 'the folded tables are gone')
    t.equal((await db.query('SELECT max(version) AS v FROM el_migrations')).rows[0].v, 3)
    const store = storeOf(log.storage)
    t.equal(new TextDecoder().decode(await store.payload(7)), '{"n":21}', 'a sealed payload opens after the move')
    t.equal((await store.byKindId('evidence', request(21).id, request(21).owner))?.index, 7, 'kind+id finds its entry')
    const leaf = (await store.entry(7))!.nodes.subarray(0, 32)
    t.equal(await store.byLeafHash(leaf), 7, 'the leaf index answers')
    const report = await auditLog(log.storage, { vkeys: [testSigner().vkey], origin: ORIGIN })
    t.ok(report.ok, report.error ?? 'audit clean')
    const more = await log.append([{ ...request(99), payload: utf8ToBytes('{"n":99}') }])
    t.equal(more[0].status, 'created', 'and it appends on')
  })
}
