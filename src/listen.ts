// The one way a process of ours listens: bind, and on SIGTERM or SIGINT close the app
// (which drains what is in flight) and exit 0, or 1 if closing failed. A failed bind
// closes what was opened before it is reported.
import type { FastifyInstance } from 'fastify'

export async function listenUntilSignalled(app: FastifyInstance, at: { port: number; host: string }): Promise<void> {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'draining and closing')
    app.close().then(() => process.exit(0), (e: unknown) => {
      console.error(`evidence-ledger: error while closing: ${(e as Error).message}`)
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => stop('SIGTERM'))
  process.once('SIGINT', () => stop('SIGINT'))
  try {
    await app.listen(at)
  } catch (e) {
    await app.close().catch(() => undefined)
    throw e
  }
}
