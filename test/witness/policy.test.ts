// tlog-policy: parsing (every rule of the spec, errors name their line) and quorum
// evaluation over nested groups, plus a checkpoint verified against a policy step by step.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { parsePolicy, PolicyError, quorumSatisfied, describeQuorum } from '../../chain/policy.ts'
import { verifyWitnessedCheckpoint } from '../../chain/witnessed-checkpoint.ts'
import { cosignerFromSeed } from '../../chain/cosigner.ts'
import { signerFromSeed } from '../../chain/checkpoint.ts'
import { parseNote } from '../../chain/note.ts'

const vectors = JSON.parse(readFileSync(new URL('../fixtures/vectors/cosignature.json', import.meta.url), 'utf8')) as {
  public: { note: string; logVkey: string; witnessVkeys: string[] }
}

const seed = (n: number) => new Uint8Array(32).fill(n)
const w = Array.from({ length: 6 }, (_, i) => cosignerFromSeed(`w${i + 1}.example`, seed(i + 1)))
const log = signerFromSeed('log.example/ledger', seed(99))

const example = `
# the spec's two-level example, with real keys
log ${log.vkey}

witness X1 ${w[0].vkey}
witness X2 ${w[1].vkey}
witness X3 ${w[2].vkey}
group X-witnesses 2 X1 X2 X3

witness Y1 ${w[3].vkey}
witness Y2 ${w[4].vkey}	https://y2.example/witness
witness Y3 ${w[5].vkey}
group Y-witnesses any Y1 Y2 Y3

  group   X-and-Y	all X-witnesses Y-witnesses
quorum X-and-Y
`

t.test('parses the spec example: logs, witnesses, groups, thresholds, quorum', async (t) => {
  const p = parsePolicy(example)
  t.equal(p.logs.length, 1)
  t.equal(p.logs[0].key.name, 'log.example/ledger')
  t.same(p.witnesses.map((x) => x.name), ['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'])
  t.equal(p.witnesses[4].url, 'https://y2.example/witness')
  t.same(p.groups.map((g) => [g.name, g.threshold, g.members.length]), [['X-witnesses', 2, 3], ['Y-witnesses', 1, 3], ['X-and-Y', 2, 2]])
  t.equal(p.quorum, 'X-and-Y')
  t.equal(describeQuorum(p), 'all of (2 of (X1, X2, X3), any of (Y1, Y2, Y3))')
})

t.test('quorum evaluation over nested groups', async (t) => {
  const p = parsePolicy(example)
  const q = (...names: string[]) => quorumSatisfied(p, new Set(names))
  t.notOk(q(), 'nobody')
  t.notOk(q('X1', 'X2'), 'X group alone')
  t.notOk(q('X1', 'Y1', 'Y2', 'Y3'), 'only one X')
  t.ok(q('X1', 'X3', 'Y2'), 'two X and one Y')
  t.ok(q('X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'), 'everyone')
  t.notOk(q('X-witnesses', 'Y-witnesses'), 'group names are not cosigners')
  t.ok(quorumSatisfied(parsePolicy('quorum none\n'), new Set()), 'quorum none')
  const single = parsePolicy(`witness A ${w[0].vkey}\nquorum A\n`)
  t.ok(quorumSatisfied(single, new Set(['A'])))
  t.notOk(quorumSatisfied(single, new Set(['B'])))
})

