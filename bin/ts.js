#!/usr/bin/env node
// Runs a TypeScript entry point (the first argument) as bin/evidence-ledger.js runs the
// CLI: with Node's own type stripping where it has it (≥ 22.18), through tsx before. The
// benches use it, so that they measure the service as it is served.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

if (!process.features.typescript) (await import('tsx/esm/api')).register()
const [entry] = process.argv.splice(2, 1)
process.argv[1] = resolve(entry)
await import(pathToFileURL(process.argv[1]).href)
