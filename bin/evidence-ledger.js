#!/usr/bin/env node
import { importTypeScript } from './typescript.js'

await importTypeScript(new URL('../src/cli.ts', import.meta.url).href)
