// C2SP signed-note and tlog-checkpoint text formats (docs/formats.md), pure and isomorphic.
// Key ids and key strings follow golang.org/x/mod/sumdb/note so Go and Sigstore
// verifiers accept our checkpoints unchanged.
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, concatBytes, fromBase64, toBase64, utf8ToBytes } from './encoding.ts'

export const ALG_ED25519 = 0x01
const SIG_PREFIX = '\u2014 '

export interface VerifierKey {
  name: string
  keyId: Uint8Array
  publicKey: Uint8Array
}

export interface Checkpoint {
  origin: string
  size: number
  root: Uint8Array
}

export interface NoteSignature {
  name: string
  keyId: Uint8Array
  signature: Uint8Array
}

export interface ParsedNote {
  body: string
  signatures: NoteSignature[]
}

/** keyid = SHA-256(name ‖ "\n" ‖ 0x01 ‖ pubkey)[0:4]. */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8ToBytes(name + '\n'), new Uint8Array([ALG_ED25519]), publicKey)).slice(0, 4)
}

export function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name)) throw new RangeError('key name must be non-empty, without spaces or "+"')
}

export function formatVkey(name: string, publicKey: Uint8Array): string {
  checkKeyName(name)
  const body = concatBytes(new Uint8Array([ALG_ED25519]), publicKey)
  return `${name}+${bytesToHex(noteKeyId(name, publicKey))}+${toBase64(body)}`
}

export function parseVkey(vkey: string): VerifierKey {
  const parts = splitPlus(vkey.trim(), 3)
  if (parts === null) throw new RangeError('verifier key must be <name>+<keyid>+<key>')
  const [name, idHex, b64] = parts
  checkKeyName(name)
  const raw = fromBase64(b64)
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new RangeError('verifier key is not an Ed25519 key')
  const publicKey = raw.slice(1)
  const keyId = noteKeyId(name, publicKey)
  if (bytesToHex(keyId) !== idHex) throw new RangeError('verifier key id does not match its key')
  return { name, keyId, publicKey }
}

/** Splits on the first n-1 "+" only: the trailing base64 field may contain "+" itself. */
export function splitPlus(text: string, n: number): string[] | null {
  const out: string[] = []
  let rest = text
  for (let i = 0; i < n - 1; i++) {
    const at = rest.indexOf('+')
    if (at < 0) return null
    out.push(rest.slice(0, at))
    rest = rest.slice(at + 1)
  }
  out.push(rest)
  return out
}

export function checkpointBody(cp: Checkpoint): string {
  if (!/^[^\n]+$/.test(cp.origin)) throw new RangeError('origin must be one non-empty line')
  if (cp.root.length !== 32) throw new RangeError('root must be 32 bytes')
  return `${cp.origin}\n${cp.size}\n${toBase64(cp.root)}\n`
}

export function parseCheckpointBody(body: string): Checkpoint {
  const lines = body.split('\n')
  // body ends in "\n", so the last split element is empty; extension lines may follow the root.
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new RangeError('checkpoint body must be at least three lines')
  const [origin, sizeText, rootText] = lines
  if (origin.length === 0) throw new RangeError('checkpoint origin is empty')
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new RangeError('checkpoint size is not a decimal number')
  const size = Number(sizeText)
  if (!Number.isSafeInteger(size)) throw new RangeError('checkpoint size is too large')
  const root = fromBase64(rootText)
  if (root.length !== 32) throw new RangeError('checkpoint root is not 32 bytes')
  if (lines.slice(3, -1).some((l) => l.length === 0)) throw new RangeError('checkpoint has an empty extension line')
  return { origin, size, root }
}

export function formatNote(body: string, signatures: NoteSignature[]): string {
  const lines = signatures.map(
    (s) => `${SIG_PREFIX}${s.name} ${toBase64(concatBytes(s.keyId, s.signature))}\n`,
  )
  return `${body}\n${lines.join('')}`
}

/** A signed checkpoint note, parsed: its signature lines and its body as a checkpoint. */
export function parseCheckpointNote(note: string): { note: ParsedNote; checkpoint: Checkpoint } {
  const parsed = parseNote(note)
  return { note: parsed, checkpoint: parseCheckpointBody(parsed.body) }
}

export function parseNote(note: string): ParsedNote {
  if (typeof note !== 'string') throw new TypeError('note must be text')
  const split = note.indexOf('\n\n')
  if (split < 0) throw new RangeError('note has no signature block')
  const body = note.slice(0, split + 1)
  const sigText = note.slice(split + 2)
  if (!sigText.endsWith('\n')) throw new RangeError('note must end with a newline')
  const signatures: NoteSignature[] = []
  for (const line of sigText.slice(0, -1).split('\n')) {
    if (!line.startsWith(SIG_PREFIX)) throw new RangeError('malformed signature line')
    const rest = line.slice(SIG_PREFIX.length)
    const space = rest.lastIndexOf(' ')
    if (space <= 0) throw new RangeError('malformed signature line')
    const raw = fromBase64(rest.slice(space + 1))
    if (raw.length < 5) throw new RangeError('signature too short')
    signatures.push({ name: rest.slice(0, space), keyId: raw.slice(0, 4), signature: raw.slice(4) })
  }
  if (signatures.length === 0) throw new RangeError('note has no signatures')
  return { body, signatures }
}
