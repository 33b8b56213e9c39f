#!/usr/bin/env node
// Runs a TypeScript entry point (the first argument) as bin/evidence-ledger.js runs the
// CLI. The benches and the processes they start use it, so that they measure the service
// as it is served.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { importTypeScript } from './typescript.js'

const [entry] = process.argv.splice(2, 1)
process.argv[1] = resolve(entry)
await importTypeScript(pathToFileURL(process.argv[1]).href)
