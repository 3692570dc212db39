// A file that starts with a byte order mark, read from disk (not open): its positions are those of
// the text an editor shows, which has no mark (VS Code, Neovim and Helix drop it from the buffer).
// Found by a field test: the mark counted as a character of line 1, so a definition into such a file
// pointed one column late and a rename across files wrote `name: ttgt` (core/text.ts, LineIndex).
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import type { Location, Range } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';

const uri = (path: string) => URI.file(path).toString();
const TARGET = '/ws/policies/target.yaml';
const DEP = '/ws/policies/dep.yaml';
const body = 'policyType: pii_access\nenforcementMode: block\nruleDefinition: {mask_output: true}\n';
const dep = `name: dep\n${body}prerequisites: [target]\n`;

let server: InProcessServer | undefined;
after(async () => server?.client.shutdown());

it('a definition into and a rename of a closed file with a byte order mark', async () => {
  server = startInProcess({ files: { [TARGET]: `\uFEFFname: target\n${body}`, [DEP]: dep } });
  const { client } = server;
  await client.initialize({ rootUri: 'file:///ws' });
  client.open(uri(DEP), dep);
  await client.request('policyLens/chainOrder', {});
  await idle(server);
  const at = { textDocument: { uri: uri(DEP) }, position: { line: 4, character: 18 } };
  const found = await client.request<Location[]>('textDocument/definition', at);
  const name: Range = { start: { line: 0, character: 6 }, end: { line: 0, character: 12 } };
  assert.deepEqual(
    found.map((l) => [l.uri, l.range]),
    [[uri(TARGET), name]],
  );
  const edit = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>(
    'textDocument/rename',
    { ...at, newName: 'tgt' },
  );
  assert.deepEqual(edit.changes[uri(TARGET)], [{ range: name, newText: 'tgt' }]);
});
