// The names a policy test may expect under a Preloop document's prefix (`doc: tool`): a listed tool,
// or a tool the case itself calls (an unlisted tool gets a line of its own from
// `defaults.unknown_tools`). Any name under the prefix passed before, so a misspelt tool in
// `notFired` passed whatever the policies did, in `policylens test` and in the editor alike
// (test/fixtures/cli/test-unknown-preloop-tool for the CLI).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ParsedDocument } from '../../server/src/core/index';
import { policyTestFindings } from '../../server/src/core/eval/testfile';

const known = {
  names: ['payments-guard', 'payments-guard: issue_refund', 'Block Prompt Injection'],
  prefixes: ['payments-guard: '],
};

it('the editor flags a misspelt Preloop tool, not an unlisted tool the case calls', () => {
  const text = [
    'cases:',
    '  - event: {tool: {name: issue_refund}}',
    '    expect: {notFired: ["payments-guard: issue_refnd", "payments-guard: issue_refund"]}',
    '  - events:',
    '      - {tool: {name: export_ledger}, expect: {notFired: ["payments-guard: export_ledger"]}}',
    '    expect: {fired: ["payments-guard: export_ledgr"]}',
    '',
  ].join('\n');
  const findings = policyTestFindings(new ParsedDocument(text, 'yaml'), { known, describe: 'the policies' });
  const unknown = findings.filter((f) => f.code === 'policytest/unknown-policy').map((f) => f.message);
  assert.deepEqual(
    unknown.map((m) => /^"([^"]+)"/.exec(m)?.[1]),
    ['payments-guard: issue_refnd', 'payments-guard: export_ledgr'],
  );
});
