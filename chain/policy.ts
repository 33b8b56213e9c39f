// C2SP tlog-policy: which logs, which witnesses, and how many witnesses must vouch for a
// checkpoint before anyone relies on it. Isomorphic: the /verify page parses a pasted policy
// with this file. Parsing is strict and every error names its line, because a policy is
// written by hand by a bank's or a court's operator and a silent misreading changes whom
// they trust.
import { equalBytes } from './encoding.ts'
import { parseVkey, type VerifierKey } from './note.ts'
import { parseCosignerVkey, type CosignerKey } from './cosignature.ts'

export const QUORUM_NONE = 'none'

export interface PolicyLog {
  key: VerifierKey
  vkey: string
  url?: string
}

export interface PolicyWitness {
  name: string
  key: CosignerKey
  vkey: string
  url?: string
}

export interface PolicyGroup {
  name: string
  /** "any" and "all" are resolved at parse time: 1 ≤ threshold ≤ members.length. */
  threshold: number
  members: string[]
}

export interface Policy {
  logs: PolicyLog[]
  witnesses: PolicyWitness[]
  groups: PolicyGroup[]
  /** A witness or group name, or "none". */
  quorum: string
}

export class PolicyError extends Error {
  override name = 'PolicyError'
  readonly line: number

  constructor(line: number, message: string) {
    super(line > 0 ? `policy line ${line}: ${message}` : `policy: ${message}`)
    this.line = line
  }
}

// Allowed octets: tab, newline, 0x20–0x7E and everything with the high bit set. In a JS
// string the latter are code points ≥ 0x80.
const FORBIDDEN_CHAR = /[\x00-\x08\x0b-\x1f\x7f]/

export function parsePolicy(text: string): Policy {
  if (typeof text !== 'string') throw new PolicyError(0, 'policy must be text')
  const out: Policy = { logs: [], witnesses: [], groups: [], quorum: '' }
  const defined = new Set<string>()
  const listedAsMember = new Set<string>()
  let quorumLine = 0
  const lines = text.split('\n')
  lines.forEach((raw, i) => {
    const n = i + 1
    const bad = FORBIDDEN_CHAR.exec(raw)
    if (bad) {
      const code = bad[0].charCodeAt(0).toString(16).padStart(2, '0')
      throw new PolicyError(n, `control character 0x${code} is not allowed${code === '0d' ? ' (Windows line endings? save the file with \\n only)' : ''}`)
    }
    const fields = raw.split(/[ \t]+/).filter((f) => f.length > 0)
    if (fields.length === 0 || fields[0].startsWith('#')) return
    const [keyword, ...args] = fields
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw new PolicyError(n, 'expected "log <vkey> [<url>]"')
        const key = keyOr(n, 'log', () => parseVkey(args[0]))
        if (out.logs.some((l) => equalBytes(l.key.publicKey, key.publicKey))) throw new PolicyError(n, `duplicate log key ${args[0]}`)
        out.logs.push({ key, vkey: args[0], ...(args[1] ? { url: checkUrl(n, args[1]) } : {}) })
        return
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw new PolicyError(n, 'expected "witness <name> <vkey> [<url>]"')
        const name = newName(n, args[0], defined)
        const key = keyOr(n, 'witness', () => parseCosignerVkey(args[1]))
        const dup = out.witnesses.find((w) => equalBytes(w.key.publicKey, key.publicKey))
        if (dup) throw new PolicyError(n, `witness ${name} has the same public key as witness ${dup.name}`)
        out.witnesses.push({ name, key, vkey: args[1], ...(args[2] ? { url: checkUrl(n, args[2]) } : {}) })
        defined.add(name)
        return
      }
      case 'group': {
        if (args.length < 3) throw new PolicyError(n, 'expected "group <name> <all|any|k> <member>..."')
        const [rawName, rawThreshold, ...members] = args
        const name = newName(n, rawName, defined)
        for (const m of members) {
          if (m === QUORUM_NONE) throw new PolicyError(n, '"none" cannot be a group member')
          if (!defined.has(m)) throw new PolicyError(n, `group ${name}: member ${m} is not defined on an earlier line`)
          // Across the whole file, so no witness counts twice toward the quorum.
          if (listedAsMember.has(m)) throw new PolicyError(n, `group ${name}: ${m} is already a member of a group; a name may be listed as a member only once`)
          listedAsMember.add(m)
        }
        out.groups.push({ name, threshold: threshold(n, name, rawThreshold, members.length), members })
        defined.add(name)
        return
      }
      case 'quorum': {
        if (args.length !== 1) throw new PolicyError(n, 'expected "quorum <name>"')
        if (quorumLine > 0) throw new PolicyError(n, `second quorum line (the first is on line ${quorumLine}); a policy has exactly one`)
        if (args[0] !== QUORUM_NONE && !defined.has(args[0])) throw new PolicyError(n, `quorum ${args[0]} is not a witness or group defined on an earlier line`)
        out.quorum = args[0]
        quorumLine = n
        return
      }
      default:
        throw new PolicyError(n, `unknown keyword "${keyword}" (expected log, witness, group or quorum)`)
    }
  })
  if (quorumLine === 0) throw new PolicyError(0, 'no quorum line; write "quorum none" to require no cosignatures')
  return out
}

function newName(line: number, name: string, defined: Set<string>): string {
  if (name === QUORUM_NONE) throw new PolicyError(line, '"none" is reserved and cannot name a witness or group')
  if (defined.has(name)) throw new PolicyError(line, `name ${name} is already defined`)
  return name
}

function keyOr<K>(line: number, what: string, parse: () => K): K {
  try {
    return parse()
  } catch (e) {
    throw new PolicyError(line, `bad ${what} key: ${(e as Error).message}`)
  }
}

function threshold(line: number, group: string, raw: string, n: number): number {
  if (raw === 'any') return 1
  if (raw === 'all') return n
  if (!/^[1-9][0-9]*$/.test(raw)) throw new PolicyError(line, `group ${group}: threshold must be all, any or a decimal number, got "${raw}"`)
  const k = Number(raw)
  if (k > n) throw new PolicyError(line, `group ${group}: threshold ${k} is more than its ${n} member(s)`)
  return k
}

function checkUrl(line: number, raw: string): string {
  try {
    new URL(raw)
  } catch {
    throw new PolicyError(line, `"${raw}" is not a URL`)
  }
  return raw
}

/**
 * Whether the witnesses in `cosigned` (policy names whose cosignatures verified) satisfy
 * the quorum. Groups nest; the parser rules out cycles, so plain recursion terminates.
 */
export function quorumSatisfied(policy: Policy, cosigned: ReadonlySet<string>): boolean {
  if (policy.quorum === QUORUM_NONE) return true
  const groups = new Map(policy.groups.map((g) => [g.name, g]))
  const witnessed = (name: string): boolean => {
    const g = groups.get(name)
    if (g === undefined) return cosigned.has(name)
    return g.members.filter(witnessed).length >= g.threshold
  }
  return witnessed(policy.quorum)
}

/** Human-readable rule, for reports: "2 of (bank-a, bank-b, court)". */
export function describeQuorum(policy: Policy, name = policy.quorum): string {
  if (name === QUORUM_NONE) return 'none (no cosignatures required)'
  const g = policy.groups.find((x) => x.name === name)
  if (g === undefined) return name
  const inner = g.members.map((m) => describeQuorum(policy, m)).join(', ')
  const k = g.threshold === g.members.length ? 'all' : g.threshold === 1 ? 'any' : String(g.threshold)
  return `${k} of (${inner})`
}
