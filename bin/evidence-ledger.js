#!/usr/bin/env node
// Runs the TypeScript CLI directly, so a fresh clone needs no build step. Node ≥ 22.18
// strips types itself (tsconfig's erasableSyntaxOnly keeps the sources within what it
// can strip); older Node loads them through tsx, whose loader thread costs the process
// ~20 MB and every import a detour.
if (process.features.typescript) {
  await import('../src/cli.ts')
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli.ts')
}
