// The witness's own Ed25519 cosigner key, DATA_DIR/keys/cosigner.skey, mode 0600. Generated
// on first start; its name is part of its identity (the key id hashes it), so starting with
// another --name is refused instead of silently becoming a different witness.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateCosigner, parseCosignerSkey, type Cosigner } from '../../chain/cosigner.ts'
import { ConfigError } from '../config.ts'
import { makeDirs } from '../make-dirs.ts'

export function cosignerKeyPath(dataDir: string): string {
  return join(dataDir, 'keys', 'cosigner.skey')
}

/** The key in DATA_DIR; with `name`, created if missing and checked against it if present. */
export function loadCosigner(dataDir: string, name?: string): Cosigner {
  const path = cosignerKeyPath(dataDir)
  if (!existsSync(path)) {
    if (name === undefined) throw new ConfigError(`no witness key at ${path} yet; start the witness (or run "witness vkey") with --name <key name> to create one`)
    makeDirs(join(dataDir, 'keys'), 0o700)
    writeSecretDurably(path, generateCosigner(name).skey + '\n')
  }
  const cosigner = parseCosignerSkey(readFileSync(path, 'utf8'))
  if (name !== undefined && cosigner.name !== name) {
    throw new ConfigError(`the witness key in ${path} is named ${cosigner.name}, not ${name}; a witness's name is part of its key id, so use --name ${cosigner.name} or another DATA_DIR`)
  }
  return cosigner
}

function writeSecretDurably(path: string, text: string): void {
  // Write, fsync, rename: a crash leaves either no key or the whole key, never half of one.
  const tmp = `${path}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  const dir = openSync(join(path, '..'), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}
