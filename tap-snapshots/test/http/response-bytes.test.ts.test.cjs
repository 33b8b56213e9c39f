/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > authorization status 1`] = `
200 application/json; charset=utf-8
{"status":"not-yet-valid","reason":"<97>","at":"<20>","authorization":{"entry":{"index":0,"leafHash":"<64>"},"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":0,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":1,"hashes":[]}},"revocation":{"entry":{"index":3,"leafHash":"<64>"},"statement":{"v":1,"kind":"authorization-revocation","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]},"block":{"height":2,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":4,"hashes":["<64>","<64>"]}},"checkpoint":"<183>"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > authorization status bad at 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"at: not a real date-time","instance":"/v1/authorizations/AUTH-1/status"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > batch 1`] = `
200 application/json; charset=utf-8
{"results":[{"status":201,"receipt":{"entry":{"index":2,"leafHash":"<64>"},"statement":{"v":1,"kind":"financing-application","id":"APP-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":2,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":4,"hashes":["<64>","<64>"]}}},{"status":400,"problem":{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.subject: Expected string to match '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'"}},{"status":201,"receipt":{"entry":{"index":3,"leafHash":"<64>"},"statement":{"v":1,"kind":"authorization-revocation","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]},"block":{"height":2,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":4,"hashes":["<64>","<64>"]}}}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > batch empty 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"records must be an array of 1 to 1000 record bodies","instance":"/v1/records:batch"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > batch not an object 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"body must be {\\"records\\": [...]}","instance":"/v1/records:batch"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > block 1`] = `
200 application/json; charset=utf-8
{"height":0,"hash":"<64>","header":{"height":0,"prev":"<64>","first":0,"count":1,"size":1,"root":"<64>","time":"<24>"},"checkpoint":"<183>"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > block exponent 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"params/height must match pattern \\"^(0|[1-9][0-9]{0,15})$\\"","instance":"/v1/blocks/1e3"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > checkpoint 1`] = `
200 text/plain; charset=utf-8 | cache-control: no-cache
<183 bytes>
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > conflict 1`] = `
409 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:conflict","title":"Conflict","status":409,"detail":"evidence EV-H is already notarized with different content","instance":"/v1/records","index":1}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > consistency 1`] = `
200 application/json; charset=utf-8
{"from":1,"to":3,"hashes":["<64>","<64>"]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > consistency bad from 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"querystring/from must match pattern \\"^(0|[1-9][0-9]{0,15})$\\"","instance":"/v1/proofs/consistency"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > consistency from > to 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"from=3 is larger than to=2","instance":"/v1/proofs/consistency"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > consistency leading zero 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"querystring/from must match pattern \\"^(0|[1-9][0-9]{0,15})$\\"","instance":"/v1/proofs/consistency"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > entry 1`] = `
200 application/json; charset=utf-8
{"index":0,"leafHash":"<64>","statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":0},"related":[{"index":3,"leafHash":"<64>","statement":{"v":1,"kind":"authorization-revocation","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]}}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > entry missing 1`] = `
404 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:not-found","title":"Not found","status":404,"detail":"entry 99 does not exist (tree size 4)","instance":"/v1/entries/99"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > entry negative 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"params/index must match pattern \\"^(0|[1-9][0-9]{0,15})$\\"","instance":"/v1/entries/-1"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > entry not a number 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"params/index must match pattern \\"^(0|[1-9][0-9]{0,15})$\\"","instance":"/v1/entries/x"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > erase 1`] = `
201 application/json; charset=utf-8
{"entry":{"index":4,"leafHash":"<64>"},"statement":{"v":1,"kind":"redaction","id":"financing-application:APP-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]},"block":{"height":3,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":5,"hashes":["<64>"]}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > erase again 1`] = `
409 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:conflict","title":"Conflict","status":409,"detail":"financing-application APP-1 was already erased","instance":"/v1/records/financing-application/APP-1/payload"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > erase without reason 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"body/reason Expected required property","instance":"/v1/records/evidence/EV-H/payload"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > evidence bundle 1`] = `
200 application/json; charset=utf-8 | attachment; filename="evidence-data-authorization-AUTH-1.json"
{"format":"<25>","statement":{"commitment":"<71>","id":"AUTH-1","kind":"data-authorization","refs":[],"subject":"91350100000000001L","submitter":"<12>","time":"<24>","v":1},"record":{"authorizationId":"<6>","consentMethod":"<11>","consentTextSha256":"<64>","dataCategories":["<3>","<7>"],"grantee":{"institutionCode":"<11>","name":"郑州银行"},"grantor":{"name":"郑州示例科技有限公司","representative":"<2>","uscc":"<18>"},"purpose":"<21>","validFrom":"<20>","validUntil":"<20>"},"salt":"<44>","redacted":false,"entry":{"index":0,"leafHash":"<64>"},"inclusion":{"treeSize":4,"hashes":["<64>","<64>"]},"checkpoint":"<183>","block":{"height":0,"prev":"<64>","first":0,"count":1,"size":1,"root":"<64>","time":"<24>"},"blockProof":{"checkpoint":"<183>","consistency":["<64>","<64>"]},"related":[{"statement":{"commitment":"<71>","id":"AUTH-1","kind":"authorization-revocation","refs":["<64>"],"subject":"91350100000000001L","submitter":"<12>","time":"<24>","v":1},"entry":{"index":3,"leafHash":"<64>"},"inclusion":{"treeSize":4,"hashes":["<64>","<64>"]},"record":{"authorizationId":"<6>","reason":"<27>","revokedAt":"<20>"},"salt":"<44>"}],"consent":{"at":"<24>","status":"revoked","revokedAt":"<24>","rule":"<31>"},"issuedAt":"<24>","claimsSignature":{"keyId":"<8>","signature":"<88>"}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > hash-only created 1`] = `
201 application/json; charset=utf-8
{"entry":{"index":1,"leafHash":"<64>"},"statement":{"v":1,"kind":"evidence","id":"EV-H","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":1,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":2,"hashes":["<64>"]}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > healthz 1`] = `
200 application/json; charset=utf-8
{"status":"ok"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > inclusion beyond size 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"size=99 is beyond the current tree size 4","instance":"/v1/proofs/inclusion"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > inclusion both 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"give exactly one of leaf or index","instance":"/v1/proofs/inclusion"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > inclusion by index 1`] = `
200 application/json; charset=utf-8
{"index":0,"treeSize":4,"leafHash":"<64>","hashes":["<64>","<64>"]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: applicant USCC check character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.applicant.uscc: USCC check character is wrong","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: bad pattern 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.evidenceId: Expected string to match '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: control character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"body.record.title: U+0001 (control character) at character 1; text must be well-formed Unicode without control, bidi or other invisible formatting characters","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: extra field next to record 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"unexpected field extra next to record","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: hash-only bad commitment 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"commitment: Expected string to match '^sha256:[0-9a-f]{64}$'","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: hash-only USCC check character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"subject: USCC check character is wrong","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: impossible date 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.submittedAt: not a real date-time","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: missing field 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.title: Expected required property","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: neither record nor commitment 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"body needs either record or commitment","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: not an object 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"body must be a JSON object","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: revocation of an unknown authorization 1`] = `
404 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:not-found","title":"Not found","status":404,"detail":"data-authorization AUTH-NONE is not on the ledger","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: unknown kind 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"kind must be one of financing-application, data-authorization, authorization-revocation, evidence","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: USCC check character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.subject: USCC check character is wrong","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: validUntil before validFrom 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.validUntil: must be after validFrom","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > jwks 1`] = `
200 application/json; charset=utf-8
{"keys":[{"kty":"OKP","crv":"Ed25519","x":"<43>","kid":"<8>","alg":"EdDSA","use":"sig"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > keys 1`] = `
200 application/json; charset=utf-8
{"origin":"test.example/ledger","keys":[{"name":"test.example/ledger","keyId":"<8>","vkey":"<73>","jwk":{"kty":"OKP","crv":"Ed25519","x":"<43>","kid":"<8>","alg":"EdDSA","use":"sig"},"current":true}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > no token 1`] = `
401 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:unauthorized","title":"Authentication required","status":401,"detail":"send Authorization: Bearer <JWT>","instance":"/v1/entries/0"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > readyz 1`] = `
200 application/json; charset=utf-8
{"status":"ready","treeSize":5,"height":3}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > record as auditor 1`] = `
200 application/json; charset=utf-8
{"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"receipt":{"entry":{"index":0,"leafHash":"<64>"},"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":0,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":1,"hashes":[]}},"redacted":false}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > record as court 1`] = `
200 application/json; charset=utf-8
{"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"receipt":{"entry":{"index":0,"leafHash":"<64>"},"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":0,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":1,"hashes":[]}},"redacted":false,"payload":{"record":{"authorizationId":"<6>","consentMethod":"<11>","consentTextSha256":"<64>","dataCategories":["<3>","<7>"],"grantee":{"institutionCode":"<11>","name":"郑州银行"},"grantor":{"name":"郑州示例科技有限公司","representative":"<2>","uscc":"<18>"},"purpose":"<21>","validFrom":"<20>","validUntil":"<20>"},"salt":"<44>"}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > record bad kind 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"params/kind must be equal to constant, params/kind must be equal to constant, params/kind must be equal to constant, params/kind must be equal to constant, params/kind must be equal to constant, params/kind must match a schema in anyOf","instance":"/v1/records/nope/X"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > record created 1`] = `
201 application/json; charset=utf-8
{"entry":{"index":0,"leafHash":"<64>"},"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":0,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":1,"hashes":[]}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > record missing 1`] = `
404 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:not-found","title":"Not found","status":404,"detail":"evidence NOPE is not on the ledger","instance":"/v1/records/evidence/NOPE"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > record replayed 1`] = `
200 application/json; charset=utf-8
{"entry":{"index":0,"leafHash":"<64>"},"statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":0,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":1,"hashes":[]}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > redaction entry 1`] = `
200 application/json; charset=utf-8
{"statement":{"v":1,"kind":"redaction","id":"financing-application:APP-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]},"receipt":{"entry":{"index":4,"leafHash":"<64>"},"statement":{"v":1,"kind":"redaction","id":"financing-application:APP-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]},"block":{"height":3,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":5,"hashes":["<64>"]}},"redacted":false,"payload":{"record":{"erased":"<64>","erasedId":"APP-1","erasedKind":"financing-application","reason":"<12>"},"salt":"<44>"}}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > subject history 1`] = `
200 application/json; charset=utf-8
{"subject":"91350100000000001L","entries":[{"index":0,"leafHash":"<64>","statement":{"v":1,"kind":"data-authorization","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]}},{"index":1,"leafHash":"<64>","statement":{"v":1,"kind":"evidence","id":"EV-H","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]}}],"nextCursor":"1"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > subject history bad check 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"uscc: check character is wrong","instance":"/v1/subjects/913501000000000010/entries"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > subject history bad cursor 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"querystring/cursor must match pattern \\"^(0|[1-9][0-9]{0,15})$\\"","instance":"/v1/subjects/91350100000000001L/entries"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > subject history limit 0 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"limit must be 1 to 500","instance":"/v1/subjects/91350100000000001L/entries"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > unknown route 1`] = `
404 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:not-found","title":"Not found","status":404,"detail":"no route GET /v1/nothing","instance":"/v1/nothing"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > wrong role 1`] = `
403 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:forbidden","title":"Forbidden","status":403,"detail":"this needs one of the roles: auditor, court, admin","instance":"/v1/entries/0"}
`
