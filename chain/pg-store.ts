// The PostgreSQL LedgerStore driver: the data of the LevelDB layout in tables (pg-schema.ts),
// one block = one transaction, so several ledger instances can share one database. Every
// block write locks the single head row (SELECT … FOR UPDATE) and refuses a block that does
// not extend the head it finds: two instances can never write the same height, and an
// instance whose tree is behind learns it under the lock (exclusive()) and catches up from
// the stored rows before it sequences. Nothing is acknowledged before COMMIT returns.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Pool, PoolClient, QueryResultRow } from 'pg'
import { parseBlockHeader } from './block.ts'
import { ERASED_FINGERPRINT, type KindIdOwner, type KindIdRow } from './idempotency.ts'
import { BlockSealer, openPayload } from './payload-cipher.ts'
import { KEY_IDS_PER_BLOCK, createPartitionSql, partitionName, partitionOf } from './pg-payload-keys.ts'
import { migrate } from './pg-schema.ts'
import { storageOf, storeOf, type LedgerStorage } from './storage.ts'
import { MissingNodeError, nodeRowOf, type BlockWrite, type CosignedSlot, type LedgerStore, type LogHead, type StoredEntry } from './store.ts'
import { commitmentBytes, type HashHit, type HashMatch } from './search-hashes.ts'
import type { NodeId } from './tree.ts'

/** Rows per page of a full scan: one round trip per ~2,000 entries (~0.5 MB). */
const SCAN_PAGE = 2000
const INT8_OID = 20

/** bigint columns come back as JS numbers: every index and height is a safe integer. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

interface HeadRow {
  size: number
  height: number
  block_hash: string
  root: string
}

function headOf(row: HeadRow | undefined): LogHead | null {
  return row === undefined || row.height < 0 ? null : { size: row.size, height: row.height, blockHash: row.block_hash, root: row.root }
}

/** The database URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://…'
  }
}

type Db = Pool | PoolClient

/** What a store and the transaction views it hands out share. */
interface Shared {
  /** Key partitions known to exist (pg-payload-keys.ts). */
  partitions: Set<number>
}

export class PgStore implements LedgerStore {
  readonly location: string
  readonly #pool: Pool
  /** Set on the view exclusive() hands out: every query runs inside its transaction. */
  readonly #tx: PoolClient | null
  readonly #shared: Shared
  /** On a transaction view: key partitions whose keys it destroyed, to rewrite after COMMIT. */
  readonly #shredded = new Set<number>()
  /** On a transaction view: the head as of the lock, moved by each write in it. */
  #lockedHead: LogHead | null = null

  constructor(url: string, pool?: Pool, tx?: PoolClient, shared?: Shared) {
    this.location = redactUrl(url)
    this.#pool = pool ?? new pg.Pool({ connectionString: url, types, max: 8 })
    this.#tx = tx ?? null
    this.#shared = shared ?? { partitions: new Set() }
    // An idle client whose server went away (restart, failover) is reported here; without
    // a listener that error would crash the process. The pool replaces the client.
    if (pool === undefined) this.#pool.on('error', () => undefined)
  }

