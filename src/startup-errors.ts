// One line a newcomer can act on, for each way the service can fail to start.
import { LedgerIntegrityError } from '../chain/log.ts'
import { ConfigError } from './config.ts'

export function describeStartupError(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }
  if (e instanceof ConfigError) return `configuration: ${err.message}`
  if (e instanceof LedgerIntegrityError) return err.message
  const code = err.code ?? err.cause?.code
  const path = err.path ?? err.cause?.path
  if (code === 'EADDRINUSE') return `port is already in use (${err.message}); set PORT to a free port`
  if (code === 'ENOENT' && (err.syscall ?? err.cause?.syscall) === 'mkdir') {
    return `cannot create ${path ?? 'the data directory'}: this file system does not allow a directory there (ENOENT, e.g. /proc); choose a DATA_DIR on a real disk`
  }
  if (code === 'EACCES' || code === 'EROFS' || code === 'EPERM' || code === 'ENOTDIR') {
    return `cannot write ${path ?? 'the data directory'} (${code}); check DATA_DIR and its permissions`
  }
  if (code === 'LEVEL_DATABASE_NOT_OPEN' || code === 'LEVEL_LOCKED') {
    const inner = err.cause?.message ?? err.message
    if (/read-only file system/i.test(inner)) return `cannot write the data directory: it is on a read-only file system (${inner}); check DATA_DIR`
    if (/lock/i.test(inner)) return `the data directory is in use by another evidence-ledger process (${inner})`
    return `cannot open the ledger database: ${inner}; is DATA_DIR corrupted or read-only?`
  }
  return err.message ?? String(e)
}
