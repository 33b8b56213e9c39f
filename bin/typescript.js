// How this project runs its TypeScript without a build step, so a fresh clone needs none:
// Node ≥ 22.18 strips the types itself (tsconfig's erasableSyntaxOnly keeps the sources
// within what it can strip); older Node loads them through tsx, whose loader thread costs
// the process ~20 MB and every import a detour.

/** Imports a TypeScript module (a file: URL) the one way the CLI, the benches and their children do. */
export async function importTypeScript(url) {
  if (!process.features.typescript) (await import('tsx/esm/api')).register()
  return import(url)
}
