// Backup format (docs/formats.md: NDJSON, a header line, then one line per block) and the
// export that writes it, from a stopped DATA_DIR or while serving. A backup holds
// statements, fingerprints, payloads, block headers and checkpoints; restore.ts rebuilds
// and re-verifies everything else.
import { parseBlockHeader } from './block.ts'
import { bytesToHex, hexToBytes, toBase64, utf8Decoder } from './encoding.ts'
import { statementOwner } from './idempotency.ts'
import { parseStatement } from './statement.ts'
import { storeOf, type LedgerStorage } from './storage.ts'

export const BACKUP_FORMAT = 'evidence-ledger/backup/v1'

export interface BackupHeader {
  format: typeof BACKUP_FORMAT
  origin: string
  size: number
  height: number
  createdAt: string
}

export interface BackupEntry {
  index: number
  statement: string
  fingerprint: string
  payload?: string
}

export interface BackupBlock {
  height: number
  header: string
  checkpoint: string
  entries: BackupEntry[]
}

/** Lines of a backup of every block up to the head as it is when the export starts. */
export async function* exportLines(
  storage: LedgerStorage, origin: string, opts: { onProgress?: (entries: number, total: number) => void } = {},
): AsyncGenerator<string> {
  const store = storeOf(storage)
  const head = await store.head()
  const size = head?.size ?? 0
  const height = head?.height ?? -1
  const header: BackupHeader = { format: BACKUP_FORMAT, origin, size, height, createdAt: new Date().toISOString() }
  yield JSON.stringify(header) + '\n'
  const entries = store.scanEntries()[Symbol.asyncIterator]()
  const checkpoints = store.scanCheckpoints()[Symbol.asyncIterator]()
  // Blocks are gathered until they hold EXPORT_READ entries, whose fingerprints and
  // payloads are then read in two batched reads: two point reads per entry (and one per
  // block for its checkpoint) held export at ~5,600 entries/s.
  type KindIdKey = { kind: string; id: string; owner: string }
  let group: { height: number; header: string; checkpoint: string; entries: BackupEntry[]; ids: KindIdKey[] }[] = []
  // A redaction's kind+id row is its erased entry's submitter's (statementOwner): rare, so
  // looked up one by one.
  const submitterOfLeaf = async (leafHex: string) => {
    const index = await store.byLeafHash(hexToBytes(leafHex))
    const e = index === undefined ? undefined : await store.entry(index)
    return e && parseStatement(e.statement).submitter
  }
  let grouped = 0
  async function* flush(): AsyncGenerator<string> {
    const all = group.flatMap((b) => b.entries)
    const [rows, payloads] = await Promise.all([store.byKindIds(group.flatMap((b) => b.ids)), store.payloads(all.map((e) => e.index))])
    all.forEach((e, i) => {
      const row = rows[i]
      const payload = payloads[i]
      e.fingerprint = row ? bytesToHex(row.fingerprint) : ''
      if (payload) e.payload = toBase64(payload)
    })
    for (const b of group) {
      const block: BackupBlock = { height: b.height, header: b.header, checkpoint: b.checkpoint, entries: b.entries }
      yield JSON.stringify(block) + '\n'
    }
    const last = group.at(-1)!.entries.at(-1)
    opts.onProgress?.(last ? last.index + 1 : 0, size)
    group = []
    grouped = 0
  }
  try {
    for await (const [h, headerBytes] of store.scanBlocks()) {
      if (h > height) break
      const parsed = parseBlockHeader(headerBytes)
      if (!parsed.ok) throw new Error(`block ${h}: the stored header fails the ${parsed.problem} check; run audit`)
      const bh = parsed.header
      const headerText = utf8Decoder.decode(headerBytes)
      const c = await checkpoints.next()
      const checkpoint = !c.done && c.value[0] === h ? c.value[1] : ''
      const block = { height: h, header: headerText, checkpoint, entries: [] as BackupEntry[], ids: [] as KindIdKey[] }
      for (let i = 0; i < bh.count; i++) {
        const e = await entries.next()
        if (e.done) throw new Error(`entry ${bh.first + i} is missing from storage`)
        const [index, stored] = e.value
        const statement = utf8Decoder.decode(stored.statement)
        const s = JSON.parse(statement) as { kind: string; id: string; submitter: string; refs: string[] }
        block.entries.push({ index, statement, fingerprint: '' })
        // Only a redaction's owner needs a lookup: no await per entry on this full-log pass.
        block.ids.push({ kind: s.kind, id: s.id, owner: s.kind === 'redaction' ? await statementOwner(s, submitterOfLeaf) : s.submitter })
      }
      group.push(block)
      grouped += bh.count
      if (grouped >= EXPORT_READ) yield* flush()
    }
    if (group.length > 0) yield* flush()
  } finally {
    // An export that stops early (client gone, error) must close its scans: each holds a
    // LevelDB iterator and snapshot for as long as the service runs.
    await Promise.all([checkpoints.return?.(), entries.return?.()])
  }
}

const EXPORT_READ = 1000
