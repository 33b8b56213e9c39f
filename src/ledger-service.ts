// The ledger service: turns validated client bodies into append requests (ids, subjects,
// refs, salts, commitments, content fingerprints), applies the business rules that need
// the log's state, and maps outcomes to receipts. Routes call this; this calls chain/.
import { randomBytes } from 'node:crypto'
import { SALT_BYTES, type ClientKind, type Kind, type Statement } from '../chain/statement.ts'
import { redactionFingerprint, submissionFingerprint, type KindIdOwner } from '../chain/idempotency.ts'
import type { AppendRequest, Log } from '../chain/log.ts'
import { openPayload, sealRecord, type StoredPayload } from '../chain/payload.ts'
import { documentHashes } from '../chain/search-hashes.ts'
import type { Receipt } from '../chain/verify.ts'
import { ProblemError, type ProblemBody } from '../plugins/problems.ts'
import { fieldIssue, validationProblem } from '../plugins/validation-problems.ts'
import { amendedKind, partyField, recordId, recordSubject } from './kinds/index.ts'
import { validateRecordBody } from './record-validation.ts'
import { authorizationStatus, type ConsentAnswer, type ConsentQuery, type ConsentTerms } from '../chain/consent.ts'

export interface NotarizeResult {
  status: number
  receipt?: Receipt
  problem?: ProblemBody
}

export type { StoredPayload } from '../chain/payload.ts'

/** One data authorization of a subject, as the enterprise timeline draws it. */
export interface AuthorizationWindow {
  index: number
  leafHash: string
  id: string
  submitter: string
  /** Ledger time of the authorization entry: consent is proven from here on at the earliest. */
  authorizedAt: string
  terms: { validFrom: string; validUntil: string; dataCategories: string[] } | null
  revocation: { index: number; leafHash: string; time: string } | null
  status: ConsentAnswer['status'] | 'undetermined'
  reason: string
}

export interface RecordView {
  index: number
  statement: Statement
  receipt: Receipt
  payload: StoredPayload | null
}

// One CSPRNG read per 128 salts: a randomBytes call per record cost more than hashing
// the record. Every slice is handed out exactly once.
const SALTS_PER_READ = 128
let saltPool = new Uint8Array(0)
let saltOffset = 0

function freshSalt(): Uint8Array {
  if (saltOffset === saltPool.length) {
    saltPool = randomBytes(SALT_BYTES * SALTS_PER_READ)
    saltOffset = 0
  }
  saltOffset += SALT_BYTES
  return saltPool.subarray(saltOffset - SALT_BYTES, saltOffset)
}

export class LedgerService {
  readonly log: Log

  constructor(log: Log) {
    this.log = log
  }

  /** Notarizes one body; throws ProblemError for anything that must not be written. */
  async notarize(body: unknown, submitter: string): Promise<NotarizeResult> {
    const request = await this.#prepare(body, submitter)
    const [outcome] = await this.log.append([request])
    return this.#result(outcome, request)
  }

  /** All valid items go into one block; invalid ones get their problem, in order. */
  async notarizeBatch(bodies: unknown[], submitter: string): Promise<NotarizeResult[]> {
    const prepared = await Promise.all(bodies.map(async (b) => {
      try {
        return await this.#prepare(b, submitter)
      } catch (e) {
        if (e instanceof ProblemError) return e
        throw e
      }
    }))
    const requests = prepared.filter((p): p is AppendRequest => !(p instanceof ProblemError))
    const outcomes = await this.log.append(requests)
    let next = 0
    return Promise.all(prepared.map((p) => {
      if (p instanceof ProblemError) return { status: p.status, problem: p.toBody() }
      return this.#result(outcomes[next++], p)
    }))
  }

  async #result(outcome: Awaited<ReturnType<Log['append']>>[number], request: AppendRequest): Promise<NotarizeResult> {
    switch (outcome.status) {
      case 'created':
        return { status: 201, receipt: outcome.receipt }
      case 'duplicate':
        return { status: 200, receipt: await this.#receiptOf(outcome.index) }
      case 'conflict':
        return {
          status: 409,
          problem: new ProblemError('conflict', `${request.kind} ${request.id} is already notarized with different content`, { index: outcome.index }).toBody(),
        }
    }
  }

