// Assembles evidence bundles (docs/formats.md) from the log. v2, what the service issues:
// the main entry and every entry that refers to it (revocations, redactions), each with its
// statement, its record and salt unless erased, and an inclusion proof to ONE checkpoint,
// the newest at issue time; the main entry's block with its own checkpoint and a
// consistency proof to that one; the consent status at issue time; and the ledger's
// signature over these claims, so hiding or adding a related entry breaks a signature.
import { bytesToHex, toBase64 } from '../chain/encoding.ts'
import { signWithCheckpointKey } from '../chain/checkpoint.ts'
import { bundleConsent, claimsMessage, termsOf } from '../chain/bundle-claims.ts'
import { parseCheckpointNote } from '../chain/note.ts'
import {
  BUNDLE_FORMAT_V1, BUNDLE_FORMAT_V2, bundleClaims, type EvidenceBundleV1, type EvidenceBundleV2, type RelatedEntry,
} from '../chain/verify.ts'
import type { Kind } from '../chain/statement.ts'
import type { TimestampMember } from '../chain/timestamp-evidence.ts'
import type { LedgerService } from './ledger-service.ts'
import type { TimestampStore } from './timestamp-store.ts'

/** A v2 bundle, with the RFC 3161 member when the ledger has a token for a tree holding the entry. */
export type IssuedBundle = EvidenceBundleV2 & { timestamp?: TimestampMember }

export interface BundleOptions {
  now?: () => Date
  /** Stored RFC 3161 tokens (TSA_URL); without them the bundle has no timestamp member. */
  timestamps?: Pick<TimestampStore, 'covering'> | null
}

/** `owner`: whose record of kind+id (ids are unique per submitter); see LedgerService.resolve. */
export async function buildBundle(ledger: LedgerService, kind: Kind, id: string, owner?: string, opts: BundleOptions = {}): Promise<IssuedBundle | undefined> {
  const now = opts.now ?? (() => new Date())
  const index = (await ledger.resolve(kind, id, owner))?.index
  if (index === undefined) return undefined
  // One snapshot: the checkpoint note is read once and its own size bounds everything after,
  // so blocks written while the bundle is assembled cannot slip in half-proven.
  let checkpoint = ledger.log.checkpoint()
  let size = parseCheckpointNote(checkpoint).checkpoint.size
  // An entry is readable as soon as its block is durable; the log moves its checkpoint
  // forward right after. Wait out that moment instead of proving to a tree without it.
  for (let tries = 0; size <= index && tries < 100; tries++) {
    await new Promise((resolve) => setImmediate(resolve))
    checkpoint = ledger.log.checkpoint()
    size = parseCheckpointNote(checkpoint).checkpoint.size
  }
  if (size <= index) throw new Error(`entry ${index} is not yet under a checkpoint`)
  const main = await ledger.log.entry(index)
  if (!main) throw new Error(`entry ${index} vanished`)
  const block = await ledger.log.block(main.height)
  if (!block) throw new Error(`block ${main.height} is missing`)
  const payload = await ledger.payload(index)
  const related: RelatedEntry[] = []
  for (const i of await ledger.log.referrers(index)) {
    if (i >= size) continue
    const e = await ledger.log.entry(i)
    if (!e) throw new Error(`entry ${i} vanished`)
    const p = await ledger.payload(i)
    related.push({
      statement: e.statement,
      entry: { index: i, leafHash: e.leafHash },
      inclusion: { treeSize: size, hashes: (await ledger.log.inclusionProof(i, size)).map(bytesToHex) },
      record: p?.record ?? null,
      salt: p?.salt ?? null,
    })
  }
  const redacted = related.some((r) => r.statement.kind === 'redaction')
  const issuedAt = now().toISOString()
  const record = payload?.record ?? null
  const unsigned: Omit<EvidenceBundleV2, 'claimsSignature'> = {
    format: BUNDLE_FORMAT_V2,
    statement: main.statement,
    record,
    salt: payload?.salt ?? null,
    redacted,
    entry: { index, leafHash: main.leafHash },
    inclusion: { treeSize: size, hashes: (await ledger.log.inclusionProof(index, size)).map(bytesToHex) },
    checkpoint,
    block: block.header,
    blockProof: { checkpoint: block.checkpoint, consistency: (await ledger.log.consistencyProof(block.header.size, size)).map(bytesToHex) },
    related,
    // The same function the verifier recomputes it with, from the same facts.
    consent: main.statement.kind === 'data-authorization'
      ? bundleConsent({
        authorizedAt: main.statement.time,
        terms: termsOf(record),
        revocationTimes: related.filter((r) => r.statement.kind === 'authorization-revocation').map((r) => r.statement.time),
        at: issuedAt,
      })
      : null,
    issuedAt,
  }
  const signer = ledger.log.signer
  const claims = bundleClaims({ ...unsigned, claimsSignature: { keyId: '', signature: '' } })
  const timestamp = await timestampMember(opts.timestamps ?? null, ledger, index, size)
  return {
    ...unsigned,
    claimsSignature: { keyId: bytesToHex(signer.keyId), signature: toBase64(signWithCheckpointKey(signer, claimsMessage(claims))) },
    ...(timestamp ? { timestamp } : {}),
  }
}

/**
 * The earliest time-stamped checkpoint whose tree holds the entry, within the bundle's
 * checkpoint (the tightest third-party bound on when the entry existed), with the proofs
 * that tie it to the entry and to the bundle's checkpoint. Outside the claims signature: the
 * token and the proofs verify on their own (chain/timestamp-evidence.ts).
 */
async function timestampMember(store: BundleOptions['timestamps'], ledger: LedgerService, index: number, size: number): Promise<TimestampMember | undefined> {
  const stamped = await store?.covering(index, size)
  if (stamped === undefined) return undefined
  return {
    checkpoint: stamped.checkpoint,
    token: toBase64(stamped.token),
    inclusion: { treeSize: stamped.size, hashes: (await ledger.log.inclusionProof(index, stamped.size)).map(bytesToHex) },
    consistency: (await ledger.log.consistencyProof(stamped.size, size)).map(bytesToHex),
  }
}

/**
 * Bundle v1, as issued before v2: kept so tests prove that bundles already handed out still
 * verify. The service no longer issues it: v1's related statements are not proven.
 */
export async function buildBundleV1(ledger: LedgerService, kind: Kind, id: string, owner?: string): Promise<EvidenceBundleV1 | undefined> {
  const view = await ledger.record(kind, id, owner)
  if (!view) return undefined
  const block = await ledger.log.block(view.receipt.block.height)
  if (!block) throw new Error(`block ${view.receipt.block.height} is missing`)
  const related = await ledger.related(view.index)
  return {
    format: BUNDLE_FORMAT_V1,
    statement: view.statement,
    record: view.payload?.record ?? null,
    salt: view.payload?.salt ?? null,
    redacted: related.some((r) => r.statement.kind === 'redaction'),
    entry: view.receipt.entry,
    inclusion: view.receipt.inclusion,
    checkpoint: view.receipt.checkpoint,
    block: block.header,
    related: related.map((r) => r.statement),
    issuedAt: new Date().toISOString(),
  }
}
