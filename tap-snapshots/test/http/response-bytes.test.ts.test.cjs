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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"at must be a real moment: 2026-02-30T00:00:00Z does not exist on the calendar or clock","instance":"/v1/authorizations/AUTH-1/status","errors":[{"in":"query","field":"at","pointer":"/at","detail":"at must be a real moment: 2026-02-30T00:00:00Z does not exist on the calendar or clock"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > batch 1`] = `
200 application/json; charset=utf-8
{"results":[{"status":201,"receipt":{"entry":{"index":2,"leafHash":"<64>"},"statement":{"v":1,"kind":"financing-application","id":"APP-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":[]},"block":{"height":2,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":4,"hashes":["<64>","<64>"]}}},{"status":400,"problem":{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.subject must be a Unified Social Credit Code: 18 characters of 0-9 and A-Z without I, O, S, V, Z, like 91410100MA46N3K8X1","errors":[{"in":"body","field":"record.subject","pointer":"/record/subject","detail":"record.subject must be a Unified Social Credit Code: 18 characters of 0-9 and A-Z without I, O, S, V, Z, like 91410100MA46N3K8X1"}]}},{"status":201,"receipt":{"entry":{"index":3,"leafHash":"<64>"},"statement":{"v":1,"kind":"authorization-revocation","id":"AUTH-1","subject":"91350100000000001L","commitment":"<71>","submitter":"<12>","time":"<24>","refs":["<64>"]},"block":{"height":2,"hash":"<64>"},"checkpoint":"<183>","inclusion":{"treeSize":4,"hashes":["<64>","<64>"]}}}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"height must be a whole number written in decimal digits, like 42 (no sign, no leading zero)","instance":"/v1/blocks/1e3","errors":[{"in":"path","field":"height","pointer":"/height","detail":"height must be a whole number written in decimal digits, like 42 (no sign, no leading zero)"}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"from must be a whole number written in decimal digits, like 42 (no sign, no leading zero)","instance":"/v1/proofs/consistency","errors":[{"in":"query","field":"from","pointer":"/from","detail":"from must be a whole number written in decimal digits, like 42 (no sign, no leading zero)"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > consistency from > to 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"from=3 is larger than to=2","instance":"/v1/proofs/consistency"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > consistency leading zero 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"from must be a whole number written in decimal digits, like 42 (no sign, no leading zero)","instance":"/v1/proofs/consistency","errors":[{"in":"query","field":"from","pointer":"/from","detail":"from must be a whole number written in decimal digits, like 42 (no sign, no leading zero)"}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"index must be a whole number written in decimal digits, like 42 (no sign, no leading zero)","instance":"/v1/entries/-1","errors":[{"in":"path","field":"index","pointer":"/index","detail":"index must be a whole number written in decimal digits, like 42 (no sign, no leading zero)"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > entry not a number 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"index must be a whole number written in decimal digits, like 42 (no sign, no leading zero)","instance":"/v1/entries/x","errors":[{"in":"path","field":"index","pointer":"/index","detail":"index must be a whole number written in decimal digits, like 42 (no sign, no leading zero)"}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"reason is required","instance":"/v1/records/evidence/EV-H/payload","errors":[{"in":"body","field":"reason","pointer":"/reason","detail":"reason is required"}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.applicant.uscc has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error","instance":"/v1/records","errors":[{"in":"body","field":"record.applicant.uscc","pointer":"/record/applicant/uscc","detail":"record.applicant.uscc has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: bad pattern 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.evidenceId must be a business id: 1 to 128 of A-Z a-z 0-9 . _ : - starting with a letter or digit, like AUTH-2026-000123","instance":"/v1/records","errors":[{"in":"body","field":"record.evidenceId","pointer":"/record/evidenceId","detail":"record.evidenceId must be a business id: 1 to 128 of A-Z a-z 0-9 . _ : - starting with a letter or digit, like AUTH-2026-000123"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: control character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.title is refused: U+0001 (control character) at character 1; text must be well-formed Unicode without control, bidi or other invisible formatting characters","instance":"/v1/records","errors":[{"in":"body","field":"record.title","pointer":"/record/title","detail":"record.title is refused: U+0001 (control character) at character 1; text must be well-formed Unicode without control, bidi or other invisible formatting characters"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: extra field next to record 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"extra is not a known field next to record (a body is {\\"kind\\", \\"record\\"})","instance":"/v1/records","errors":[{"in":"body","field":"extra","pointer":"/extra","detail":"extra is not a known field next to record (a body is {\\"kind\\", \\"record\\"})"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: hash-only bad commitment 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"commitment must be \\"sha256:\\" and 64 lowercase hex digits","instance":"/v1/records","errors":[{"in":"body","field":"commitment","pointer":"/commitment","detail":"commitment must be \\"sha256:\\" and 64 lowercase hex digits"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: hash-only USCC check character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"subject has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error","instance":"/v1/records","errors":[{"in":"body","field":"subject","pointer":"/subject","detail":"subject has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: impossible date 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.submittedAt must be a real moment: 2026-02-30T10:00:00Z does not exist on the calendar or clock","instance":"/v1/records","errors":[{"in":"body","field":"record.submittedAt","pointer":"/record/submittedAt","detail":"record.submittedAt must be a real moment: 2026-02-30T10:00:00Z does not exist on the calendar or clock"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: missing field 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.title is required","instance":"/v1/records","errors":[{"in":"body","field":"record.title","pointer":"/record/title","detail":"record.title is required"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: neither record nor commitment 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"commitment is required: send either record or commitment","instance":"/v1/records","errors":[{"in":"body","field":"commitment","pointer":"/commitment","detail":"commitment is required: send either record or commitment"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: not an object 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"body must be a JSON object: {\\"kind\\", \\"record\\"} or {\\"kind\\", \\"id\\", \\"subject\\", \\"commitment\\"}","instance":"/v1/records","errors":[{"in":"body","field":"body","pointer":"","detail":"body must be a JSON object: {\\"kind\\", \\"record\\"} or {\\"kind\\", \\"id\\", \\"subject\\", \\"commitment\\"}"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: revocation of an unknown authorization 1`] = `
404 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:not-found","title":"Not found","status":404,"detail":"data-authorization AUTH-NONE is not on the ledger","instance":"/v1/records"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: unknown kind 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"kind must be one of financing-application, data-authorization, authorization-revocation, evidence","instance":"/v1/records","errors":[{"in":"body","field":"kind","pointer":"/kind","detail":"kind must be one of financing-application, data-authorization, authorization-revocation, evidence"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: USCC check character 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.subject has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error","instance":"/v1/records","errors":[{"in":"body","field":"record.subject","pointer":"/record/subject","detail":"record.subject has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015); check for a typing error"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > invalid: validUntil before validFrom 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"record.validUntil must be after validFrom (2026-01-01T00:00:00Z)","instance":"/v1/records","errors":[{"in":"body","field":"record.validUntil","pointer":"/record/validUntil","detail":"record.validUntil must be after validFrom (2026-01-01T00:00:00Z)"}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"kind must be one of financing-application, data-authorization, authorization-revocation, evidence, redaction","instance":"/v1/records/nope/X","errors":[{"in":"path","field":"kind","pointer":"/kind","detail":"kind must be one of financing-application, data-authorization, authorization-revocation, evidence, redaction"}]}
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
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"uscc has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015)","instance":"/v1/subjects/913501000000000010/entries","errors":[{"in":"path","field":"uscc","pointer":"/uscc","detail":"uscc has a wrong check character: the 18th character of a USCC is computed from the first 17 (GB 32100-2015)"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > subject history bad cursor 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"cursor must be a whole number written in decimal digits, like 42 (no sign, no leading zero)","instance":"/v1/subjects/91350100000000001L/entries","errors":[{"in":"query","field":"cursor","pointer":"/cursor","detail":"cursor must be a whole number written in decimal digits, like 42 (no sign, no leading zero)"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > subject history limit 0 1`] = `
400 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:validation","title":"Invalid request","status":400,"detail":"limit must be 1 to 500","instance":"/v1/subjects/91350100000000001L/entries","errors":[{"in":"query","field":"limit","pointer":"/limit","detail":"limit must be 1 to 500"}]}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > unknown route 1`] = `
404 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:not-found","title":"Not found","status":404,"detail":"no route GET /v1/nothing","instance":"/v1/nothing"}
`

exports[`test/http/response-bytes.test.ts > TAP > representative responses keep their status, headers, key order and problem bytes > wrong role 1`] = `
403 application/problem+json; charset=utf-8
{"type":"urn:evidence-ledger:problem:forbidden","title":"Forbidden","status":403,"detail":"this needs one of the roles: auditor, court, admin","instance":"/v1/entries/0"}
`
