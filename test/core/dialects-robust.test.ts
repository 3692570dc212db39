// Bad input never crashes the Preloop, Agent Sentinel and CEL rules: random documents built from
// the dialects' own keys with values of every shape go through the whole analysis (schema,
// rules, CEL, placing findings, building fixes) without throwing, and every finding lies inside
// the text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { analyze, getDialect, problemsOf } from '../../server/src/core/index';

const KEYS = [
  'version',
  'metadata',
  'name',
  'tools',
  'approval_workflows',
  'mcp_servers',
  'model_io',
  'sensitive_data',
  'defaults',
  'conditions',
  'expression',
  'condition_type',
  'approval_workflow',
  'escalation_workflow',
  'approval_type',
  'source',
  'detectors',
  'custom_patterns',
  'rules',
  'budgets',
  'evidence',
  'session_budget',
  'denied_actions',
  'allowed_actions',
  'approval_actions',
  'require_approval',
  'scope',
  'evidence_requirements',
  'grounding_rules',
  'argument_constraints',
  'properties',
  'required',
  'source_action',
  'policyType',
  'ruleDefinition',
];

const scalar = fc.oneof(
  fc.constantFrom(
    'ai_driven',
    'cel',
    'escalate',
    'agent',
    'x',
    '',
    'args.a > 1 &&',
    'cost > 1.0',
    '(a+)+',
    'Employee-ID',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 3 }),
  // Parsers only produce ordinary objects; fast-check's null-prototype objects are not an input.
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 5, noNullPrototype: true }),
})).map;

test('dialect rules never throw on documents of any shape', () => {
  const dialects = ['preloop', 'agentsentinel', 'callguard', 'execlave'].map((id) => getDialect(id)!);
  fc.assert(
    fc.property(value, (doc) => {
      for (const d of dialects) problemsOf(doc, d);
    }),
    { numRuns: 200 },
  );
});

test('analysis of random YAML and JSON places every finding inside the text', () => {
  fc.assert(
    fc.property(value, fc.constantFrom('policy.yaml', 'callguard.yaml', 'policy.json'), (doc, fileName) => {
      const text = fileName.endsWith('.json') ? JSON.stringify(doc, null, 2) : stringify(doc);
      for (const dialect of [undefined, 'preloop', 'agentsentinel', 'callguard']) {
        const result = analyze(text, { fileName, dialect });
        for (const f of result.findings) {
          assert.ok(f.span.start >= 0 && f.span.end <= Math.max(1, text.length), `${f.code} inside the text`);
          for (const fix of f.fixes ?? [])
            for (const e of fix.edits)
              assert.ok(e.start <= e.end && e.end <= text.length, `${fix.title} edits inside`);
        }
      }
    }),
    { numRuns: 100 },
  );
});

test('hostile CEL expressions get one clear finding each, never a crash', () => {
  const cases: [string, string][] = [
    ['('.repeat(5000) + '1' + ')'.repeat(5000), 'cel/syntax'],
    ['1 + '.repeat(3000) + '1', 'cel/syntax'],
    ['"' + 'x'.repeat(10000), 'cel/syntax'],
    ['a'.repeat(15000), 'cel/unknown-variable'],
  ];
  for (const [expression, code] of cases) {
    const text = JSON.stringify({
      name: 'x',
      policyType: 'expression',
      enforcementMode: 'block',
      ruleDefinition: { expression },
    });
    const findings = analyze(text, { fileName: 'hostile.json' }).findings;
    assert.deepEqual(
      findings.map((f) => f.code),
      [code],
      expression.slice(0, 20),
    );
    assert.ok(findings[0].message.length < 400, 'the message stays short');
  }
});
