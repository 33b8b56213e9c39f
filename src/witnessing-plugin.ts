// Decorates the app with `witnessing`: a Witnessing service when WITNESS_POLICY is set, else
// null. Routes read the (cosigned) checkpoint through it; closing the app stops its loop.
import fp from 'fastify-plugin'
import { readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { equalBytes } from '../chain/encoding.ts'
import { parseVkey } from '../chain/note.ts'
import { parsePolicy, type Policy } from '../chain/policy.ts'
import { ConfigError } from './config.ts'
import { Witnessing } from './witnessing.ts'

declare module 'fastify' {
  interface FastifyInstance {
    witnessing: Witnessing | null
  }
}

export interface WitnessingPluginOptions {
  policyPath?: string
  roundMs?: number
}

export function loadPolicy(path: string, logVkey: string): Policy {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`WITNESS_POLICY: cannot read ${path}: ${(e as Error).message}`)
  }
  let policy: Policy
  try {
    policy = parsePolicy(text)
  } catch (e) {
    throw new ConfigError(`WITNESS_POLICY ${path}: ${(e as Error).message}`)
  }
  // A policy written for another log would have us ask witnesses that then refuse every
  // checkpoint (403): say so at startup instead.
  const mine = parseVkey(logVkey)
  if (policy.logs.length > 0 && !policy.logs.some((l) => l.key.name === mine.name && equalBytes(l.key.publicKey, mine.publicKey))) {
    throw new ConfigError(`WITNESS_POLICY ${path}: none of its log lines is this ledger's key ${logVkey}`)
  }
  return policy
}

async function witnessingPlugin(app: FastifyInstance, opts: WitnessingPluginOptions): Promise<void> {
  if (opts.policyPath === undefined) {
    app.decorate('witnessing', null)
    return
  }
  const policy = loadPolicy(opts.policyPath, app.checkpointKeys.signer.vkey)
  const witnessing = new Witnessing({ log: app.ledger.log, archive: app.ledger.log, policy, logger: app.log, roundMs: opts.roundMs })
  await witnessing.restore()
  app.decorate('witnessing', witnessing)
  app.addHook('onReady', async () => witnessing.kick())
  app.addHook('onClose', async () => witnessing.close())
}

export default fp(witnessingPlugin, { name: 'witnessing', fastify: '5.x', dependencies: ['ledger'] })
