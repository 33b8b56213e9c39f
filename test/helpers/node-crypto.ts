// Preloaded into every test process (package.json "tap" node-arg): tests run the crypto
// the service runs, chosen explicitly as src/cli.ts does (chain/node-crypto.ts says why).
import { useNodeCrypto } from '../../chain/node-crypto.ts'

useNodeCrypto()
