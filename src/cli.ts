// `evidence-ledger …`: the service and the tools around it (docs/formats.md).
import { Command, InvalidArgumentError } from 'commander'
import { useNodeCrypto } from '../chain/node-crypto.ts'
import { loadConfig } from './config.ts'
import { existsSync } from 'node:fs'
import { loadCheckpointKeys, loadTokenKey, rotateCheckpointKey, tokenKeyPath } from './keys.ts'
import { ROLES, type Role } from '../plugins/auth.ts'
import { mintToken, parseTtl } from './tokens.ts'
import { describeStartupError } from './startup-errors.ts'

// Everything this process creates (LevelDB tables and logs, exports, keys) holds records
// or secrets: owner-only, whatever the shell's umask. The data directory itself is made
// (and tightened) to 0700 by the app.
process.umask(0o077)
useNodeCrypto()

const program = new Command()
program
  .name('evidence-ledger')
  .description('Notarize financing applications and data authorizations into a verifiable Merkle log')
  .showHelpAfterError()

program.command('serve')
  .description('run the HTTP service (env: PORT, HOST, DATA_DIR, LEDGER_ORIGIN, LOG_LEVEL, AUTH_*)')
  .action(async () => {
    const { main } = await import('./server.ts')
    await main()
  })

program.command('token')
  .description('print a dev-mode bearer token signed with the local token key in DATA_DIR')
  .requiredOption('--role <role...>', `role(s): ${ROLES.join(', ')}`, (v: string, prev: Role[] = []) => {
    if (!(ROLES as readonly string[]).includes(v)) throw new InvalidArgumentError(`role must be one of ${ROLES.join(', ')}`)
    return [...prev, v as Role]
  })
  .option('--sub <subject>', 'token subject: the submitter identity', 'dev-platform')
  .option('--ttl <ttl>', 'lifetime: seconds, or 15m, 12h, 30d', '12h')
  .action(async (o: { role: Role[]; sub: string; ttl: string }) => {
    const config = loadConfig()
    if (config.auth.jwksUrl) fail('AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command')
    const ttlSeconds = parseTtl(o.ttl, config.auth.maxTokenTtlSeconds)
    const existed = existsSync(tokenKeyPath(config.dataDir))
    const key = await loadTokenKey(config.dataDir, true)
    // A token minted with a fresh key is useless to a server that runs on another
    // DATA_DIR; say where the key is, on stderr so scripts still read only the token.
    if (!existed) console.error(`evidence-ledger: no dev token key in ${config.dataDir}; made one at ${tokenKeyPath(config.dataDir)} (a server must use DATA_DIR=${config.dataDir} to accept this token)`)
    const token = await mintToken(key, {
      roles: o.role, sub: o.sub, ttlSeconds, issuer: config.auth.issuer, audience: config.auth.audience,
    })
    process.stdout.write(token + '\n')
  })

program.command('keygen')
  .description('create the checkpoint signing key, or with --rotate retire the current one and make a new one')
  .option('--rotate', 'retire the current key (it stays listed in /v1/keys) and start signing with a new one')
  .action((o: { rotate?: boolean }) => {
    const config = loadConfig()
    // A key from the environment lives in the operator's secret store: a new one is made
    // there, and the old verifier key listed in DATA_DIR/keys/retired.vkeys by hand.
    if (o.rotate && config.signingKey) throw new Error(`the signing key comes from ${config.signingKey.from}: rotate it in the secret store that holds it (docs/operations.md)`)
    const keys = o.rotate ? rotateCheckpointKey(config.dataDir, config.origin) : loadCheckpointKeys(config.dataDir, config.origin, true, config.signingKey)
    process.stdout.write(keys.signer.vkey + '\n')
  })

