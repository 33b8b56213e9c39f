// GET /v/<leafHash>: the page a certificate's QR code opens. No login and no personal data:
// only what the log itself publishes (the statement, which names an enterprise's USCC and
// business ids but no person, and hashes), with an inclusion proof against the current
// signed checkpoint that the page verifies itself with chain/verify.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { bytesToHex } from '../../chain/encoding.ts'
import { parseCheckpointNote } from '../../chain/note.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { Sha256Hex, withExample } from '../schemas/fields.ts'
import { problemResponses, textResponse } from '../schemas/responses.ts'
import { entryPage } from '../web-page.ts'
import type { PublicEntry } from '../../web/entry-data.ts'

const publicEntryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const log = app.ledger.log
  app.get('/v/:leafHash', {
    schema: {
      summary: 'Public verification page of one entry (the 存证证明 QR code)',
      description: 'No login. An HTML page with the entry\'s statement, related statements and inclusion proofs to the current signed checkpoint, verified in the browser by the same code as the CLI. Shows only what the log publishes: no records, no personal data. `404` for a leaf hash not on the ledger.',
      tags: ['evidence'],
      params: Type.Object({ leafHash: withExample(Sha256Hex, 'be2b315e737275b9639bd63a6ca9e67d4ccfc1cb8a71651da43cb574609f9c77', 'the entry\'s leaf hash, from a receipt or certificate') }),
      response: { 200: textResponse('text/html', 'One self-contained HTML page'), ...problemResponses },
    },
  }, async (request, reply) => {
    const index = await log.indexOfLeaf(request.params.leafHash)
    if (index === undefined) throw new ProblemError('not-found', `no entry has leaf hash ${request.params.leafHash}`)
    const checkpoint = log.checkpoint()
    const size = parseCheckpointNote(checkpoint).checkpoint.size
    // Its block is durable but the checkpoint has not moved yet (a moment): nothing to prove against.
    if (index >= size) throw new ProblemError('not-found', `entry ${index} is not under a signed checkpoint yet; retry`)
    const entry = await log.entry(index)
    if (!entry) throw new ProblemError('not-found', `entry ${index} does not exist`)
    const proof = async (i: number) => ({ treeSize: size, hashes: (await log.inclusionProof(i, size)).map(bytesToHex) })
    const related = []
    for (const i of await log.referrers(index)) {
      const e = i < size ? await log.entry(i) : undefined
      if (e) related.push({ statement: e.statement, entry: { index: i, leafHash: e.leafHash }, inclusion: await proof(i) })
    }
    const data: PublicEntry = {
      statement: entry.statement,
      entry: { index, leafHash: entry.leafHash },
      inclusion: await proof(index),
      checkpoint,
      vkey: app.checkpointKeys.signer.vkey,
      related,
    }
    const page = await entryPage()
    // "<" escaped: the data block must not be able to close its own <script> element.
    const json = JSON.stringify(data).replaceAll('<', '\\u003c')
    reply.header('content-security-policy', page.csp).header('cache-control', 'no-cache').type('text/html; charset=utf-8')
    return page.html.replace('/*DATA*/', () => json)
  })
}

export default publicEntryRoutes