const errors: [string, string, number, RegExp][] = [
  ['unknown keyword', `witness A ${w[0].vkey}\nquorom A\n`, 2, /unknown keyword "quorom"/],
  ['no quorum', `witness A ${w[0].vkey}\n`, 0, /no quorum line/],
  ['two quorums', `witness A ${w[0].vkey}\nquorum A\nquorum none\n`, 3, /second quorum line.*line 2/],
  ['quorum before definition', `quorum A\nwitness A ${w[0].vkey}\n`, 1, /quorum A is not a witness or group defined on an earlier line/],
  ['group member defined later', `group G any A\nwitness A ${w[0].vkey}\nquorum G\n`, 1, /member A is not defined/],
  ['member twice across groups', `witness A ${w[0].vkey}\nwitness B ${w[1].vkey}\ngroup G1 any A\ngroup G2 any A B\nquorum G2\n`, 4, /already a member/],
  ['member twice in one group', `witness A ${w[0].vkey}\ngroup G all A A\nquorum G\n`, 2, /already a member/],
  ['threshold above n', `witness A ${w[0].vkey}\ngroup G 2 A\nquorum G\n`, 2, /threshold 2 is more than its 1/],
  ['threshold zero', `witness A ${w[0].vkey}\ngroup G 0 A\nquorum G\n`, 2, /threshold must be/],
  ['threshold leading zero', `witness A ${w[0].vkey}\ngroup G 01 A\nquorum G\n`, 2, /threshold must be/],
  ['group without members', `witness A ${w[0].vkey}\ngroup G any\nquorum A\n`, 2, /expected "group/],
  ['none as a name', `witness none ${w[0].vkey}\nquorum none\n`, 1, /"none" is reserved/],
  ['none as a member', `witness A ${w[0].vkey}\ngroup G any A none\nquorum G\n`, 2, /"none" cannot be a group member/],
  ['duplicate name', `witness A ${w[0].vkey}\nwitness A ${w[1].vkey}\nquorum A\n`, 2, /already defined/],
  ['witness and group share a namespace', `witness A ${w[0].vkey}\ngroup A any A\nquorum A\n`, 2, /already defined/],
  ['duplicate witness key', `witness A ${w[0].vkey}\nwitness B ${w[0].vkey}\nquorum A\n`, 2, /same public key as witness A/],
  ['duplicate log key', `log ${log.vkey}\nlog ${log.vkey}\nquorum none\n`, 2, /duplicate log key/],
  ['log key as witness', `witness A ${log.vkey}\nquorum A\n`, 1, /bad witness key: .*type 0x04/],
  ['witness key as log', `log ${w[0].vkey}\nquorum none\n`, 1, /bad log key/],
  ['bad URL', `witness A ${w[0].vkey} not-a-url\nquorum A\n`, 1, /is not a URL/],
  ['extra field', `witness A ${w[0].vkey} https://a.example x\nquorum A\n`, 1, /expected "witness/],
  ['carriage return', `witness A ${w[0].vkey}\r\nquorum A\n`, 1, /0x0d.*Windows line endings/],
  ['other control character', `# a\u0001comment\nquorum none\n`, 1, /control character 0x01/],
]

for (const [name, text, line, re] of errors) {
  t.test(`error: ${name}`, async (t) => {
    const e = t.throws(() => parsePolicy(text)) as PolicyError
    t.type(e, PolicyError)
    t.equal(e.line, line, 'names the line')
    t.match(e.message, re)
  })
}

t.test('comments, blank lines, tabs and non-ASCII are accepted; "any"/"all" can be names', async (t) => {
  const p = parsePolicy(`\t# 注释 comment\n   \nwitness 法院 ${w[0].vkey}\nwitness any ${w[1].vkey}\ngroup all any 法院 any\nquorum all\n`)
  t.same(p.groups[0], { name: 'all', threshold: 1, members: ['法院', 'any'] })
  t.ok(quorumSatisfied(p, new Set(['法院'])))
})

function cosigned(signers: number[], size = 5): string {
  const note = log.signCheckpoint({ origin: 'log.example/ledger', size, root: new Uint8Array(32).fill(size) })
  const body = parseNote(note).body
  return note + signers.map((i) => w[i].cosign(body, 1_700_000_000 + i)).join('')
}

t.test('verifyWitnessedCheckpoint: steps for the log, each witness and the quorum', async (t) => {
  const p = parsePolicy(example)
  const ok = verifyWitnessedCheckpoint(cosigned([0, 2, 4]), { policy: p })
  t.same(ok.steps.map((s) => [s.step, s.ok, s.witness ?? '']), [
    ['log-signature', true, ''],
    ['cosignature', true, 'X1'], ['cosignature', null, 'X2'], ['cosignature', true, 'X3'],
    ['cosignature', null, 'Y1'], ['cosignature', true, 'Y2'], ['cosignature', null, 'Y3'],
    ['quorum', true, ''],
  ])
  t.same(ok.cosigned, ['X1', 'X3', 'Y2'])
  t.equal(ok.steps[1].timestamp, 1_700_000_000)

  const short = verifyWitnessedCheckpoint(cosigned([0, 1]), { policy: p })
  t.equal(short.steps.at(-1)!.ok, false, 'no Y witness: quorum not met')
  t.match(short.steps.at(-1)!.detail, /not met/)

  // A line that claims X2's name and key id but is X2's signature over another checkpoint.
  const other = parseNote(log.signCheckpoint({ origin: 'log.example/ledger', size: 6, root: new Uint8Array(32).fill(6) })).body
  const forged = cosigned([0, 2, 4]) + w[1].cosign(other, 1)
  const f = verifyWitnessedCheckpoint(forged, { policy: p })
  t.equal(f.steps.find((s) => s.witness === 'X2')!.ok, false, 'a bad line by a known witness fails its step')
  t.equal(f.steps.at(-1)!.ok, true, 'the quorum is still met by the others')

  const noPolicy = verifyWitnessedCheckpoint(cosigned([0]), { logKeys: [log.vkey] })
  t.same(noPolicy.steps.map((s) => [s.step, s.ok]), [['log-signature', true], ['quorum', null]])
  t.match(noPolicy.steps[1].detail, /only the log operator vouches/)

  const wrongLog = verifyWitnessedCheckpoint(cosigned([0, 2, 4]), { logKeys: [signerFromSeed('log.example/ledger', seed(98)).vkey] })
  t.equal(wrongLog.steps[0].ok, false, 'signed by another key of the same name')
  t.equal(wrongLog.checkpoint, null)
  const otherOrigin = verifyWitnessedCheckpoint(cosigned([0, 2, 4]), { logKeys: [signerFromSeed('elsewhere', seed(99)).vkey] })
  t.match(otherOrigin.steps[0].detail, /no trusted log key for origin log.example\/ledger/)
})

t.test('the public witness-network vector under a 2-of-3 policy', async (t) => {
  const [a, b, c] = vectors.public.witnessVkeys
  const p = parsePolicy(`log ${vectors.public.logVkey}\nwitness a ${a}\nwitness b ${b}\nwitness c ${c}\ngroup g 2 a b c\nquorum g\n`)
  const r = verifyWitnessedCheckpoint(vectors.public.note, { policy: p })
  t.ok(r.steps.every((s) => s.ok === true), JSON.stringify(r.steps))
  t.same(r.cosigned, ['a', 'b', 'c'])
})
