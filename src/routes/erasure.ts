import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from '@sinclair/typebox'
import type { FastifySchemaCompiler } from 'fastify'
import { unsafeTextReason } from '../../chain/text-rules.ts'
import { ProblemError } from '../../plugins/problems.ts'
import { RecordParams, SubmitterQuery } from '../schemas/params.ts'
import { ReceiptSchema, problemResponses } from '../schemas/responses.ts'
import { ADMIN_ROLES, addressedOwner } from './roles.ts'

/**
 * TypeBox's compiler, answering with the first problem only: it reports a missing
 * property twice ("Expected required property", then "Expected string").
 */
const strictBodyCompiler: FastifySchemaCompiler<unknown> = (route) => {
  const check = TypeBoxValidatorCompiler({ ...route, schema: route.schema as TSchema })
  return (value: unknown) => {
    const result: ReturnType<ReturnType<FastifySchemaCompiler<unknown>>> = check(value)
    if (typeof result === 'object' && 'error' in result && Array.isArray(result.error)) return { error: result.error.slice(0, 1) }
    return result
  }
}

const erasureRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.delete('/v1/records/:kind/:id/payload', {
    config: { roles: ADMIN_ROLES },
    // Fastify's Ajv coerces types (coerceTypes: 'array'), so a reason of 1, true or ["x"]
    // became the string "1", "true" or "x" and was written into the redaction record. The
    // body is checked by TypeBox's compiler instead, which never converts a body (params
    // and query it converts, Value.Convert, as Ajv did).
    validatorCompiler: strictBodyCompiler,
    schema: {
      summary: 'Erase a record and its salt (PIPL right to erasure); appends a redaction entry. Every proof stays valid. ?submitter= whose record (ids are unique per submitter).',
      tags: ['consent'],
      security: [{ bearer: [] }],
      params: RecordParams,
      querystring: SubmitterQuery,
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 201: ReceiptSchema, ...problemResponses },
    },
  }, async (request, reply) => {
    const { kind, id } = request.params
    // The reason becomes redaction record text: the text rules of record fields (a lone
    // surrogate used to reach the canonicalizer and answer 500).
    const why = unsafeTextReason(request.body.reason)
    if (why !== null) throw new ProblemError('validation', `reason: ${why}`)
    const owner = addressedOwner(request.principal!, request.query.submitter, () => new ProblemError('not-found', `${kind} ${id} is not on the ledger`))
    const receipt = await app.ledger.erasePayload(kind, id, request.body.reason, request.principal!.sub, owner)
    return reply.code(201).send(receipt)
  })
}

export default erasureRoutes
