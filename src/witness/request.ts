// The tlog-witness add-checkpoint request body: "old <size>\n", up to 63 base64 consistency
// proof hashes one per line, an empty line, then the checkpoint note. Parsing is strict
// (no leading zeroes, canonical base64, every line newline-terminated) because whatever a
// witness accepts here it will sign.
import { fromBase64 } from '../../chain/encoding.ts'
import { type Checkpoint, parseCheckpointNote, type ParsedNote } from '../../chain/note.ts'

export const MAX_PROOF_LINES = 63

export interface AddCheckpointRequest {
  oldSize: number
  proof: Uint8Array[]
  /** The note as sent (body and every signature line). */
  note: ParsedNote
  checkpoint: Checkpoint
}

export class MalformedRequest extends Error {
  override name = 'MalformedRequest'
}

export function parseAddCheckpoint(text: string): AddCheckpointRequest {
  const blank = text.indexOf('\n\n')
  if (blank < 0) throw new MalformedRequest('body must be "old <size>", proof lines, an empty line, then the checkpoint')
  const head = text.slice(0, blank).split('\n')
  const noteText = text.slice(blank + 2)
  const m = /^old (0|[1-9][0-9]*)$/.exec(head[0])
  if (m === null) throw new MalformedRequest('first line must be "old <size>" in decimal without leading zeroes')
  const oldSize = Number(m[1])
  if (!Number.isSafeInteger(oldSize)) throw new MalformedRequest('old size is too large')
  const lines = head.slice(1)
  if (lines.length > MAX_PROOF_LINES) throw new MalformedRequest(`more than ${MAX_PROOF_LINES} consistency proof lines`)
  const proof = lines.map((l, i) => {
    let h: Uint8Array
    try {
      h = fromBase64(l)
    } catch {
      throw new MalformedRequest(`consistency proof line ${i + 1} is not standard base64`)
    }
    if (h.length !== 32) throw new MalformedRequest(`consistency proof line ${i + 1} is not a 32-byte hash`)
    return h
  })
  let note: ParsedNote
  let checkpoint: Checkpoint
  try {
    ({ note, checkpoint } = parseCheckpointNote(noteText))
  } catch (e) {
    throw new MalformedRequest(`checkpoint: ${(e as Error).message}`)
  }
  return { oldSize, proof, note, checkpoint }
}
