// Which SHA-256 and Ed25519 run is chosen where a process starts, by calling this, never
// as a side effect of importing something else. chain/ defaults to @noble, pure JS, which
// the browser bundle (web/verify.ts) keeps; Node entry points (src/cli.ts, the bench, the
// chaos and soak drills, the test setup) switch to node:crypto: SHA-256 ~2× faster on tree
// nodes, and Ed25519 verification ~20× faster and runnable on libuv's pool, which a full
// audit or restore of a log of small blocks spends most of its time on. Both give the same
// bytes and answers (test/chain/hash-node.test.ts, ed25519-node.test.ts), so a process that
// forgets this is slower, never wrong.
import { nodeEd25519Verify, nodeEd25519VerifyAsync } from './ed25519-node.ts'
import { nodeSha256 } from './hash-node.ts'
import { useSha256 } from './hash.ts'
import { useEd25519Verify } from './verify.ts'

export function useNodeCrypto(): void {
  useSha256(nodeSha256)
  useEd25519Verify(nodeEd25519Verify, nodeEd25519VerifyAsync)
}
