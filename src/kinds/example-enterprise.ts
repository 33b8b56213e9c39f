// The one enterprise, platform and bank that every OpenAPI example is about, so that the
// examples tell one story: "Try it out" on each POST in order, then the reads find them.
// Isomorphic, like the kinds that use it.

/** 郑州中原智造科技有限公司: an 18-character USCC whose check character is computed (chain/uscc.ts). */
export const EXAMPLE_USCC = '91410100MA46N3K8X1'
export const EXAMPLE_ENTERPRISE = '郑州中原智造科技有限公司'
/**
 * The token subject (`sub`) the examples' records are written by: the default of
 * `evidence-ledger token`, so the reads' `?submitter=` example finds what "Try it out" wrote.
 */
export const EXAMPLE_SUBMITTER = 'dev-platform'