program.command('verify')
  .description('verify an evidence bundle, a receipt or a tlog-proof offline, trusting only the given ledger key (and witness policy)')
  .argument('<file>', 'bundle or receipt JSON file, or a c2sp.org/tlog-proof@v1 file')
  .requiredOption('--key <vkey>', 'ledger verifier key (name+keyid+key) or a file containing it')
  .option('--policy <file>', 'tlog-policy file: check each witness cosignature and the quorum (without it only the operator vouches)')
  .option('--leaf <hex>', 'leaf hash of the entry, for a tlog-proof file')
  .option('--tsa-cert <file>', 'PEM certificate of the RFC 3161 time-stamping authority (or its CA): check the bundle\'s time-stamp token')
  .option('--json', 'machine-readable output')
  .action(async (file: string, o: { key: string; json?: boolean; policy?: string; leaf?: string; tsaCert?: string }) => {
    const { runVerify } = await import('./commands/verify.ts')
    process.exitCode = await runVerify(file, o)
  })

program.command('audit')
  .description('re-verify the whole log in DATA_DIR: every leaf, node, block link and checkpoint (stop the service first)')
  .option('--key <vkey...>', 'verifier key(s) to accept; default: the keys in DATA_DIR/keys')
  .option('--strict', 'also parse every statement and insist on canonical v1 form')
  .option('--json', 'machine-readable report')
  .action(async (o: { key?: string[]; json?: boolean; strict?: boolean }) => {
    const { runAudit } = await import('./commands/audit.ts')
    process.exitCode = await runAudit(o)
  })

program.command('monitor')
  .description('watch a ledger\'s checkpoints and alert on a bad signature, a shrinking tree or a fork')
  .argument('<url>', 'base URL of the ledger, e.g. http://127.0.0.1:3000')
  .requiredOption('--key <vkey>', 'the ledger verifier key, or a file containing it')
  .option('--state <file>', 'where the last accepted checkpoint is kept', 'monitor-state.json')
  .option('--interval <seconds>', 'poll interval', '30')
  .option('--peer <url>', 'another view of the same ledger to compare with: a witness\'s <url>/<sha256(origin)>/checkpoint or a mirror\'s /tlog/checkpoint (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--once', 'check once and exit: 0 ok, 2 alert, 3 split view (evidence printed), 4 unreachable')
  .action(async (url: string, o: { key: string; state: string; once?: boolean; interval: string; peer?: string[] }) => {
    const { runMonitor } = await import('./commands/monitor.ts')
    process.exitCode = await runMonitor(url, o)
  })

/** --url, --token and --json, as every lookup against a running ledger takes them. */
function lookupOptions(c: Command, opts: { token: boolean }): Command {
  c.option('--url <url>', 'the ledger (default: env EVIDENCE_LEDGER_URL or http://127.0.0.1:3000)')
  if (opts.token) c.option('--token <jwt>', 'auditor token (default: env EVIDENCE_LEDGER_TOKEN)')
  return c.option('--json', 'machine-readable output')
}

lookupOptions(program.command('get'), { token: true })
  .description('show one entry and verify its inclusion in the current signed checkpoint')
  .option('--index <n>', 'entry index')
  .option('--leaf <hash>', 'leaf hash (hex)')
  .option('--id <kind:id>', 'business id, e.g. data-authorization:AUTH-2026-000123')
  .option('--key <vkey>', 'the verifier key you trust (default: the one the server publishes)')
  .action(async (o: { index?: string; leaf?: string; id?: string; url?: string; token?: string; key?: string; json?: boolean }) => {
    const { runGet } = await import('./commands/lookup.ts')
    process.exitCode = await runGet(o)
  })

lookupOptions(program.command('search'), { token: true })
  .description('find entries by index, leaf hash, kind:id or enterprise USCC')
  .argument('<query>', 'an entry index, a leaf hash, kind:id, or a USCC')
  .action(async (q: string, o: { url?: string; token?: string; json?: boolean }) => {
    const { runSearch } = await import('./commands/lookup.ts')
    process.exitCode = await runSearch(q, o)
  })

lookupOptions(program.command('loginfo'), { token: false })
  .description('the ledger at a glance: origin, size, root, who signs its checkpoint, its keys')
  .action(async (o: { url?: string; json?: boolean }) => {
    const { runLoginfo } = await import('./commands/lookup.ts')
    process.exitCode = await runLoginfo(o)
  })

