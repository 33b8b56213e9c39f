import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bytesToHex } from '../../chain/encoding.ts'
import { parseVkey } from '../../chain/note.ts'
import { formatTlogProof } from '../../chain/tlog-proof.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { Sha256Hex, withExample } from '../schemas/fields.ts'
import { DecimalIntegerExample, HeightParams, IndexParams } from '../schemas/params.ts'
import { BlockHeaderSchema, JwkSchema, StatementSchema, problemResponses } from '../schemas/responses.ts'
import { READ_ROLES } from './roles.ts'

const HexArray = Type.Array(Type.String())
const LeafHash = withExample(Sha256Hex, 'be2b315e737275b9639bd63a6ca9e67d4ccfc1cb8a71651da43cb574609f9c77', 'leaf hash of the entry, from its receipt; or give index')

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url')
}

export function keyJwk(vkey: string): Record<string, string> {
  const k = parseVkey(vkey)
  return { kty: 'OKP', crv: 'Ed25519', x: base64url(k.publicKey), kid: bytesToHex(k.keyId), alg: 'EdDSA', use: 'sig' }
}

function optionalSize(n: number | undefined, current: number, name: string): number {
  if (n === undefined) return current
  if (n > current) throw new ProblemError('validation', `${name}=${n} is beyond the current tree size ${current}`)
  return n
}

const proofRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const log = app.ledger.log

  app.get('/v1/checkpoint', {
    schema: {
      summary: 'Latest signed checkpoint (C2SP signed note)', tags: ['proofs'],
      description: 'No login. text/plain: origin, tree size and root hash, signed with the ledger\'s Ed25519 key; with WITNESS_POLICY also every witness cosignature gathered for it so far.',
      response: { 200: Type.String({ description: 'text/plain signed note' }) },
    },
  }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8')
    // With WITNESS_POLICY: the same checkpoint plus every cosignature gathered for it so far.
    return app.witnessing?.checkpoint() ?? log.checkpoint()
  })

  app.get('/v1/proofs/witnessed', {
    schema: {
      summary: 'c2sp.org/tlog-proof@v1 of an entry against the newest witnessed checkpoint',
      description: 'No login. Give exactly one of `leaf` (the leaf hash) or `index`. text/plain tlog-proof of the entry against the newest checkpoint that satisfies the witness quorum (docs/witness.md). `404` without a WITNESS_POLICY, while no checkpoint meets the quorum, or for an entry not yet under a witnessed checkpoint.',
      tags: ['proofs'],
      querystring: Type.Object({ leaf: Type.Optional(LeafHash), index: Type.Optional(DecimalIntegerExample(0, 'entry index; or give leaf')) }, { additionalProperties: false }),
      response: { 200: Type.String({ description: 'text/plain c2sp.org/tlog-proof@v1' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const q = request.query
    if ((q.leaf === undefined) === (q.index === undefined)) throw new ProblemError('validation', 'give exactly one of leaf or index')
    if (app.witnessing === null) throw new ProblemError('not-found', 'this ledger has no WITNESS_POLICY: no checkpoint is witnessed')
    const w = app.witnessing.witnessed()
    if (w === null) throw new ProblemError('not-found', `no checkpoint satisfies the witness quorum (${app.witnessing.policy.quorum}) yet`)
    const index = q.leaf === undefined ? q.index! : await log.indexOfLeaf(q.leaf)
    if (index === undefined) throw new ProblemError('not-found', `no entry has leaf hash ${q.leaf}`)
    if (index >= w.size) throw new ProblemError('not-found', `entry ${index} is not yet in a witnessed checkpoint (newest witnessed size ${w.size}); retry shortly`)
    const hashes = await log.inclusionProof(index, w.size)
    reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8')
    return formatTlogProof({ index, hashes, checkpoint: w.note })
  })

  const keysView = () => {
    const { signer, retired } = app.checkpointKeys
    const list = [...retired.map((v) => ({ vkey: v, current: false })), { vkey: signer.vkey, current: true }]
    return list.map(({ vkey, current }) => {
      const k = parseVkey(vkey)
      return { name: k.name, keyId: bytesToHex(k.keyId), vkey, jwk: keyJwk(vkey), current }
    })
  }

  app.get('/v1/keys', {
    schema: {
      summary: 'Checkpoint verifier keys, current and retired', tags: ['proofs'],
      description: 'No login. Every key that signed this log\'s checkpoints: C2SP verifier key (`vkey`, what `evidence-ledger verify --key` takes) and JWK; retired keys with `current: false`. Obtain once and pin.',
      response: {
        200: Type.Object({
          origin: Type.String(),
          keys: Type.Array(Type.Object({
            name: Type.String(), keyId: Type.String(), vkey: Type.String(),
            jwk: JwkSchema, current: Type.Boolean(),
          })),
        }),
      },
    },
  }, async () => ({ origin: log.origin, keys: keysView() }))

  app.get('/.well-known/jwks.json', {
    schema: {
      summary: 'Checkpoint verifier keys as a JWK set', tags: ['proofs'],
      description: 'No login. The keys of /v1/keys as a JWK set (OKP, Ed25519).',
      response: { 200: Type.Object({ keys: Type.Array(JwkSchema) }) },
    },
  }, async () => ({ keys: keysView().map((k) => k.jwk) }))

  app.get('/v1/proofs/inclusion', {
    schema: {
      summary: 'Inclusion proof of an entry (by leaf hash or index) in the tree of a given size',
      description: 'No login. Give exactly one of `leaf` or `index`; `size` defaults to the current tree size. RFC 9162 audit path from the leaf to the root of that tree.',
      tags: ['proofs'],
      querystring: Type.Object({
        leaf: Type.Optional(LeafHash),
        index: Type.Optional(DecimalIntegerExample(0, 'entry index; or give leaf')),
        size: Type.Optional(DecimalIntegerExample(1, 'tree size (default: the current one)')),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ index: Type.Integer(), treeSize: Type.Integer(), leafHash: Type.String(), hashes: HexArray }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const q = request.query
    if ((q.leaf === undefined) === (q.index === undefined)) throw new ProblemError('validation', 'give exactly one of leaf or index')
    const size = optionalSize(q.size, log.size, 'size')
    const index = q.leaf === undefined ? q.index : await log.indexOfLeaf(q.leaf)
    if (index === undefined) throw new ProblemError('not-found', `no entry has leaf hash ${q.leaf}`)
    if (index >= size) throw new ProblemError(q.leaf ? 'validation' : 'not-found', `entry ${index} is not in the tree of size ${size}`)
    const leafHash = await log.leafHash(index)
    if (!leafHash) throw new ProblemError('not-found', `entry ${index} does not exist`)
    const hashes = await log.inclusionProof(index, size)
    return { index, treeSize: size, leafHash, hashes: hashes.map(bytesToHex) }
  })

  app.get('/v1/proofs/consistency', {
    schema: {
      summary: 'Consistency proof between two tree sizes (RFC 9162 §2.1.4)',
      description: 'No login. Proves that the tree of size `from` (for example the treeSize of an old receipt) is a prefix of the tree of size `to` (default: the current size).',
      tags: ['proofs'],
      querystring: Type.Object({
        from: DecimalIntegerExample(1, 'the older tree size'),
        to: Type.Optional(DecimalIntegerExample(2, 'the newer tree size (default: the current one)')),
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({ from: Type.Integer(), to: Type.Integer(), hashes: HexArray }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { from } = request.query
    const to = optionalSize(request.query.to, log.size, 'to')
    if (from > to) throw new ProblemError('validation', `from=${from} is larger than to=${to}`)
    const hashes = await log.consistencyProof(from, to)
    return { from, to, hashes: hashes.map(bytesToHex) }
  })

  app.get('/v1/entries/:index', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'One log entry: its statement, leaf hash, block, and the entries that ref it (revocations, redactions)', tags: ['audit'], security: [{ bearer: [] }],
      description: 'Roles auditor, court, admin. The statement at this index, its leaf hash, the height of its block, and the later entries whose statements ref it.',
      params: IndexParams,
      response: {
        200: Type.Object({
          index: Type.Integer(), leafHash: Type.String(), statement: StatementSchema, block: Type.Object({ height: Type.Integer() }),
          related: Type.Array(Type.Object({ index: Type.Integer(), leafHash: Type.String(), statement: StatementSchema }), { description: 'later entries that ref this one, in log order' }),
        }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { index } = request.params
    const receipt = index < log.size ? await log.receipt(index) : undefined
    if (!receipt) throw new ProblemError('not-found', `entry ${index} does not exist (tree size ${log.size})`)
    const related = []
    for (const i of await log.referrers(index)) {
      const e = await log.entry(i)
      if (e) related.push({ index: i, leafHash: e.leafHash, statement: e.statement })
    }
    return { index, leafHash: receipt.entry.leafHash, statement: receipt.statement, block: { height: receipt.block.height }, related }
  })

  app.get('/v1/blocks/:height', {
    config: { roles: READ_ROLES },
    schema: {
      summary: 'One block header, its hash and its signed checkpoint', tags: ['audit'], security: [{ bearer: [] }],
      description: 'Roles auditor, court, admin. The header (previous block hash, first entry, count, tree size and root, time), its hash SHA-256(JCS(header)) and the checkpoint signed for it.',
      params: HeightParams,
      response: {
        200: Type.Object({ height: Type.Integer(), hash: Type.String(), header: BlockHeaderSchema, checkpoint: Type.String() }),
        ...problemResponses,
      },
    },
  }, async (request) => {
    const { height } = request.params
    const b = height <= log.height ? await log.block(height) : undefined
    if (!b) throw new ProblemError('not-found', `block ${height} does not exist (last block ${log.height})`)
    return { height, hash: b.hash, header: b.header, checkpoint: b.checkpoint }
  })
}

export default proofRoutes
