// The record-kind registry is the one place a kind is described: these tests hold the
// parts derived from it (labels, ids, subjects, the browser bundle) to that promise.
import t from 'tap'
import { build } from 'esbuild'
import { CLIENT_KINDS } from '../../chain/statement.ts'
import { RECORD_KINDS, amendedKind, kindLabels, partyField, recordId, recordSubject } from '../../src/kinds/index.ts'
import { RECORD_SCHEMAS } from '../../src/schemas/records.ts'
import { sampleRecords } from '../helpers/app.ts'
import { uscc } from '../helpers/fixtures.ts'

t.test('every client kind has an entry, and every top-level record field a label on the /verify page', async (t) => {
  t.same(Object.keys(RECORD_KINDS), [...CLIENT_KINDS])
  for (const kind of CLIENT_KINDS) {
    t.same(Object.keys(kindLabels(kind)!.fields).sort(), Object.keys(RECORD_SCHEMAS[kind].properties).sort(), kind)
  }
  t.equal(kindLabels('redaction')?.kind, '删除记录 Redaction', 'redactions are labelled too')
  t.equal(kindLabels('constructor'), undefined, 'an unknown kind from a pasted bundle has no labels')
})

t.test('ids and subjects are read where each kind keeps them', async (t) => {
  const r = sampleRecords(7)
  t.same(CLIENT_KINDS.map((k) => recordId(k, r[k])), ['APP-7', 'AUTH-7', 'AUTH-7', 'EV-7'])
  t.same(CLIENT_KINDS.map((k) => recordSubject(k, r[k])), [uscc(7), uscc(7), null, uscc(7)])
  t.equal(amendedKind('authorization-revocation'), 'data-authorization', 'a revocation takes its subject from the authorization')
  t.same(CLIENT_KINDS.map((k) => partyField(k)), ['applicant', 'grantor', undefined, undefined])
})

t.test('the registry bundles for the browser on its own: no TypeBox, no Node built-ins', async (t) => {
  const out = await build({
    entryPoints: [new URL('../../src/kinds/index.ts', import.meta.url).pathname],
    bundle: true, write: false, format: 'esm', platform: 'browser', metafile: true, logLevel: 'silent',
  })
  t.same(Object.keys(out.metafile.inputs).filter((p) => !p.startsWith('src/kinds/')), [], 'it imports nothing but itself')
})
