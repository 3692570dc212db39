// Inline suppressions in the editor (in process: memory files, virtual clock): a directive silences
// its code on the next line, an unused one is reported, and the quick-fix "Suppress <code> on this
// line" writes the directive (or adds the code to the one already there).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';
import type { Diagnostic } from './client';

interface Action {
  title: string;
  edit?: { changes?: Record<string, { range: Diagnostic['range']; newText: string }[]> };
}

/** Applies LSP text edits to a text (edits do not overlap). */
function apply(text: string, edits: { range: Diagnostic['range']; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start)))
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const bundle = [
  'name: guard',
  'policyType: cost_limit',
  'enforcementMode: block',
  'ruleDefinition:',
  '  daily_budget: 5',
  'owner: platform-team',
  '',
].join('\n');

describe('inline suppressions in the editor', () => {
  const servers: InProcessServer[] = [];
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  it('offers "Suppress <code> on this line", whose edit silences the finding', async () => {
    const s = startInProcess({});
    servers.push(s);
    await s.client.initialize({ rootUri: 'file:///ws' });
    const uri = s.fs.write('/ws/policies/guard.yaml', bundle);
    s.client.open(uri, bundle);
    const [finding] = (await s.client.waitForDiagnostics(uri, 1)).diagnostics;
    assert.equal(finding?.code, 'schema/unknown-key');

    const actions = await s.client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding] },
    });
    const suppress = actions.find((a) => a.title === 'Suppress schema/unknown-key on this line');
    assert.ok(suppress, actions.map((a) => a.title).join(', '));
    const fixed = apply(bundle, suppress.edit!.changes![uri]!);
    assert.match(fixed, /\n# policylens-disable-next-line schema\/unknown-key\nowner: platform-team\n/);

    const version = s.client.change(uri, fixed);
    assert.deepEqual((await s.client.waitForDiagnostics(uri, version)).diagnostics, []);

    // The directive no longer needed once the key is gone: reported, with a fix that removes it.
    const without = fixed.replace('owner: platform-team\n', '');
    const next = s.client.change(uri, without);
    const [unused] = (await s.client.waitForDiagnostics(uri, next)).diagnostics;
    assert.equal(unused?.code, 'suppression/unused');
    assert.equal(unused?.range.start.line, 5);
  });

  it('adds a second code to the directive above the line', async () => {
    const s = startInProcess({});
    servers.push(s);
    await s.client.initialize({ rootUri: 'file:///ws' });
    const text = bundle.replace(
      'owner: platform-team',
      '# policylens-disable-next-line legacy/key\nowner: platform-team',
    );
    const uri = s.fs.write('/ws/policies/two.yaml', text);
    s.client.open(uri, text);
    const diagnostics = (await s.client.waitForDiagnostics(uri, 1)).diagnostics;
    const finding = diagnostics.find((d) => d.code === 'schema/unknown-key')!;
    const actions = await s.client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding] },
    });
    const suppress = actions.find((a) => a.title === 'Suppress schema/unknown-key on this line')!;
    assert.match(
      apply(text, suppress.edit!.changes![uri]!),
      /# policylens-disable-next-line legacy\/key, schema\/unknown-key\nowner/,
    );
  });
  it('offers no directive on a later line of a string that spans lines: it would be written into it', async () => {
    const s = startInProcess({});
    servers.push(s);
    await s.client.initialize({ rootUri: 'file:///ws' });
    // Found by a field test: the directive went into the `|` block and broke the CEL expression.
    for (const [name, value] of [
      ['block', '|\n    environment == "production" &&\n    cost > "cheap"'],
      ['folded', '>-\n    environment == "production" &&\n    cost > "cheap"'],
      ['quoted', '"environment == \\"production\\" &&\n    cost > \\"cheap\\""'],
    ]) {
      const text = `name: ${name}\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: ${value}\n`;
      const uri = s.fs.write(`/ws/policies/${name}.yaml`, text);
      s.client.open(uri, text);
      const published = await s.client.waitForDiagnostics(uri, 1);
      const finding = published.diagnostics.find((d) => d.code === 'cel/type');
      assert.ok(finding, `${name}: ${published.diagnostics.map((d) => d.code).join(', ')}`);
      assert.ok(finding.range.start.line > 4, `${name}: the finding is on a later line of the string`);
      const actions = await s.client.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: finding.range,
        context: { diagnostics: [finding] },
      });
      const titles = actions.map((a) => a.title);
      assert.ok(!titles.some((t) => t.startsWith('Suppress')), `${name}: ${titles.join(', ')}`);
    }
  });
});
