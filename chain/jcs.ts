// RFC 8785 (JCS) canonical JSON: the one encoding every hashed or signed JSON value of the
// ledger uses (statements, records, block headers). Isomorphic: the browser verifier
// canonicalizes records with this very file.
import canonicalize from 'canonicalize'
import { utf8ToBytes } from './encoding.ts'

/** RFC 8785 canonical JSON as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8ToBytes(canonicalText(value))
}

/**
 * RFC 8785 canonical JSON text. Plain JSON data (what JSON.parse makes: every record a
 * client sends) takes a direct path, ~3× faster than the generic `canonicalize`; anything
 * else (toJSON, undefined, symbols, cycles, very deep nesting) goes to `canonicalize`
 * itself. A property test holds the two byte-identical.
 */
export function canonicalText(value: unknown): string {
  const fast = jcsPlain(value, 0)
  if (fast !== undefined) return fast
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('value has no JSON form')
  return text
}

const MAX_PLAIN_DEPTH = 64

/** JCS of plain JSON data, or undefined to hand the value to the generic canonicalizer. */
function jcsPlain(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case 'string':
      return jcsString(v)
    case 'number':
      // JCS numbers are ECMAScript's shortest round-trip form: JSON.stringify's.
      if (!Number.isFinite(v)) throw new TypeError(`${v} is not allowed in canonical JSON`)
      return JSON.stringify(v)
    case 'boolean':
      return v ? 'true' : 'false'
    case 'object': {
      if (v === null) return 'null'
      if (depth >= MAX_PLAIN_DEPTH) return undefined
      if (Array.isArray(v)) {
        let out = '['
        for (let i = 0; i < v.length; i++) {
          const x = jcsPlain(v[i], depth + 1)
          if (x === undefined) return undefined
          out += i === 0 ? x : ',' + x
        }
        return out + ']'
      }
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) return undefined
      const o = v as Record<string, unknown>
      if (typeof o.toJSON === 'function') return undefined
      // JCS orders members by UTF-16 code units: the default sort's order.
      const names = Object.keys(o).sort()
      let out = '{'
      for (let i = 0; i < names.length; i++) {
        const x = jcsPlain(o[names[i]], depth + 1)
        if (x === undefined) return undefined
        out += (i === 0 ? '' : ',') + jcsString(names[i]) + ':' + x
      }
      return out + '}'
    }
    default:
      return undefined
  }
}

// Printable ASCII other than '"' and '\\': JSON.stringify (and JCS) leave it unescaped.
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

export function jcsString(x: string): string {
  if (typeof x !== 'string') throw new TypeError('canonical JSON text must be a well-formed string')
  if (PLAIN_TEXT.test(x)) return `"${x}"`
  if (!x.isWellFormed()) throw new TypeError('canonical JSON text must be well-formed Unicode (no lone surrogates)')
  return JSON.stringify(x)
}
