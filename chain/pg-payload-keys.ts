// Payload keys for the PostgreSQL store: the same sealing as LevelDB (payload-cipher.ts, one
// AES-256-CTR key per block), with the keys in the database so every instance reaches them,
// inside the block's own transaction (a key exists exactly when the rows it seals do).
//
// Destroying a key for real is the hard part. A DELETE only marks the row dead; a plain
// VACUUM frees its space but leaves the bytes in the page until something overwrites them
// (measured: the last key deleted from a page was still in the table file after VACUUM and
// CHECKPOINT). VACUUM FULL writes the live rows to a new file and unlinks the old one; to
// keep that cheap the key table is partitioned by key id, PARTITION_HEIGHTS blocks per
// partition, and an erasure rewrites only the partitions it destroyed keys in.
//
// Key ids: a block's own payloads use height × KEY_IDS_PER_BLOCK; the siblings an erasure
// re-seals use the erasing block's height × KEY_IDS_PER_BLOCK + 1, + 2, … Heights are
// unique under the block lock, so ids never collide across instances.

export const KEY_IDS_PER_BLOCK = 65_536
/** Blocks per key partition: ~4,096 rows of ~70 bytes, so a VACUUM FULL of one is milliseconds. */
const PARTITION_HEIGHTS = 4096
const PARTITION_SPAN = KEY_IDS_PER_BLOCK * PARTITION_HEIGHTS

export function partitionOf(keyId: number): number {
  return Math.floor(keyId / PARTITION_SPAN)
}

export function partitionName(n: number): string {
  return `el_payload_key_${n}`
}

/** DDL for the partition holding key ids of partition `n` (idempotent). */
export function createPartitionSql(n: number): string {
  return `CREATE TABLE IF NOT EXISTS ${partitionName(n)} PARTITION OF el_payload_key FOR VALUES FROM (${n * PARTITION_SPAN}) TO (${(n + 1) * PARTITION_SPAN})`
}
