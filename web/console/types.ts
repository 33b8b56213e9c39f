// The API answers the console reads (docs/api.md), as the routes' schemas give them.
import type { BlockHeader } from '../../chain/block.ts'
import type { Statement } from '../../chain/statement.ts'

export type { BlockHeader, Statement }
// The service's own type of the subject-authorizations answer (type-only: nothing of src/ is bundled).
export type { AuthorizationWindow } from '../../src/ledger-service.ts'

export interface EntrySummary { index: number; leafHash: string; height: number; statement: Statement }
export interface BlockSummary { height: number; hash: string; header: BlockHeader }

export interface Stats {
  treeSize: number
  height: number
  lastBlockTime: string | null
  window: {
    span: 'hour' | 'day'
    since: string
    bucketSeconds: number
    entries: number
    blocks: number
    buckets: { start: string; entries: number; perKind: Record<string, number> }[]
    perKind: Record<string, number>
    complete: boolean
  }
  commitLatency: { blocks: number; p50Ms: number; p95Ms: number; maxMs: number } | null
  witnessing: {
    quorum: string
    witnessedSize: number | null
    latestSize: number
    witnesses: { name: string; size: number | null; lastCosignedAt: string | null; lastError: string | null; consecutiveFailures: number }[]
  } | null
}

export interface EntryView {
  index: number
  leafHash: string
  statement: Statement
  block: { height: number }
  related: { index: number; leafHash: string; statement: Statement }[]
}

export interface BlockView { height: number; hash: string; header: BlockHeader; checkpoint: string }

export interface SearchResult {
  q: string
  matched: 'index' | 'leaf' | 'commitment' | 'document' | 'hash' | 'kind:id' | 'uscc' | 'nothing'
  entries: EntrySummary[]
  hits?: { index: number; matched: 'commitment' | 'document' }[]
  subject?: string
}