program.command('export')
  .description('write a backup of the log: through a running service (--url, admin token) or from a stopped DATA_DIR')
  .requiredOption('--out <file>', 'backup file to create (must not exist)')
  .option('--url <url>', 'running service to export from, e.g. http://127.0.0.1:3000')
  .option('--token <jwt>', 'admin bearer token for --url (default: env EVIDENCE_LEDGER_TOKEN)')
  .action(async (o: { out: string; url?: string; token?: string }) => {
    const { runExport } = await import('./commands/backup.ts')
    process.exitCode = await runExport({ ...o, token: o.token ?? process.env.EVIDENCE_LEDGER_TOKEN })
  })

program.command('migrate')
  .description('copy the log between stores (a DATA_DIR and a postgres:// URL, either way) through the verifying export/restore; the target must be empty')
  .requiredOption('--from <dir|url>', 'source: a DATA_DIR or a postgres:// URL')
  .requiredOption('--to <dir|url>', 'target: an empty DATA_DIR or an empty postgres:// database')
  .option('--key <vkey...>', 'verifier key(s) to check checkpoints with; default: the keys in DATA_DIR/keys (or --from\'s keys)')
  .action(async (o: { from: string; to: string; key?: string[] }) => {
    const { runMigrate } = await import('./commands/migrate.ts')
    process.exitCode = await runMigrate(o)
  })

program.command('import')
  .description('restore a backup into an empty DATA_DIR, re-verifying every block; refuses on any mismatch')
  .argument('<file>', 'backup file')
  .option('--key <vkey...>', 'verifier key(s) to check checkpoints with; default: the keys in DATA_DIR/keys')
  .action(async (file: string, o: { key?: string[] }) => {
    const { runImport } = await import('./commands/backup.ts')
    process.exitCode = await runImport(file, o)
  })

const witness = program.command('witness')
  .description('run an independent witness (tlog-witness cosigner) for one or more ledgers (env: PORT, HOST, DATA_DIR, LOG_LEVEL); see docs/witness.md')
  .option('--name <key name>', 'this witness\'s key name, e.g. witness.bank.example/ledger (fixed at first start)')
  .option('--log <vkey>', 'a ledger verifier key to witness (repeat for more ledgers or rotated keys)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--mirror <url>', 'keep a verified copy of the ledger: fetch every entry from its tlog-tiles prefix (e.g. https://ledger.example/tlog) before cosigning, and serve it under /<sha256(origin)>/tile/…')
  .option('--mirror-chunk <tiles>', 'entry bundles (256 entries each) fetched and stored per batch while mirroring; progress survives a crash at batch boundaries', '64')
  .action(async (o: { name?: string; log?: string[]; mirror?: string; mirrorChunk: string }) => {
    if (!o.name) fail('witness needs --name <key name>')
    const chunk = Number(o.mirrorChunk)
    if (!Number.isSafeInteger(chunk) || chunk < 1) fail(`--mirror-chunk must be a whole number of tiles ≥ 1, got ${o.mirrorChunk}`)
    const { serveWitness } = await import('./witness/server.ts')
    await serveWitness({ name: o.name, log: o.log ?? [], mirror: o.mirror, mirrorChunkTiles: chunk })
  })
witness.command('vkey')
  .description('print this witness\'s cosigner verifier key (C2SP vkey, type 0x04), creating the key with --name if there is none')
  .option('--name <key name>', 'key name, needed only to create the key')
  .action(async (o: { name?: string }) => {
    const { loadCosigner } = await import('./witness/keys.ts')
    // Commander hands options the parent also knows (--name) to the parent.
    const name = o.name ?? witness.opts<{ name?: string }>().name
    process.stdout.write(loadCosigner(loadConfig().dataDir, name).vkey + '\n')
  })

function fail(message: string): never {
  console.error(`evidence-ledger: ${message}`)
  process.exit(2)
}

try {
  await program.parseAsync(process.argv)
} catch (e) {
  fail(describeStartupError(e))
}
