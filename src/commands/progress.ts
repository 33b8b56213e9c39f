// A progress bar on stderr for long CLI work; silent when stderr is not a terminal
// (CI logs, pipes) so machine output stays clean.
import { SingleBar, Presets } from 'cli-progress'

export interface Progress {
  update(done: number, total: number): void
  stop(): void
}

export function progressBar(label: string): Progress {
  if (!process.stderr.isTTY) return { update() {}, stop() {} }
  const started = Date.now()
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} entries | {rate} entries/s | ETA {eta}s`,
    stream: process.stderr,
    hideCursor: true,
  }, Presets.shades_classic)
  let running = false
  return {
    update(done, total) {
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000))
      if (!running) {
        bar.start(Math.max(total, 1), done, { rate })
        running = true
      }
      bar.setTotal(Math.max(total, done, 1))
      bar.update(done, { rate })
    },
    stop() {
      if (running) bar.stop()
    },
  }
}