  async #receiptOf(index: number): Promise<Receipt> {
    const r = await this.log.receipt(index)
    if (!r) throw new Error(`entry ${index} vanished`)
    return r
  }

  async #prepare(input: unknown, submitter: string): Promise<AppendRequest> {
    const check = validateRecordBody(input)
    if (!check.ok) throw validationProblem(check.issues)
    const body = check.body
    const id = body.mode === 'record' ? recordId(body.kind, body.record) : body.id
    let subject = body.mode === 'record' ? recordSubject(body.kind, body.record) : body.subject
    const refs: AppendRequest['refs'] = []
    const amends = amendedKind(body.kind)
    if (amends) {
      // Only the caller's own record: another submitter's of the same id is, to this caller,
      // no record at all (the same 404, so it cannot learn that the id is in use).
      const target = await this.findEntry(amends, id, submitter)
      if (!target) throw new ProblemError('not-found', `${amends} ${id} is not on the ledger`)
      if (subject !== null && subject !== target.statement.subject) {
        throw validationProblem([fieldIssue('body', '/subject', `must be ${target.statement.subject}, the ${partyField(amends) ?? 'subject'} of ${id}`)])
      }
      subject = target.statement.subject
      refs.push({ index: target.index, leafHash: target.leafHash })
    }
    if (subject === null) throw new Error('unreachable: record without subject')
    const who = { kind: body.kind, id, subject, submitter }
    if (body.mode === 'record') {
      const sealed = sealRecord(body.record, freshSalt())
      return {
        ...who, owner: submitter, commitment: sealed.commitment, refs, payload: sealed.payload,
        documents: documentHashes(body.record), fingerprint: submissionFingerprint(who, sealed),
      }
    }
    return { ...who, owner: submitter, commitment: body.commitment, refs, fingerprint: submissionFingerprint(who, body) }
  }

  /** `owner`'s entry of kind+id, with its statement and leaf hash. */
  async findEntry(kind: Kind, id: string, owner: string): Promise<{ index: number; statement: Statement; leafHash: string } | undefined> {
    const index = await this.log.indexOfKindId(kind, id, owner)
    return index === undefined ? undefined : this.log.entry(index)
  }

  /**
   * The entry a reader means by kind+id. Ids are unique per submitter: with `owner` that
   * submitter's entry; without, the only one there is, and a 409 problem listing the
   * submitters (member `submitters`) when there are several. Undefined when there is none.
   */
  async resolve(kind: Kind, id: string, owner: string | undefined): Promise<KindIdOwner | undefined> {
    if (owner !== undefined) {
      const index = await this.log.indexOfKindId(kind, id, owner)
      return index === undefined ? undefined : { owner, index }
    }
    const owners = await this.log.ownersOfKindId(kind, id)
    if (owners.length > 1) {
      const submitters = owners.map((o) => o.owner)
      throw new ProblemError('conflict', `${kind} ${id} was notarized by ${submitters.length} submitters: name one with ?submitter=`, { submitters })
    }
    return owners[0]
  }

  /** A record by kind+id, of `owner` or of its only owner (resolve()). */
  async record(kind: Kind, id: string, owner?: string): Promise<RecordView | undefined> {
    const index = (await this.resolve(kind, id, owner))?.index
    if (index === undefined) return undefined
    const receipt = await this.#receiptOf(index)
    return { index, statement: receipt.statement, receipt, payload: await this.payload(index) }
  }

  async payload(index: number): Promise<StoredPayload | null> {
    const bytes = await this.log.payload(index)
    return bytes ? openPayload(bytes) : null
  }

  /** Status of a data authorization at a moment, with the receipts that prove the answer. */
  async authorizationStatus(id: string, q: ConsentQuery, owner?: string): Promise<ConsentAnswer & { at: string; authorization: Receipt; revocation: Receipt | null; checkpoint: string }> {
    const found = await this.resolve('data-authorization', id, owner)
    if (found === undefined) throw new ProblemError('not-found', `data-authorization ${id} is not on the ledger`)
    const auth = found.index
    const authorization = await this.#receiptOf(auth)
    const payload = await this.payload(auth)
    if (!payload) {
      if (await this.isRedacted(auth)) throw new ProblemError('gone', `the terms of ${id} were erased; only its commitment remains`)
      throw new ProblemError('conflict', `${id} was notarized hash-only: the ledger does not know its terms`)
    }
    // Only the authorization's own submitter can revoke it: its revocation has the same owner.
    const rev = await this.log.indexOfKindId('authorization-revocation', id, found.owner)
    const revocation = rev === undefined ? null : await this.#receiptOf(rev)
    const answer = authorizationStatus({
      terms: payload.record as unknown as ConsentTerms,
      authorizedAt: authorization.statement.time,
      revokedAt: revocation?.statement.time ?? null,
    }, q)
    return { ...answer, at: q.at, authorization, revocation, checkpoint: this.log.checkpoint() }
  }

  /**
   * Erases a record and its salt and appends a redaction entry that refs it, in one
   * block. Entries and tree nodes are untouched, so every proof and the audit stay valid.
   */
  async erasePayload(kind: ClientKind, id: string, reason: string, admin: string, owner?: string): Promise<Receipt> {
    const found = await this.resolve(kind, id, owner)
    const target = found && (await this.log.entry(found.index))
    if (!found || !target) throw new ProblemError('not-found', `${kind} ${id} is not on the ledger`)
    if (!(await this.log.payload(target.index))) {
      if (await this.isRedacted(target.index)) throw new ProblemError('conflict', `${kind} ${id} was already erased`)
      throw new ProblemError('conflict', `${kind} ${id} was notarized hash-only: there is no payload to erase`)
    }
    const record = { erasedKind: kind, erasedId: id, erased: target.leafHash, reason }
    const sealed = sealRecord(record, freshSalt())
    const redactionId = `${kind}:${id}`
    const [outcome] = await this.log.append([{
      kind: 'redaction', id: redactionId, subject: target.statement.subject,
      // Owned by the erased record's submitter, not the admin: one redaction per record, and
      // two submitters' records of one kind+id are erased independently.
      commitment: sealed.commitment, submitter: admin, owner: found.owner,
      refs: [{ index: target.index, leafHash: target.leafHash }],
      payload: sealed.payload,
      fingerprint: redactionFingerprint(redactionId, record),
      erase: { index: target.index, kind, id, owner: found.owner },
    }])
    // A concurrent erase of the same entry won the race: nothing was written by this one.
    if (outcome.status !== 'created') throw new ProblemError('conflict', `${kind} ${id} was already erased`)
    return outcome.receipt
  }

  /**
   * One page of a subject's entries, read through the subject index (never a full scan).
   * `past` marks the first entry beyond a time range: ledger time never decreases along
   * the log, so nothing after it can match and the history ends there.
   */
  async subjectHistory(subject: string, opts: { after?: number; limit: number; maxScan: number; accept: (s: Statement) => boolean; past?: (s: Statement) => boolean }): Promise<{ entries: { index: number; leafHash: string; statement: Statement }[]; nextCursor: number | null }> {
    const entries: { index: number; leafHash: string; statement: Statement }[] = []
    let after = opts.after
    let scanned = 0
    for (;;) {
      const chunk = await this.log.subjectIndexes(subject, { after, limit: Math.min(500, opts.maxScan - scanned) })
      if (chunk.length === 0) return { entries, nextCursor: null }
      for (const index of chunk) {
        scanned++
        after = index
        const e = await this.log.entry(index)
        if (!e) continue
        const statement = e.statement
        if (opts.past?.(statement)) return { entries, nextCursor: null }
        if (!opts.accept(statement)) continue
        entries.push({ index, leafHash: e.leafHash, statement })
        if (entries.length === opts.limit) return { entries, nextCursor: index }
      }
      if (scanned >= opts.maxScan) return { entries, nextCursor: after ?? null }
    }
  }

  /**
   * A subject's data authorizations with what their validity depends on — the window and
   * categories (never the purpose: auditors do not read payloads, and unlike dates and
   * categories it cannot be found by probing the status route), the ledger times of the
   * authorization and of its revocation — and the status at `at` by chain/consent.ts, the
   * rule the console applies again at any date the auditor picks. Terms are null when the
   * authorization is hash-only or erased: its status is then undetermined.
   */
  async subjectAuthorizations(subject: string, opts: { after?: number; limit: number; maxScan: number; at: string }): Promise<{ authorizations: AuthorizationWindow[]; nextCursor: number | null }> {
    const page = await this.subjectHistory(subject, { ...opts, accept: (s) => s.kind === 'data-authorization' })
    const authorizations: AuthorizationWindow[] = []
    for (const e of page.entries) {
      const payload = await this.payload(e.index)
      const terms = payload ? (payload.record as unknown as ConsentTerms) : null
      const rev = await this.log.indexOfKindId('authorization-revocation', e.statement.id, e.statement.submitter)
      const revocation = (rev === undefined ? undefined : await this.log.entry(rev)) ?? null
      const facts = terms && { terms, authorizedAt: e.statement.time, revokedAt: revocation?.statement.time ?? null }
      const answer = facts ? authorizationStatus(facts, { at: opts.at }) : { status: 'undetermined' as const, reason: (await this.isRedacted(e.index)) ? 'its terms were erased' : 'notarized hash-only: the ledger does not know its terms' }
      authorizations.push({
        index: e.index, leafHash: e.leafHash, id: e.statement.id, submitter: e.statement.submitter, authorizedAt: e.statement.time,
        terms: terms && { validFrom: terms.validFrom, validUntil: terms.validUntil, dataCategories: [...terms.dataCategories] },
        revocation: revocation && { index: revocation.index, leafHash: revocation.leafHash, time: revocation.statement.time },
        ...answer,
      })
    }
    return { authorizations, nextCursor: page.nextCursor }
  }

  /** Statements that ref this entry (revocations, redactions), in index order. */
  async related(index: number): Promise<{ index: number; statement: Statement }[]> {
    const refs = await this.log.referrers(index)
    const out: { index: number; statement: Statement }[] = []
    for (const i of refs) {
      const s = await this.statementAt(i)
      if (s) out.push({ index: i, statement: s })
    }
    return out
  }

  async isRedacted(index: number): Promise<boolean> {
    return (await this.related(index)).some((r) => r.statement.kind === 'redaction')
  }

  async statementAt(index: number): Promise<Statement | undefined> {
    return this.log.statement(index)
  }
}
