// What the ledger knows about one kind of client record. Everything kind-specific lives in
// the kind's entry (src/kinds/<kind>.ts); schemas, validation, ids, subjects and the
// /verify page's labels are derived from the entries. Isomorphic: type imports only.
import type { Static, TObject } from '@sinclair/typebox'
import type { ClientKind } from '../../chain/statement.ts'
import type { SchemaKit } from '../schemas/fields.ts'

/** Where a record's subject (the enterprise's USCC) comes from. */
export type SubjectRule =
  /** record[party].uscc; record[party].name is the enterprise the /verify page shows. */
  | { party: string }
  /** record[field] is the USCC itself. */
  | { field: string }
  /**
   * The record amends the entry of that kind with the same id: it refs that entry, only
   * that entry's submitter may write it, and it takes that entry's subject.
   */
  | { amends: ClientKind }

export interface KindLabels {
  /** Chinese and English name of the kind. */
  kind: string
  /** Chinese label of every top-level record field. */
  fields: Readonly<Record<string, string>>
}

export interface RecordKind<S extends TObject = TObject> {
  /** The record field holding the business id, unique per kind. */
  idField: string
  subject: SubjectRule
  /** RFC 3339 fields that must also name a real moment (no 30 February). */
  timeFields: readonly string[]
  labels: KindLabels
  /**
   * The record's JSON Schema, property order as documented (refusals list bad fields in
   * that order), with one realistic, valid record in `examples`: OpenAPI shows it and the
   * tests notarize it.
   */
  schema(kit: SchemaKit): S
  /** A rule across fields that JSON Schema cannot state: the field it refuses and why, or null. */
  rule?(record: Static<S>): { field: string; detail: string } | null
}

/** Types an entry: infers its schema so that `rule` sees the record's fields. */
export function defineKind<S extends TObject>(kind: RecordKind<S>): RecordKind<S> {
  return kind
}
