// What `policylens export` writes, as plain data: the bundle of a live policy is sync's compared
// form (planned against the live org, it is a no-op), its text is the same for the same value, and
// file names are slugs that never collide, in any case. The CLI's round trip against a registry is
// test/cli/export-live.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyze,
  bundleOf,
  bundleText,
  fileNamesFor,
  planSync,
  prerequisiteResolver,
  slugOf,
  type LiveOrgPolicy,
} from '../../server/src/core/index';

const ID_A = '3745dc0c-09c7-4e21-91cb-eb29bb1dabb7';
const ID_B = '5af98333-99ac-4014-9fe7-07cb11fa267c';
const base = { policyType: 'tool_call', enforcementMode: 'block', ruleDefinition: { tools: ['x'] } };
const LIVE: LiveOrgPolicy[] = [
  { id: ID_A, name: 'A', ...base, version: 3, orgId: 'org_1', createdAt: '2026-01-01T00:00:00Z' },
  {
    id: ID_B,
    name: 'B',
    ...base,
    // Upper case ids, a name as reference, a duplicate, agents out of order, null metadata.
    prerequisites: [ID_A.toUpperCase(), 'A', ID_A],
    appliesToAgents: ['z', 'a', 'z'],
    metadata: null,
    ruleDefinition: JSON.parse('{"zeta": {"b": 1, "a": [2, 1]}, "__proto__": {"x": 1}, "tools": ["y", "x"]}'),
    isActive: false,
    evaluationOrder: 100,
    chainTrigger: 'always',
  },
  { id: 'c0000000-0000-4000-8000-000000000000', name: 'C', ...base, metadata: { source: 'cli-sync' } },
];

describe('export: the bundle of a live policy', () => {
  const resolve = prerequisiteResolver(LIVE);

  it('holds the compared fields only, defaults left out, ids as names, sets sorted, keys sorted', () => {
    const b = bundleOf(LIVE[1]!, resolve);
    assert.equal(
      JSON.stringify(b.value),
      '{"name":"B","policyType":"tool_call","enforcementMode":"block","ruleDefinition":{"__proto__":{"x":1},"tools":["y","x"],"zeta":{"a":[2,1],"b":1}},"appliesToAgents":["a","z"],"isActive":false,"prerequisites":["A"],"chainTrigger":"always"}',
    );
    assert.deepEqual(b.unknownPrerequisites, []);
    assert.deepEqual(
      bundleOf(LIVE[2]!, resolve).value,
      { name: 'C', ...base },
      'metadata.source is sync’s own',
    );
  });

  it('read back from its text in either format, sync plans every policy as a no-op', () => {
    for (const format of ['yaml', 'json'] as const) {
      const desired = LIVE.map((p) => {
        const text = bundleText(bundleOf(p, resolve).value, format);
        assert.equal(text, bundleText(bundleOf(p, resolve).value, format), 'the same text every time');
        const value = analyze(text, { fileName: `x.${format}` }).doc!.value as Record<string, unknown>;
        return { name: p.name, file: `${p.name}.${format}`, value };
      });
      const plan = planSync(desired, LIVE);
      assert.deepEqual(
        plan.steps.map((s) => [s.name, s.action, s.changes]),
        LIVE.map((p) => [p.name, 'no-op', []]),
        format,
      );
    }
  });

  it('keeps a prerequisite the org does not hold, and says which', () => {
    const gone = '99999999-9999-4999-8999-999999999999';
    const b = bundleOf({ id: 'x', name: 'X', ...base, prerequisites: [gone, ID_B] }, resolve);
    assert.deepEqual(b.value.prerequisites, [gone, 'B'].sort());
    assert.deepEqual(b.unknownPrerequisites, [gone]);
  });

  it('YAML quotes the strings a YAML 1.1 reader would take for something else', () => {
    const text = bundleText(
      { name: 'yes', ruleDefinition: { on: 'off', d: '2024-01-01', n: '0o17', ok: 'fine' } },
      'yaml',
    );
    assert.equal(
      text,
      'name: "yes"\nruleDefinition:\n  "on": "off"\n  d: "2024-01-01"\n  "n": "0o17"\n  ok: fine\n',
    );
  });
});

describe('export: file names', () => {
  const slugs: [string, string][] = [
    ['Block PII exfiltration', 'block-pii-exfiltration'],
    ['Security review: Café & Co. (v2)', 'security-review-cafe-co-v2'],
    ['  --Ünïcödé--  ', 'unicode'],
    ['日本語', '日本語'],
    ['Доступ к данным', 'доступ-к-данным'],
    ['हिन्दी नीति', 'हिन्दी-नीति'],
    ['!!!', 'policy'],
    ['ＡＢＣ ﬁle', 'abc-file'],
    ['語'.repeat(100), '語'.repeat(26)],
    ['../../etc/passwd', 'etc-passwd'],
    ['CON', 'con-policy'],
    ['x'.repeat(300), 'x'.repeat(80)],
  ];
  for (const [name, slug] of slugs)
    it(`${JSON.stringify(name).slice(0, 40)} → ${slug.slice(0, 20)}`, () => assert.equal(slugOf(name), slug));

  it('numbers a name taken by the folder (in any case) or by a policy before it', () => {
    assert.deepEqual(
      fileNamesFor(['Cost cap', 'Cost-Cap', 'COST CAP', 'Other'], ['COST-CAP-2.yaml', 'other.json'], 'yaml'),
      ['cost-cap.yaml', 'cost-cap-3.yaml', 'cost-cap-4.yaml', 'other.yaml'],
    );
  });
});
