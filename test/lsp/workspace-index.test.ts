// The index holder's view of a partial index (the scan stopped at its limit): missing prerequisites
// are hidden, the stamp says when that changes, and an open document gets the same list at every
// call until the index changes (the re-publisher compares lists by identity before their contents;
// a new filtered list at each call made it compare every finding of every open document).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { WorkspaceIndex } from '../../server/src/lsp/chain/workspaceIndex';
import type { PolicyDocument } from '../../server/src/lsp/documents';

const bundle = (name: string, prerequisites: string[]) =>
  `name: ${name}\npolicyType: pii_access\nenforcementMode: block\nruleDefinition:\n  denied_pii_types: [ssn]\n` +
  `prerequisites: [${prerequisites.join(', ')}]\n`;

/** An open document as the index sees it: the very parse the index holds for its file. */
function openAsIndexed(index: WorkspaceIndex, uri: string): PolicyDocument {
  const policy = index.get(uri);
  assert.ok(policy);
  return { uri, text: policy.doc.text, analysis: { doc: policy.doc } } as unknown as PolicyDocument;
}

it('a partial index hides missing prerequisites, in a list kept until the index changes', () => {
  const index = new WorkspaceIndex(() => []);
  const a = 'file:///ws/a.yaml';
  index.indexText(a, bundle('a', ['nowhere', 'b']));
  index.indexText('file:///ws/b.yaml', bundle('b', ['a']));
  index.markReady();
  const doc = openAsIndexed(index, a);
  const codes = () => index.visibleFindings(doc).map((f) => f.code);
  assert.deepEqual(codes().sort(), ['chain/cycle', 'chain/missing-prerequisite']);

  const complete = index.stamp;
  index.partial = true;
  assert.notEqual(index.stamp, complete, 'the stamp says the index became partial');
  const shown = index.visibleFindings(doc);
  assert.deepEqual(
    shown.map((f) => f.code),
    ['chain/cycle'],
  );
  assert.equal(index.visibleFindings(doc), shown, 'the same list at the next call');

  // A change of the index: a new list, kept in its turn.
  index.indexText('file:///ws/c.yaml', bundle('c', []));
  const next = index.visibleFindings(doc);
  assert.notEqual(next, shown);
  assert.equal(index.visibleFindings(doc), next);

  index.partial = false;
  assert.equal(index.stamp.includes('partial'), false);
  assert.deepEqual(codes().sort(), ['chain/cycle', 'chain/missing-prerequisite']);
});
