// Policy test files in the editor (in process): schema diagnostics against policytest.schema.json,
// `expect` names checked against the policies the file runs against (with did-you-mean quick-fixes),
// a `policies:` path that names nothing, completion of the policy names, and hover.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';
import type { Diagnostic, PublishDiagnosticsParams } from './client';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** Every file of examples/ under /ws/examples in the memory file system. */
function exampleFiles(dir = EXAMPLES, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) exampleFiles(p, out);
    else out[`/ws/examples/${relative(EXAMPLES, p).split('\\').join('/')}`] = readFileSync(p, 'utf8');
  }
  return out;
}

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();

interface Item {
  label: string;
  detail?: string;
  textEdit?: { newText: string };
}

/** The text with `|` removed, and the position of the `|`. */
function cursor(marked: string): { text: string; position: { line: number; character: number } } {
  const at = marked.indexOf('|');
  const before = marked.slice(0, at).split('\n');
  return {
    text: marked.slice(0, at) + marked.slice(at + 1),
    position: { line: before.length - 1, character: before[before.length - 1].length },
  };
}

describe('policy test files in the language server', () => {
  const servers: InProcessServer[] = [];
  const start = async () => {
    const s = startInProcess({ files: exampleFiles() });
    servers.push(s);
    await s.client.initialize({ rootUri: 'file:///ws' });
    return s;
  };
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  /** Opens a test file under examples/tests and returns its first diagnostics. */
  const openTest = async (s: InProcessServer, name: string, text: string) => {
    const uri = s.fs.write(`/ws/examples/tests/${name}`, text);
    s.client.open(uri, text);
    return { uri, published: await s.client.waitForDiagnostics(uri, 1) };
  };

  it('the example test files are clean', async () => {
    const s = await start();
    for (const name of ['baseline', 'budget', 'chain']) {
      const uri = 'file:///ws/examples/tests/' + name + '.policytest.yaml';
      s.client.open(uri, readFileSync(join(EXAMPLES, 'tests', `${name}.policytest.yaml`), 'utf8'));
      const p = await s.client.waitForDiagnostics(uri, 1);
      assert.deepEqual(p.diagnostics, [], name);
    }
  });

  it('reports schema problems with the nearest key, and a case with both event and events', async () => {
    const s = await start();
    const { published } = await openTest(
      s,
      'schema.policytest.yaml',
      [
        'policies: ../policies/daily-cost-limit.yaml',
        'cases:',
        '  - name: typo in the event',
        '    event: {inptu: hello, estimatedCost: 7.5}',
        '    exepct: {decision: block}',
        '  - name: both',
        '    event: {input: a}',
        '    events: [{input: b}]',
        '    expect: {decision: blok}',
        '',
      ].join('\n'),
    );
    const byCode = (c: string) => published.diagnostics.filter((d) => d.code === c);
    const unknown = byCode('schema/unknown-key').map((d) => d.message);
    assert.ok(
      unknown.some((m) => /"inptu"; did you mean "input"/.test(m)),
      unknown.join('\n'),
    );
    assert.ok(
      unknown.some((m) => /"exepct"; did you mean "expect"/.test(m)),
      unknown.join('\n'),
    );
    assert.equal(byCode('policytest/event-and-events').length, 1);
    assert.equal(byCode('policytest/event-and-events')[0].range.start.line, 7);
    assert.ok(
      byCode('schema/enum').length + byCode('schema/invalid').length >= 1,
      codes(published.diagnostics).join(),
    );
    for (const d of published.diagnostics) assert.match(d.codeDescription?.href ?? '', /docs\/findings\//);
  });

  it('an expect name that no tested policy carries is a warning with a did-you-mean quick-fix', async () => {
    const s = await start();
    const text = [
      'policies: ../policies/daily-cost-limit.yaml',
      'cases:',
      '  - name: above the cap',
      '    event: {estimatedCost: 7.5}',
      '    expect:',
      '      decision: block',
      '      fired: [Daily Cost Limt]',
      '      notFired: [Block Prompt Injection]',
      '',
    ].join('\n');
    const { uri, published } = await openTest(s, 'names.policytest.yaml', text);
    const found = published.diagnostics.filter((d) => d.code === 'policytest/unknown-policy');
    // Block Prompt Injection is a policy of the workspace, but not of the ones this file loads.
    assert.deepEqual(
      found.map((d) => d.message),
      [
        '"Daily Cost Limt" is no policy of ../policies/daily-cost-limit.yaml (1 policy); did you mean "Daily Cost Limit"?',
        '"Block Prompt Injection" is no policy of ../policies/daily-cost-limit.yaml (1 policy)',
      ],
    );
    assert.equal(found[0].severity, 2);
    const actions = await s.client.request<
      { title: string; edit: { changes: Record<string, { newText: string }[]> } }[]
    >('textDocument/codeAction', {
      textDocument: { uri },
      range: found[0].range,
      context: { diagnostics: [found[0]] },
    });
    assert.deepEqual(
      actions.map((a) => [a.title, a.edit.changes[uri][0].newText]),
      [['Change to "Daily Cost Limit"', 'Daily Cost Limit']],
    );
  });

  it('checks an open test file again once the config is read, with its severities', async () => {
    // The configs are read after `initialized`; a test file checked before they were read kept the
    // default severities until its next edit (lint applies them from the start). The config's read
    // is held here until the file's first diagnostics are out.
    const s = startInProcess({
      files: {
        ...exampleFiles(),
        '/ws/policylens.config.yaml': 'rules:\n  policytest/unknown-policy: error\n',
      },
    });
    servers.push(s);
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const read = s.fs.readFile.bind(s.fs);
    s.fs.readFile = async (uri) => {
      if (uri.endsWith('/policylens.config.yaml')) await held;
      return read(uri);
    };
    await s.client.initialize({ rootUri: 'file:///ws' });
    const { uri, published } = await openTest(
      s,
      'early.policytest.yaml',
      [
        'policies: ../policies/daily-cost-limit.yaml',
        'cases:',
        '  - name: above the cap',
        '    event: {estimatedCost: 7.5}',
        '    expect: {decision: block, fired: [Daily Cost Limt]}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.severity]),
      [['policytest/unknown-policy', 2]],
    );
    const raised = s.client.waitForDiagnosticsWhere(uri, (p) =>
      p.diagnostics.some((d) => d.code === 'policytest/unknown-policy' && d.severity === 1),
    );
    release();
    await raised;
  });

  it('checks the names again when a policy is renamed in the editor', async () => {
    const s = await start();
    const text = [
      'policies: ../policies/daily-cost-limit.yaml',
      'cases:',
      '  - name: above the cap',
      '    event: {estimatedCost: 7.5}',
      '    expect: {decision: block, fired: [Daily Cost Limit]}',
      '',
    ].join('\n');
    const { uri, published } = await openTest(s, 'rename.policytest.yaml', text);
    assert.deepEqual(published.diagnostics, []);
    const policy = 'file:///ws/examples/policies/daily-cost-limit.yaml';
    const original = readFileSync(join(EXAMPLES, 'policies', 'daily-cost-limit.yaml'), 'utf8');
    const renamed = s.client.waitForDiagnosticsWhere(uri, (p) => p.diagnostics.length > 0);
    s.client.open(policy, original.replace('name: Daily Cost Limit', 'name: Daily Costs Limit'));
    const after = await renamed;
    assert.deepEqual(codes(after.diagnostics), ['policytest/unknown-policy']);
    assert.match(after.diagnostics[0].message, /did you mean "Daily Costs Limit"/);
  });

  it('a policies path that names nothing is an error on the path', async () => {
    const s = await start();
    const { published } = await openTest(
      s,
      'missing.policytest.yaml',
      ['policies: [../policies/chain, ../policy/nope]', 'cases: []', ''].join('\n'),
    );
    const d: PublishDiagnosticsParams['diagnostics'] = published.diagnostics;
    assert.deepEqual(codes(d), ['policytest/policies-not-found']);
    assert.equal(d[0].message, 'policies: no such file or folder: ../policy/nope');
    assert.deepEqual(d[0].range.start, { line: 0, character: 30 });
  });

  it('completes the names of the tested policies in expect lists, and the schema keys', async () => {
    const s = await start();
    const marked = [
      'policies: ../policies/chain',
      'cases:',
      '  - name: x',
      '    event: {input: a}',
      '    expect:',
      '      fired: [pii-guard, |]',
      '',
    ].join('\n');
    const { text, position } = cursor(marked);
    const { uri } = await openTest(s, 'complete.policytest.yaml', text);
    const list = await s.client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri },
      position,
    });
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['finance-cost-cap', 'security-review'],
      'pii-guard is listed already',
    );
    assert.match(list.items[0].detail ?? '', /^expression · block · finance-cost-cap\.json$/);

    const keys = cursor(
      ['cases:', '  - name: x', '    event: {input: a}', '    expect:', '      |', ''].join('\n'),
    );
    s.client.change(uri, keys.text);
    const keyList = await s.client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri },
      position: keys.position,
    });
    assert.deepEqual(
      keyList.items.map((i) => i.label),
      ['decision', 'fired', 'notFired', 'skipped', 'messageContains'],
    );
  });

  it('hovers a name with what the policy is, and a key with its description', async () => {
    const s = await start();
    const text = [
      'policies: ../policies/chain',
      'cases:',
      '  - name: x',
      '    event: {input: a}',
      '    expect: {skipped: [security-review]}',
      '',
    ].join('\n');
    const { uri } = await openTest(s, 'hover.policytest.yaml', text);
    const onName = await s.client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 4, character: 25 },
    });
    assert.match(onName.contents.value, /\*\*security-review\*\*: .* · security-review\.yaml/);
    const onKey = await s.client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 4, character: 15 },
    });
    assert.match(onKey.contents.value, /Policies the chain must skip/);
  });
});
