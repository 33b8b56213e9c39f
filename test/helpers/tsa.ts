// A real RFC 3161 time-stamping authority for tests: Debian's `openssl ts -reply` behind a
// node:http server (POST application/timestamp-query → application/timestamp-reply). The CA
// and the TSA certificate (extendedKeyUsage critical timeStamping) are made at test time
// with `openssl req` / `openssl x509`, so nothing secret is checked in and every test run
// signs with fresh keys.
import { execFileSync, execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { tempDir } from './fixtures.ts'

export const OPENSSL = '/usr/bin/openssl'

export interface TsaKeys {
  dir: string
  /** PEM of the CA that issued the TSA certificate. */
  caPem: string
  /** PEM of the TSA's own certificate. */
  tsaPem: string
}

export interface TsaOptions {
  /** 'rsa' (2048) or 'ec' (P-256) for the TSA's signing key. */
  keyType?: 'rsa' | 'ec'
  /** Subject CN of the CA; two CAs with the same name and serials make look-alike TSA certificates. */
  caName?: string
}

function run(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

function keyArgs(type: 'rsa' | 'ec'): string[] {
  return type === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
}

/** Makes a CA and a TSA certificate (serial 1) in a fresh temp dir, plus the `openssl ts` config. */
export function makeTsaKeys(t: { teardown(fn: () => void): void }, opts: TsaOptions = {}): TsaKeys {
  const dir = tempDir(t, 'el-tsa-')
  writeFileSync(join(dir, 'ext.cnf'), `[tsa_ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = critical,timeStamping\nsubjectKeyIdentifier = hash\n`)
  run(['req', '-x509', ...keyArgs('ec'), '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', `/CN=${opts.caName ?? 'evidence-ledger test CA'}`, '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'], dir)
  run(['req', ...keyArgs(opts.keyType ?? 'rsa'), '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=evidence-ledger test TSA'], dir)
  run(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-out', 'tsa.pem', '-days', '2',
    '-extfile', 'ext.cnf', '-extensions', 'tsa_ext'], dir)
  writeFileSync(join(dir, 'serial'), '01\n')
  writeFileSync(join(dir, 'ts.cnf'), [
    '[tsa]', 'default_tsa = tsa_config1', '[tsa_config1]', `dir = ${dir}`, 'serial = $dir/serial', 'crypto_device = builtin',
    'signer_cert = $dir/tsa.pem', 'certs = $dir/ca.pem', 'signer_key = $dir/tsa.key', 'signer_digest = sha256',
    'default_policy = 1.2.3.4.1', 'other_policies = 1.2.3.4.5', 'digests = sha256, sha384, sha512', 'accuracy = secs:1', 'ordering = no',
    'tsa_name = yes', 'ess_cert_id_chain = no', 'ess_cert_id_alg = sha256', '',
  ].join('\n'))
  return { dir, caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'), tsaPem: readFileSync(join(dir, 'tsa.pem'), 'utf8') }
}

/**
 * The TSA's certificate issued again by its CA (same key, same serial, so a token's signer id
 * names it) with other extensions, e.g. without the timeStamping key usage: openssl will not
 * sign with such a certificate, so this is how a test gets a token whose signer lacks it.
 */
export function reissueTsaCert(keys: TsaKeys, extensions: string): string {
  writeFileSync(join(keys.dir, 'other.cnf'), `[other]\n${extensions}\n`)
  run(['x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '1', '-out', 'other.pem', '-days', '2',
    '-extfile', 'other.cnf', '-extensions', 'other'], keys.dir)
  return readFileSync(join(keys.dir, 'other.pem'), 'utf8')
}

/** One `openssl ts -reply` over files (its serial file is not safe for concurrent runs: callers queue). */
export function opensslReply(keys: TsaKeys, query: Uint8Array, name = 'q'): Promise<Uint8Array> {
  const qf = join(keys.dir, `${name}.tsq`)
  const rf = join(keys.dir, `${name}.tsr`)
  writeFileSync(qf, query)
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, ['ts', '-reply', '-config', join(keys.dir, 'ts.cnf'), '-queryfile', qf, '-out', rf], (err, _stdout, stderr) => {
      if (err) reject(new Error(`openssl ts -reply: ${stderr}`))
      else resolve(new Uint8Array(readFileSync(rf)))
    })
  })
}

export interface TestTsa {
  keys: TsaKeys
  url: string
  /** Requests answered with a time-stamp response so far. */
  readonly answered: number
  /** Stops listening (connections refused) until start() again, on the same port. */
  stop(): Promise<void>
  start(): Promise<void>
  close(): Promise<void>
}

/** An HTTP TSA on 127.0.0.1 answering with `openssl ts -reply`, one request at a time. */
export async function startTsa(t: { teardown(fn: () => void | Promise<void>): void }, keys: TsaKeys = makeTsaKeys(t)): Promise<TestTsa> {
  let queue: Promise<unknown> = Promise.resolve()
  let answered = 0
  let n = 0
  const handler: Parameters<typeof createServer>[1] = (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('expected POST application/timestamp-query\n')
        return
      }
      const body = new Uint8Array(Buffer.concat(chunks))
      const job = queue.then(() => opensslReply(keys, body, `q${n++}`))
      queue = job.catch(() => undefined)
      job.then((reply) => {
        answered++
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply)
      }, (e: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(e.message))
    })
  }
  let server: Server = createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  let listening = true
  const stop = async () => {
    if (!listening) return
    listening = false
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  }
  const tsa: TestTsa = {
    keys,
    url: `http://127.0.0.1:${port}/tsa`,
    get answered() { return answered },
    stop,
    async start() {
      if (listening) return
      server = createServer(handler)
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r))
      listening = true
    },
    close: stop,
  }
  t.teardown(() => tsa.close())
  return tsa
}

/** A PEM file in a temp dir (TSA_CERT, --tsa-cert). */
export function writePem(t: { teardown(fn: () => void): void }, pem: string, name = 'tsa.pem'): string {
  const dir = tempDir(t, 'el-tsa-pem-')
  mkdirSync(dir, { recursive: true })
  const path = join(dir, name)
  writeFileSync(path, pem)
  return path
}
