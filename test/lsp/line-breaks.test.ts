// Edits keep a CRLF file's line breaks (core/text.ts, withLineBreaks): the engine writes `\n`, and a
// field test found that "Add ruleDefinition", fix-all and a completion of several lines left a CRLF
// file with mixed line endings (3 CRLF, 6 bare LF), while the suppression fix already wrote `\r\n`.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';
import { applyTextEdits, positionAt, type Diagnostic } from './client';

type Edit = { range: Diagnostic['range']; newText: string };
interface Action {
  title: string;
  edit?: { changes?: Record<string, Edit[]> };
}

const bareLf = (text: string) => (text.match(/(^|[^\r])\n/g) ?? []).length;

let server: InProcessServer | undefined;
after(async () => server?.client.shutdown());

it('quick-fixes, fix-all and completions write CRLF into a CRLF file', async () => {
  const s = startInProcess({});
  server = s;
  const { client } = s;
  await client.initialize({ rootUri: 'file:///ws' });
  const files = {
    '/ws/policies/crlf.yaml': 'name: crlf\r\npolicyType: pii_access\r\nenforcementMode: block\r\n',
    '/ws/policies/crlf.json':
      '{\r\n  "name": "crlfj",\r\n  "policyType": "cost_limit",\r\n  "enforcementMode": "block"\r\n}\r\n',
  };
  let multiLine = 0;
  for (const [path, text] of Object.entries(files)) {
    const uri = s.fs.write(path, text);
    client.open(uri, text);
    const { diagnostics } = await client.waitForDiagnostics(uri, 1);
    assert.ok(diagnostics.length, path);
    for (const only of [undefined, ['source.fixAll']]) {
      const actions = await client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostics[0].range,
        context: { diagnostics, ...(only ? { only } : {}) },
      });
      for (const a of actions) {
        const edits = a.edit?.changes?.[uri];
        if (!edits) continue;
        if (edits.some((e) => e.newText.includes('\n'))) multiLine++;
        assert.equal(bareLf(applyTextEdits(text, edits)), 0, `${path}: ${a.title}`);
      }
    }
  }
  // A completion of several lines: the rule's keys under a new ruleDefinition.
  const yaml = 'name: crlf\r\npolicyType: pii_access\r\nenforcementMode: block\r\n\r\n';
  const uri = s.fs.write('/ws/policies/complete.yaml', yaml);
  client.open(uri, yaml);
  await client.waitForDiagnostics(uri, 1);
  const list = await client.request<{ items: { label: string; textEdit?: Edit }[] }>(
    'textDocument/completion',
    {
      textDocument: { uri },
      position: positionAt(yaml, yaml.length - 2),
    },
  );
  const rule = list.items.find((i) => i.label === 'ruleDefinition');
  const newText = rule?.textEdit?.newText ?? '';
  assert.ok(newText.includes('\n'), 'the ruleDefinition item spans lines');
  assert.equal(bareLf(newText), 0, JSON.stringify(newText));
  assert.ok(multiLine >= 2, `${multiLine} actions of several lines checked`);
});
