// One block's statement bytes without an allocation per statement (the block's rows are
// copied by LevelDB's batch, so views into shared buffers are enough).
const utf8Encoder = new TextEncoder()

/** UTF-8 of one block's statements, back to back in shared buffers (views, not copies). */
export class TextArena {
  #buf = new Uint8Array(0)
  #off = 0

  encode(text: string): Uint8Array {
    const max = 3 * text.length
    if (this.#off + max > this.#buf.length) {
      this.#buf = new Uint8Array(Math.max(64 * 1024, max))
      this.#off = 0
    }
    const { written } = utf8Encoder.encodeInto(text, this.#buf.subarray(this.#off))
    const out = this.#buf.subarray(this.#off, this.#off + written)
    this.#off += written
    return out
  }
}