  get #db(): Db {
    return this.#tx ?? this.#pool
  }

  async #q<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.#db.query<R>(sql, params)).rows
  }

  async open(): Promise<void> {
    let client: PoolClient
    try {
      client = await this.#pool.connect()
    } catch (e) {
      await this.#pool.end().catch(() => undefined)
      throw new Error(`cannot connect to ${this.location}: ${(e as Error).message}`)
    }
    try {
      await migrate(client, this.location)
    } catch (e) {
      client.release()
      await this.#pool.end().catch(() => undefined)
      throw e
    }
    client.release()
  }

  async close(): Promise<void> {
    await this.#pool.end()
  }

  async head(): Promise<LogHead | null> {
    return headOf((await this.#q<HeadRow>('SELECT size, height, block_hash, root FROM el_head'))[0])
  }

  /** Readiness: whether the database answers now. */
  async ping(): Promise<boolean> {
    try {
      await this.#pool.query('SELECT 1')
      return true
    } catch {
      return false
    }
  }

  /**
   * Runs `fn` in one transaction holding the block lock (the head row), on a view of this
   * store inside that transaction, and commits when it returns. Blocks of every instance
   * over this database are serialized here; `head` is the committed head after the lock.
   */
  async exclusive<T>(fn: (tx: LedgerStore, head: LogHead | null) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect()
    let broken = false
    // A connection that dies between two queries of the block (database restarted) is
    // reported as an 'error' event: unheard, it would crash the process. The next query
    // fails with it anyway, and the block rolls back.
    const onError = () => { broken = true }
    client.on('error', onError)
    try {
      // One round trip for both (the simple protocol takes several statements at once).
      const [, locked] = (await client.query('BEGIN; SELECT size, height, block_hash, root FROM el_head FOR UPDATE')) as unknown as [unknown, { rows: HeadRow[] }]
      const rows = locked.rows
      const view = new PgStore(this.location, this.#pool, client, this.#shared)
      view.#lockedHead = headOf(rows[0])
      const out = await fn(view, view.#lockedHead)
      await client.query('COMMIT')
      // Only now are the keys' rows gone for every reader; rewrite their partitions so
      // the table files keep no copy of them (pg-payload-keys.ts). The erasure is
      // acknowledged after this: it is rare, and its promise is this rewrite.
      // A failed rewrite must not report the committed block as failed: the keys are gone
      // for every reader already, and `VACUUM FULL el_payload_key` finishes it by hand.
      for (const n of view.#shredded) await client.query(`VACUUM FULL ${partitionName(n)}`).catch(() => undefined)
      return out
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {
        broken = true
      })
      throw e
    } finally {
      // A client whose connection failed must not go back to the pool.
      client.off('error', onError)
      client.release(broken)
    }
  }

  writeBlock(b: BlockWrite, opts: { sync?: boolean } = {}): Promise<void> {
    return this.writeBlocks([b], opts)
  }

  async writeBlocks(blocks: readonly BlockWrite[], opts: { sync?: boolean } = {}): Promise<void> {
    if (blocks.length === 0) return
    if (this.#tx !== null) return this.#insert(this.#tx, blocks, opts)
    await this.exclusive((tx) => (tx as PgStore).#insert((tx as PgStore).#tx!, blocks, opts))
  }

  /** Inside a transaction that holds the head row. */
  async #insert(client: PoolClient, blocks: readonly BlockWrite[], opts: { sync?: boolean }): Promise<void> {
    const first = blocks[0]
    const startSize = first.entries[0]?.index ?? first.head.size
    const head = this.#lockedHead
    if (first.height !== (head?.height ?? -1) + 1 || startSize !== (head?.size ?? 0)) {
      // Another writer moved the head: writing this block would fork the log.
      throw new Error(`block ${first.height} at size ${startSize} does not extend the stored head (block ${head?.height ?? -1}, size ${head?.size ?? 0})`)
    }
    // A restore writes unsynced and syncs once at the end (sync()).
    if (opts.sync === false) await client.query('SET LOCAL synchronous_commit TO off')
    // The bytes of every entry travel as one binary parameter (a bytea[] would go as hex
    // text, twice the size, encoded here and parsed there); each column is a list of
    // (1-based start, length) into it, length −1 for NULL.
    const bytes = new BytesParam()
    const e = {
      idx: [] as number[], height: [] as number[], nodes: bytes.column(), statement: bytes.column(), leaf: bytes.column(), subject: [] as string[],
      kind: [] as string[], id: [] as string[], owner: [] as string[], fp: bytes.column(), payload: bytes.column(), keyId: [] as (number | null)[],
    }
    const r = { target: [] as number[], source: [] as number[] }
    const newKeys = { id: [] as number[], key: [] as Buffer[] }
    // The search index (search-hashes.ts): each entry's commitment and its record's documents.
    const h = { hash: bytes.column(), idx: [] as number[], what: [] as HashMatch[] }
    const bl = { height: [] as number[], header: [] as Buffer[], note: [] as string[] }
    const erased = { idx: [] as number[] }
    const erasedSet = new Set<number>()
    for (const b of blocks) for (const x of b.erasePayloads) erasedSet.add(x.index)
    const reseal = erasedSet.size > 0 ? await this.#planShredding(client, erasedSet, blocks[blocks.length - 1].height) : null
    const erasedFingerprint = buf(ERASED_FINGERPRINT)
    for (const b of blocks) {
      const rows = entryNodeRows(b)
      // One fresh key per block for its payloads (an entry erased in the same write, as a
      // restore can do, never stores one).
      const plains = b.entries.filter((x) => x.payload && !erasedSet.has(x.index))
      const sealedOf = new Map<number, Buffer>()
      const keyId = b.height * KEY_IDS_PER_BLOCK
      if (plains.length > 0) {
        const key = randomBytes(32)
        newKeys.id.push(keyId)
        newKeys.key.push(key)
        const sealed = new BlockSealer(keyId, key).sealAll(plains.map((x) => x.payload!))
        plains.forEach((x, j) => sealedOf.set(x.index, buf(sealed[j])))
      }
      b.entries.forEach((x, j) => {
        e.idx.push(x.index)
        e.height.push(b.height)
        e.nodes.push(rows[j])
        e.statement.push(x.statement)
        e.leaf.push(x.leafHash)
        e.subject.push(x.subject)
        e.kind.push(x.kind)
        e.id.push(x.id)
        e.owner.push(x.owner)
        // Erased in this same write: its row is born erased (the UPDATE below only sees stored rows).
        e.fp.push(erasedSet.has(x.index) ? erasedFingerprint : x.fingerprint)
        const sealed = sealedOf.get(x.index)
        e.payload.push(sealed ?? null)
        e.keyId.push(sealed ? keyId : null)
        for (const t of x.refIndexes) {
          r.target.push(t)
          r.source.push(x.index)
        }
        h.hash.push(commitmentBytes(x.commitment))
        h.idx.push(x.index)
        h.what.push('commitment')
        // An entry erased in this same write is never findable by its documents.
        if (!erasedSet.has(x.index)) {
          for (const d of x.documents ?? []) {
            h.hash.push(Buffer.from(d, 'hex'))
            h.idx.push(x.index)
            h.what.push('document')
          }
        }
      })
      for (const x of b.erasePayloads) {
        erased.idx.push(x.index)
      }
      bl.height.push(b.height)
      bl.header.push(buf(b.header))
      bl.note.push(b.checkpoint)
    }
    const q = (sql: string, params: unknown[]) => client.query(sql, params)
    // Erasure (rare) touches rows already stored, in statements of its own before the block's.
    if (reseal) {
      newKeys.id.push(...reseal.keys.id)
      newKeys.key.push(...reseal.keys.key)
      if (reseal.rows.idx.length > 0) {
        await q('UPDATE el_entry p SET payload = u.payload, key_id = u.key_id FROM unnest($1::bigint[], $2::bytea[], $3::bigint[]) AS u(idx, payload, key_id) WHERE p.idx = u.idx', [reseal.rows.idx, reseal.rows.payload, reseal.rows.keyId])
      }
      if (reseal.doomed.length > 0) {
        await q('DELETE FROM el_payload_key WHERE id = ANY($1::bigint[])', [reseal.doomed])
        for (const id of reseal.doomed) this.#shredded.add(partitionOf(id))
      }
    }
    if (erased.idx.length > 0) {
      // The kind+id an erasure names is its entry's own: the payload and the fingerprint go from that one row.
      await q('UPDATE el_entry SET payload = NULL, key_id = NULL, fingerprint = $2 WHERE idx = ANY($1::bigint[])', [erased.idx, erasedFingerprint])
      // A search must not find a document of an erased record.
      await q(`DELETE FROM el_hash WHERE idx = ANY($1::bigint[]) AND what = 'document'`, [erased.idx])
    }
    for (const n of new Set(newKeys.id.map(partitionOf))) {
      if (this.#shared.partitions.has(n)) continue
      await q(createPartitionSql(n), [])
      this.#shared.partitions.add(n)
    }
    const last = blocks[blocks.length - 1].head
    // Every row of the blocks in one statement, prepared once per connection: a block is one
    // round trip and no parse or plan, whatever its size (a 1,000-entry block used to be
    // ~12 statements; a small one spent more database CPU on them than on its rows). A
    // kind+id already stored is a unique-index violation that rolls the block back: the last
    // line of defence against two entries for one record. The head moves only if it is
    // still the one this block extends, or nothing is written.
    const moved = await client.query({
      name: 'el_write_blocks',
      text: WRITE_BLOCKS,
      values: [
        e.idx, e.height, ...e.nodes.lists(), ...e.statement.lists(), ...e.leaf.lists(), e.subject, e.kind, e.id, e.owner, ...e.fp.lists(), ...e.payload.lists(), e.keyId,
        r.target, r.source, newKeys.id, newKeys.key, bl.height, bl.header, bl.note,
        last.size, last.height, last.blockHash, last.root, first.height - 1, startSize, bytes.join(),
        ...h.hash.lists(), h.idx, h.what,
      ],
    })
    // Unreachable while the head row is locked; kept so that no path can move it blindly.
    if (moved.rowCount !== 1) throw new Error(`block ${first.height}: the stored head changed under the block lock`)
    this.#lockedHead = last
  }

  /**
   * What erasing payloads takes (as LevelStore's): an erased row's key also seals the rest
   * of its block's payloads, so those are opened and sealed again under a fresh key, and
   * the old key is deleted in the same transaction. Key ids of the fresh keys follow the
   * erasing block's own (pg-payload-keys.ts).
   */
  async #planShredding(client: PoolClient, erased: ReadonlySet<number>, height: number): Promise<{
    keys: { id: number[]; key: Buffer[] }
    rows: { idx: number[]; payload: Buffer[]; keyId: number[] }
    doomed: number[]
  }> {
    const plan = { keys: { id: [] as number[], key: [] as Buffer[] }, rows: { idx: [] as number[], payload: [] as Buffer[], keyId: [] as number[] }, doomed: [] as number[] }
    const found = (await client.query<{ idx: number; key_id: number | null; key: Buffer | null; height: number; header: Buffer }>(
      `SELECT p.idx, p.key_id, k.key, p.height, b.header FROM el_entry p JOIN el_block b ON b.height = p.height
       LEFT JOIN el_payload_key k ON k.id = p.key_id WHERE p.idx = ANY($1::bigint[]) AND p.payload IS NOT NULL`, [[...erased]])).rows
    const doomed = new Map<number, (typeof found)[number]>()
    for (const f of found) if (f.key_id !== null && !doomed.has(f.key_id)) doomed.set(f.key_id, f)
    let next = height * KEY_IDS_PER_BLOCK + 1
    for (const [keyId, f] of doomed) {
      plan.doomed.push(keyId)
      if (f.key === null) continue // already destroyed: nothing of it is left to re-seal
      const parsed = parseBlockHeader(f.header)
      if (!parsed.ok) throw new Error(`cannot erase entry ${f.idx}: its block header is damaged, so the payloads sharing its key cannot be re-sealed`)
      const { first, count } = parsed.header
      const siblings = (await client.query<{ idx: number; payload: Buffer }>(
        'SELECT idx, payload FROM el_entry WHERE key_id = $1 AND idx >= $2 AND idx < $3 AND NOT (idx = ANY($4::bigint[])) ORDER BY idx',
        [keyId, first, first + count, [...erased]])).rows
      if (siblings.length === 0) continue
      if (next % KEY_IDS_PER_BLOCK === 0) throw new Error(`one block cannot re-seal payloads of more than ${KEY_IDS_PER_BLOCK - 1} blocks`)
      const fresh = { id: next++, key: randomBytes(32) }
      const sealed = new BlockSealer(fresh.id, fresh.key).sealAll(siblings.map((x) => openPayload(x.payload, f.key!)))
      plan.keys.id.push(fresh.id)
      plan.keys.key.push(fresh.key)
      siblings.forEach((x, j) => {
        plan.rows.idx.push(x.idx)
        plan.rows.payload.push(buf(sealed[j]))
        plan.rows.keyId.push(fresh.id)
      })
    }
    return plan
  }

  /** Deletes every row of the log, under the block lock (clearPgLog). */
  async clear(): Promise<void> {
    await this.exclusive(async (tx) => {
      await (tx as PgStore).#q('TRUNCATE el_entry, el_block, el_checkpoint, el_ref, el_payload_key, el_hash, el_cosigned')
      await (tx as PgStore).#q(`UPDATE el_head SET size = 0, height = -1, block_hash = '', root = ''`)
    })
  }

  async sync(): Promise<void> {
    // A transaction that takes an xid writes a commit record, and a synchronous commit
    // flushes the WAL up to it: every earlier (unsynced) commit is durable with it.
    await this.exclusive(async (tx) => {
      await (tx as PgStore).#q('SELECT pg_current_xact_id()')
    })
  }

  async readNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return []
    const rows = ids.map(nodeRowOf)
    const found = await this.#q<{ idx: number; nodes: Buffer }>('SELECT idx, nodes FROM el_entry WHERE idx = ANY($1::bigint[])', [[...new Set(rows)]])
    const byRow = new Map(found.map((f) => [f.idx, f.nodes]))
    return ids.map((id, i) => {
      const v = byRow.get(rows[i])
      if (v === undefined || v.length < 32 * (id.level + 1)) throw new MissingNodeError(id)
      return new Uint8Array(v.subarray(32 * id.level, 32 * (id.level + 1)))
    })
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    const [row] = await this.#q<EntryRow>('SELECT idx, height, nodes, statement FROM el_entry WHERE idx = $1', [index])
    return row && storedEntry(row)
  }

  async blockHeader(height: number): Promise<Uint8Array | undefined> {
    const [row] = await this.#q<{ header: Buffer }>('SELECT header FROM el_block WHERE height = $1', [height])
    return row?.header
  }

  async checkpoint(height: number): Promise<string | undefined> {
    const [row] = await this.#q<{ note: string }>('SELECT note FROM el_checkpoint WHERE height = $1', [height])
    return row?.note
  }

  async cosigned(slot: CosignedSlot): Promise<string | undefined> {
    const [row] = await this.#q<{ value: string }>('SELECT value FROM el_cosigned WHERE slot = $1', [slot])
    return row?.value
  }

  async putCosigned(slots: readonly CosignedSlot[], size: number, value: string): Promise<void> {
    // Several instances may each run a witnessing loop over one database: the larger tree wins.
    await this.#q(`INSERT INTO el_cosigned (slot, size, value) SELECT unnest($1::text[]), $2, $3
      ON CONFLICT (slot) DO UPDATE SET size = EXCLUDED.size, value = EXCLUDED.value WHERE el_cosigned.size <= EXCLUDED.size`, [[...slots], size, value])
  }

  async byKindId(kind: string, id: string, owner: string): Promise<KindIdRow | undefined> {
    const [row] = await this.byKindIds([{ kind, id, owner }])
    return row
  }

  async byKindIds(list: readonly { kind: string; id: string; owner: string }[]): Promise<(KindIdRow | undefined)[]> {
    if (list.length === 0) return []
    const rows = await this.#q<{ kind: string; id: string; owner: string; idx: number; fingerprint: Buffer }>(
      'SELECT k.kind, k.id, k.owner, k.idx, k.fingerprint FROM el_entry k JOIN unnest($1::text[], $2::text[], $3::text[]) AS q(kind, id, owner) ON k.kind = q.kind AND k.id = q.id AND k.owner = q.owner',
      [list.map((x) => x.kind), list.map((x) => x.id), list.map((x) => x.owner)],
    )
    const byKey = new Map(rows.map((r) => [`${r.kind}\u0000${r.id}\u0000${r.owner}`, { index: r.idx, fingerprint: new Uint8Array(r.fingerprint) }]))
    return list.map((x) => byKey.get(`${x.kind}\u0000${x.id}\u0000${x.owner}`))
  }

  async ownersOfKindId(kind: string, id: string): Promise<KindIdOwner[]> {
    const rows = await this.#q<{ owner: string; idx: number }>('SELECT owner, idx FROM el_entry WHERE kind = $1 AND id = $2 ORDER BY owner', [kind, id])
    return rows.map((r) => ({ owner: r.owner, index: r.idx }))
  }

  async statements(from: number, count: number): Promise<Uint8Array[]> {
    const rows = await this.#q<{ statement: Buffer }>('SELECT statement FROM el_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx', [from, from + count])
    return rows.map((r) => new Uint8Array(r.statement))
  }

  async byLeafHash(leafHash: Uint8Array): Promise<number | undefined> {
    const [row] = await this.#q<{ idx: number }>('SELECT idx FROM el_entry WHERE leaf = $1', [buf(leafHash)])
    return row?.idx
  }

  async byHash(hash: Uint8Array, limit: number): Promise<HashHit[]> {
    const rows = await this.#q<{ idx: number; what: HashMatch }>('SELECT idx, what FROM el_hash WHERE hash = $1 ORDER BY idx LIMIT $2', [buf(hash), limit])
    return rows.map((r) => ({ index: r.idx, matched: r.what }))
  }

  async subjectIndexes(subject: string, opts: { after?: number; limit: number }): Promise<number[]> {
    const rows = await this.#q<{ idx: number }>(
      'SELECT idx FROM el_entry WHERE subject = $1 AND idx > $2 ORDER BY idx LIMIT $3',
      [subject, opts.after ?? -1, opts.limit],
    )
    return rows.map((r) => r.idx)
  }

  async referrers(index: number): Promise<number[]> {
    return (await this.#q<{ source: number }>('SELECT source FROM el_ref WHERE target = $1 ORDER BY source', [index])).map((r) => r.source)
  }

  async payload(index: number): Promise<Uint8Array | undefined> {
    const [row] = await this.payloads([index])
    return row
  }

  async payloads(indexes: readonly number[]): Promise<(Uint8Array | undefined)[]> {
    if (indexes.length === 0) return []
    const rows = await this.#q<PayloadRow>(
      'SELECT p.idx, p.payload, p.key_id, k.key FROM el_entry p LEFT JOIN el_payload_key k ON k.id = p.key_id WHERE p.idx = ANY($1::bigint[]) AND p.payload IS NOT NULL',
      [[...indexes]],
    )
    const byIdx = new Map(rows.map((r) => [r.idx, r]))
    return indexes.map((i) => {
      const r = byIdx.get(i)
      return r === undefined ? undefined : openedPayload(r)
    })
  }

  /**
   * Keyset pages in key order, the next page already requested while the caller works on
   * this one (the same read-ahead the LevelDB scan does).
   */
  async *#pages<R extends QueryResultRow>(sql: string, key: (r: R) => number, from: number): AsyncGenerator<R[]> {
    let pending: Promise<R[]> | null = this.#q<R>(sql, [from, SCAN_PAGE])
    try {
      while (pending !== null) {
        const page: R[] = await pending
        pending = page.length === SCAN_PAGE ? this.#q<R>(sql, [key(page[page.length - 1]) + 1, SCAN_PAGE]) : null
        if (page.length > 0) yield page
      }
    } finally {
      if (pending) await pending.catch(() => undefined)
    }
  }

  async *scanEntryChunks(): AsyncIterable<[number, StoredEntry][]> {
    for await (const page of this.#pages<EntryRow>(ENTRY_PAGE, (r) => r.idx, 0)) yield page.map((r): [number, StoredEntry] => [r.idx, storedEntry(r)])
  }

  async *scanEntries(from = 0): AsyncIterable<[number, StoredEntry]> {
    for await (const page of this.#pages<EntryRow>(ENTRY_PAGE, (r) => r.idx, from)) {
      for (const r of page) yield [r.idx, storedEntry(r)]
    }
  }

  async *scanBlocks(from = 0): AsyncIterable<[number, Uint8Array]> {
    const sql = 'SELECT height, header FROM el_block WHERE height >= $1 ORDER BY height LIMIT $2'
    for await (const page of this.#pages<{ height: number; header: Buffer }>(sql, (r) => r.height, from)) {
      for (const r of page) yield [r.height, r.header]
    }
  }

  async *scanCheckpoints(from = 0): AsyncIterable<[number, string]> {
    const sql = 'SELECT height, note FROM el_checkpoint WHERE height >= $1 ORDER BY height LIMIT $2'
    for await (const page of this.#pages<{ height: number; note: string }>(sql, (r) => r.height, from)) {
      for (const r of page) yield [r.height, r.note]
    }
  }
}

/** One statement for every row of a run of blocks (#insert); its sub-statements all run, in one snapshot. */
const WRITE_BLOCKS = `WITH
  e AS (INSERT INTO el_entry (idx, height, nodes, statement, leaf, subject, kind, id, owner, fingerprint, payload, key_id)
    SELECT u.idx, u.height, substring($31::bytea FROM u.no FOR u.nl), substring($31::bytea FROM u.so FOR u.sl), substring($31::bytea FROM u.lo FOR u.ll),
      u.subject, u.kind, u.id, u.owner, substring($31::bytea FROM u.fo FOR u.fl), CASE WHEN u.pl < 0 THEN NULL ELSE substring($31::bytea FROM u.po FOR u.pl) END, u.key_id
    FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::text[], $10::text[], $11::text[], $12::text[],
      $13::int[], $14::int[], $15::int[], $16::int[], $17::bigint[])
      AS u(idx, height, no, nl, so, sl, lo, ll, subject, kind, id, owner, fo, fl, po, pl, key_id)),
  r AS (INSERT INTO el_ref (target, source) SELECT * FROM unnest($18::bigint[], $19::bigint[])),
  h AS (INSERT INTO el_hash (hash, idx, what) SELECT substring($31::bytea FROM u.ho FOR u.hl), u.idx, u.what
    FROM unnest($32::int[], $33::int[], $34::bigint[], $35::text[]) AS u(ho, hl, idx, what) ON CONFLICT DO NOTHING),
  pk AS (INSERT INTO el_payload_key (id, key) SELECT * FROM unnest($20::bigint[], $21::bytea[])),
  b AS (INSERT INTO el_block (height, header) SELECT * FROM unnest($22::bigint[], $23::bytea[])),
  c AS (INSERT INTO el_checkpoint (height, note) SELECT * FROM unnest($22::bigint[], $24::text[]))
UPDATE el_head SET size = $25, height = $26, block_hash = $27, root = $28 WHERE height = $29 AND size = $30 RETURNING 1`

/** Many byte strings as one binary query parameter, each column a list of (1-based start, length) into it. */
class BytesParam {
  readonly #parts: Uint8Array[] = []
  #length = 0

  column() {
    const starts: number[] = []
    const lengths: number[] = []
    return {
      push: (b: Uint8Array | null) => {
        if (b === null) {
          starts.push(1)
          lengths.push(-1)
          return
        }
        starts.push(this.#length + 1)
        lengths.push(b.length)
        this.#parts.push(b)
        this.#length += b.length
      },
      lists: (): [number[], number[]] => [starts, lengths],
    }
  }

  join(): Buffer {
    return Buffer.concat(this.#parts, this.#length)
  }
}

interface PayloadRow {
  idx: number
  payload: Buffer
  key_id: number | null
  key: Buffer | null
}

/** A row written before sealing has no key id and is read as stored; a row whose key is gone is erased. */
function openedPayload(r: PayloadRow): Uint8Array | undefined {
  if (r.key_id === null) return r.payload
  return r.key === null ? undefined : openPayload(r.payload, r.key)
}

interface EntryRow {
  idx: number
  height: number
  nodes: Buffer
  statement: Buffer
}

const ENTRY_PAGE = 'SELECT idx, height, nodes, statement FROM el_entry WHERE idx >= $1 ORDER BY idx LIMIT $2'

function storedEntry(r: EntryRow): StoredEntry {
  return { height: r.height, nodes: r.nodes, statement: r.statement }
}

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}

/**
 * The node hashes of each entry of a block, as its row stores them: CompactRange.append
 * lists the nodes each leaf completes together, level 0 upward, in leaf order, so entry
 * i's hashes are the next contiguous run of b.nodes (the same check LevelStore makes).
 */
function entryNodeRows(b: BlockWrite): Buffer[] {
  const nodes = b.nodes
  let n = 0
  const out = b.entries.map((e) => {
    let m = n
    while (m < nodes.length && nodeRowOf(nodes[m].id) === e.index) {
      if (nodes[m].id.level !== m - n || nodes[m].hash.length !== 32) throw new Error(`node level ${nodes[m].id.level} of entry ${e.index} is out of order`)
      m++
    }
    if (m === n) throw new Error(`entry ${e.index} comes without its leaf node`)
    const row = Buffer.allocUnsafe(32 * (m - n))
    for (let j = n; j < m; j++) row.set(nodes[j].hash, 32 * (j - n))
    n = m
    return row
  })
  if (n !== nodes.length) throw new Error(`block ${b.height} carries tree nodes of no entry in it`)
  return out
}

/** Opens (and migrates) the PostgreSQL storage at `url`. */
export async function openPgStorage(url: string): Promise<LedgerStorage> {
  const store = new PgStore(url)
  await store.open()
  return storageOf(store, store.location)
}

/**
 * Empties the log in a PostgreSQL storage (the schema stays): only for undoing a migration
 * or restore that this process started into an empty database and that failed.
 */
export async function clearPgLog(storage: LedgerStorage): Promise<void> {
  const store = storeOf(storage)
  if (!(store instanceof PgStore)) throw new TypeError('not a PostgreSQL storage')
  await store.clear()
}
