// The checkpoint keys a log signs with and still vouches for. Where they are kept (files
// in DATA_DIR, an HSM) is the app's business; the log only needs this shape.
import type { CheckpointSigner } from './checkpoint.ts'

export interface CheckpointKeys {
  signer: CheckpointSigner
  /** Verifier keys of earlier signing keys, oldest first. */
  retired: string[]
}
