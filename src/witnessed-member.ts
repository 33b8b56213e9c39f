// The `witnessed` member of a receipt or bundle (chain/witnessing-evidence.ts) when the
// ledger has a WITNESS_POLICY: the entry's tlog-proof against the newest checkpoint that met
// the quorum, and a consistency proof from that tree to the document's own checkpoint. While
// no such checkpoint holds the entry, the member says so instead: a bundle is never refused
// for want of witnesses.
import { bytesToHex } from '../chain/encoding.ts'
import { parseCheckpointNote } from '../chain/note.ts'
import { describeQuorum } from '../chain/policy.ts'
import type { LogReader } from '../chain/reader.ts'
import { formatTlogProof } from '../chain/tlog-proof.ts'
import type { WitnessedMember } from '../chain/witnessing-evidence.ts'
import type { Witnessing } from './witnessing.ts'

export async function witnessedMember(log: LogReader, witnessing: Witnessing, doc: { entry: { index: number }; checkpoint: string }): Promise<WitnessedMember> {
  const w = witnessing.witnessed()
  const quorum = describeQuorum(witnessing.policy)
  if (w === null) return { proof: null, reason: `no checkpoint of this ledger has met the witness quorum ${quorum} yet` }
  const index = doc.entry.index
  if (index >= w.size) return { proof: null, reason: `entry ${index} is newer than the newest checkpoint that met the witness quorum ${quorum} (size ${w.size}); ask again once the witnesses have cosigned a newer one` }
  const size = parseCheckpointNote(doc.checkpoint).checkpoint.size
  const hashes = await log.inclusionProof(index, w.size)
  const proof = formatTlogProof({ index, hashes, checkpoint: w.note })
  // Quorum reached on a newer tree while the document was assembled: the proof stands on
  // its own, there is just no "extends" link to give in that direction.
  if (w.size > size) return { proof }
  return { proof, consistency: (await log.consistencyProof(w.size, size)).map(bytesToHex) }
}
