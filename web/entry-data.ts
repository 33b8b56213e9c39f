// What GET /v/<leafHash> embeds in its page: only what the log publishes about an entry.
import type { Statement } from '../chain/statement.ts'

export interface PublicEntry {
  statement: Statement
  entry: { index: number; leafHash: string }
  /** To `checkpoint`, the newest signed checkpoint when the page was served. */
  inclusion: { treeSize: number; hashes: string[] }
  checkpoint: string
  /** The key the server signs with; the page shows its fingerprint so a reader can compare it with the published one. */
  vkey: string
  /** Entries that ref this one (revocations, redactions), each proven to the same checkpoint. */
  related: { statement: Statement; entry: { index: number; leafHash: string }; inclusion: { treeSize: number; hashes: string[] } }[]
}
