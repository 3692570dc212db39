// Rename, references and definition reach the policy names that policy tests expect (`fired`,
// `notFired`, `skipped`). Found by a field test: renaming a policy left its tests failing as
// `policytest/unknown-policy`, references did not list them, definition from one answered null.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import type { Location, Range } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';
import { applyTextEdits, positionAt } from './client';

const uri = (path: string) => URI.file(path).toString();
const GUARD = '/ws/policies/pii-guard.yaml';
const REVIEW = '/ws/policies/review.yaml';
const TESTS = '/ws/tests/guard.policytest.yaml';
const guard =
  'name: pii-guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {denied_pii_types: [ssn]}\n';
const review =
  'name: review\npolicyType: tool_call\nenforcementMode: block\nruleDefinition: {tools: [a]}\nprerequisites: [pii-guard]\n';
const tests = [
  'policies: [../policies]',
  'cases:',
  '  - name: an ssn is blocked',
  '    event: {input: "my ssn is 123-45-6789"}',
  '    expect: {decision: block, fired: [pii-guard]}',
  '  - name: a quoted name',
  '    event: {input: hello}',
  '    expect: {notFired: ["pii-guard", review]}',
  '',
].join('\n');

let server: InProcessServer | undefined;
after(async () => server?.client.shutdown());

it("rename, references and definition reach a policy test's expected names", async () => {
  const s = startInProcess({ files: { [GUARD]: guard, [REVIEW]: review, [TESTS]: tests } });
  server = s;
  const { client } = s;
  await client.initialize({ rootUri: 'file:///ws' });
  client.open(uri(GUARD), guard);
  await client.request('policyLens/chainOrder', {});
  await idle(s);
  const onName = { textDocument: { uri: uri(GUARD) }, position: { line: 0, character: 8 } };

  const edit = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>(
    'textDocument/rename',
    { ...onName, newName: 'pii-shield' },
  );
  assert.deepEqual(Object.keys(edit.changes).sort(), [uri(GUARD), uri(REVIEW), uri(TESTS)]);
  const renamed = applyTextEdits(tests, edit.changes[uri(TESTS)]);
  assert.match(renamed, /fired: \[pii-shield\]/);
  assert.match(renamed, /notFired: \["pii-shield", review\]/);

  const refs = await client.request<Location[]>('textDocument/references', {
    ...onName,
    context: { includeDeclaration: false },
  });
  assert.equal(refs.filter((l) => l.uri === uri(TESTS)).length, 2, JSON.stringify(refs));

  client.open(uri(TESTS), tests);
  const at = tests.indexOf('fired: [pii-guard]') + 'fired: ['.length + 2;
  const found = await client.request<Location[] | null>('textDocument/definition', {
    textDocument: { uri: uri(TESTS) },
    position: positionAt(tests, at),
  });
  assert.deepEqual(
    found?.map((l) => [l.uri, l.range.start.line, l.range.start.character]),
    [[uri(GUARD), 0, 6]],
  );
});
