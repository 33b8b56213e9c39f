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
    format: `${label} [{bar}] {percentage}% | {value}/{total} entries | {rate} entries/s | {left}`,
    stream: process.stderr,
    hideCursor: true,
  }, Presets.shades_classic)
  let running = false
  return {
    update(done, total) {
      const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000))
      // cli-progress's own {eta} prints "NULL" on the last frame and "INF" before a rate
      // exists; the time left is said in words instead.
      const left = done >= total ? 'done' : rate > 0 ? `about ${timeLeft((total - done) / rate)} left` : 'starting'
      if (!running) {
        bar.start(Math.max(total, 1), done, { rate, left })
        running = true
      }
      bar.setTotal(Math.max(total, done, 1))
      bar.update(done, { rate, left })
    },
    stop() {
      if (running) bar.stop()
    },
  }
}

/** "45 s", "3 min", "2 h 05 min". */
export function timeLeft(seconds: number): string {
  const s = Math.ceil(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.round(s / 60)} min`
  return `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`
}
