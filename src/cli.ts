// `evidence-ledger …`: the service and the tools around it (DESIGN §7).
import { Command, InvalidArgumentError } from 'commander'
import { loadConfig } from './config.ts'
import { loadCheckpointKeys, loadTokenKey, rotateCheckpointKey } from './keys.ts'
import { mintToken, parseTtl, ROLES, type Role } from './tokens.ts'
import { describeStartupError } from './startup-errors.ts'

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
    const key = await loadTokenKey(config.dataDir, true)
    const token = await mintToken(key, {
      roles: o.role, sub: o.sub, ttlSeconds: parseTtl(o.ttl), issuer: config.auth.issuer, audience: config.auth.audience,
    })
    process.stdout.write(token + '\n')
  })

program.command('keygen')
  .description('create the checkpoint signing key, or with --rotate retire the current one and make a new one')
  .option('--rotate', 'retire the current key (it stays listed in /v1/keys) and start signing with a new one')
  .action((o: { rotate?: boolean }) => {
    const config = loadConfig()
    const keys = o.rotate ? rotateCheckpointKey(config.dataDir, config.origin) : loadCheckpointKeys(config.dataDir, config.origin, true)
    process.stdout.write(keys.signer.vkey + '\n')
  })

program.command('verify')
  .description('verify an evidence bundle or a receipt offline, trusting only the given ledger key')
  .argument('<file>', 'bundle or receipt JSON file')
  .requiredOption('--key <vkey>', 'ledger verifier key (name+keyid+key) or a file containing it')
  .option('--json', 'machine-readable output')
  .action(async (file: string, o: { key: string; json?: boolean }) => {
    const { runVerify } = await import('./commands/verify.ts')
    process.exitCode = runVerify(file, o)
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
