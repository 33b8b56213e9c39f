// The record schemas are the first line of defence: every string and every array must
// be bounded, and every object closed, or a client could store megabytes per field.
import t from 'tap'
import type { TSchema } from '@sinclair/typebox'
import { BatchBody, HashOnlyBody, RECORD_SCHEMAS, RecordBody } from '../../src/schemas/records.ts'

/** A regex bounds length if it is anchored and has no unbounded quantifier. */
function boundedPattern(p: string): boolean {
  const outsideClasses = p.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x')
  return p.startsWith('^') && p.endsWith('$') && !/[*+]|\{\d+,\}/.test(outsideClasses)
}

function unbounded(schema: TSchema, path: string, out: string[]): string[] {
  const s = schema as Record<string, unknown>
  if (Array.isArray(s.anyOf)) (s.anyOf as TSchema[]).forEach((x, i) => unbounded(x, `${path}|${i}`, out))
  if (s.const !== undefined || Array.isArray(s.enum)) return out
  switch (s.type) {
    case 'string':
      if (typeof s.maxLength !== 'number' && !(typeof s.pattern === 'string' && boundedPattern(s.pattern))) out.push(`${path}: string without maxLength or bounded pattern`)
      break
    case 'array':
      if (typeof s.maxItems !== 'number') out.push(`${path}: array without maxItems`)
      unbounded(s.items as TSchema, `${path}[]`, out)
      break
    case 'object':
      if (s.additionalProperties !== false) out.push(`${path}: object open to unknown fields`)
      for (const [k, v] of Object.entries(s.properties as Record<string, TSchema>)) unbounded(v, `${path}.${k}`, out)
      break
    case 'integer':
    case 'number':
      if (typeof s.maximum !== 'number') out.push(`${path}: number without maximum`)
  }
  return out
}

t.test('every string, array and number in the request schemas is bounded and every object closed', async (t) => {
  for (const [kind, schema] of Object.entries(RECORD_SCHEMAS)) t.same(unbounded(schema, kind, []), [], kind)
  t.same(unbounded(HashOnlyBody, 'hash-only', []), [])
  t.same(unbounded(RecordBody, 'body', []), [])
  t.same(unbounded(BatchBody, 'batch', []), [])
})

t.test('the boundedness check itself catches open schemas', async (t) => {
  t.same(unbounded({ type: 'string', pattern: '^[a-z]+$' } as unknown as TSchema, 's', []).length, 1, 'unbounded +')
  t.same(unbounded({ type: 'string', pattern: '^[a-z]{1,}$' } as unknown as TSchema, 's', []).length, 1, 'unbounded {n,}')
  t.same(unbounded({ type: 'string', pattern: '[a-z]{1,5}' } as unknown as TSchema, 's', []).length, 1, 'unanchored')
  t.same(unbounded({ type: 'array', items: { type: 'string', maxLength: 3 } } as unknown as TSchema, 'a', []).length, 1)
  t.same(unbounded({ type: 'object', properties: { x: { type: 'string', maxLength: 1 } } } as unknown as TSchema, 'o', []).length, 1)
  t.same(unbounded({ type: 'string', pattern: '^[0-9a-f]{64}$' } as unknown as TSchema, 's', []), [])
  t.same(unbounded({ type: 'string', pattern: '^[+-][0-9]{2}$' } as unknown as TSchema, 's', []), [], 'a + inside a class is a character')
})
