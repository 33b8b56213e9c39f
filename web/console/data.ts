// What GET /console embeds in its page (a JSON data block, never code).
export interface ConsoleData {
  /** Where to get a token when the ledger trusts an identity provider (AUTH_JWKS_URL); null with dev tokens. */
  loginUrl: string | null
}
