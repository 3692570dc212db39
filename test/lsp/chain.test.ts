// The prerequisite chain over the real protocol: the built server is spawned on a copy of a chain
// fixture workspace (test/fixtures/chain/<case>/workspace) and asked for definitions, references,
// renames, lenses and diagnostics, with most of the files never opened (the index reads the disk).
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyTextEdits, fileUri, LspClient, type Diagnostic, type PublishDiagnosticsParams } from './client';

const FIXTURES = join(__dirname, '..', 'fixtures', 'chain');

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
type Location = { uri: string; range: Range };

/** A fresh copy of a fixture workspace, so tests may edit files on disk. */
function workspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `policylens-chain-${name}-`));
  cpSync(join(FIXTURES, name, 'workspace'), dir, { recursive: true });
  return dir;
}

/** Waits until the latest diagnostics published for `uri` satisfy `ok` (the index may still be reading). */
async function diagnosticsUntil(
  client: LspClient,
  uri: string,
  ok: (d: Diagnostic[]) => boolean,
): Promise<PublishDiagnosticsParams> {
  for (;;) {
    const latest = [...client.diagnostics].reverse().find((p) => p.uri === uri);
    if (latest && ok(latest.diagnostics)) return latest;
    await client.waitForDiagnostics(uri);
  }
}

const codes = (d: Diagnostic[]) => d.map((x) => x.code);
const short = (dir: string, l: Location) =>
  `${l.uri.slice(fileUri(dir).length + 1)}:${l.range.start.line}:${l.range.start.character}-${l.range.end.line}:${l.range.end.character}`;

describe('chain over LSP: navigation and lenses (seed-chain)', () => {
  let client: LspClient;
  let dir: string;
  let uri: (file: string) => string;
  before(async () => {
    dir = workspace('seed-chain');
    uri = (f) => fileUri(join(dir, 'policies', f));
    client = new LspClient();
    const init = await client.initialize({ rootUri: fileUri(dir) });
    assert.equal(init.capabilities.definitionProvider, true);
    assert.equal(init.capabilities.referencesProvider, true);
    assert.deepEqual(init.capabilities.renameProvider, { prepareProvider: true });
    for (const f of ['security-review.json', 'pii-guard.yaml'])
      client.open(uri(f), readFileSync(join(dir, 'policies', f), 'utf8'));
  });
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes from a prerequisite to the bundle it names, in a file that is not open', async () => {
    // security-review.json line 5: `  "prerequisites": ["pii-guard", "finance-cost-cap"],`
    const toFinance = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uri('security-review.json') },
      position: { line: 5, character: 38 },
    });
    assert.deepEqual(
      toFinance.map((l) => short(dir, l)),
      ['policies/finance-cost-cap.json:1:10-1:28'],
    );
    const onName = await client.request<Location[] | null>('textDocument/definition', {
      textDocument: { uri: uri('security-review.json') },
      position: { line: 1, character: 12 },
    });
    assert.equal(onName, null);
  });

  it('finds every bundle that depends on a policy', async () => {
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri('pii-guard.yaml') },
      position: { line: 1, character: 8 },
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      refs.map((l) => short(dir, l)),
      ['policies/finance-cost-cap.json:5:20-5:31', 'policies/security-review.json:5:20-5:31'],
    );
    const withDecl = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri('security-review.json') },
      position: { line: 5, character: 22 },
      context: { includeDeclaration: true },
    });
    assert.equal(withDecl.length, 3);
    assert.equal(short(dir, withDecl[0]), 'policies/pii-guard.yaml:1:6-1:15');
  });

  it('shows where each policy is evaluated in a lens on its name', async () => {
    const lenses = await client.request<{ range: Range; command?: { title: string } }[]>(
      'textDocument/codeLens',
      {
        textDocument: { uri: uri('security-review.json') },
      },
    );
    const chain = lenses.filter((l) => l.command?.title.startsWith('evaluated'));
    assert.deepEqual(
      chain.map((l) => [l.range.start.line, l.command!.title]),
      [[1, 'evaluated 3rd of 3 · 2 prerequisites · 0 dependents']],
    );
    const first = await client.request<{ command?: { title: string } }[]>('textDocument/codeLens', {
      textDocument: { uri: uri('pii-guard.yaml') },
    });
    assert.ok(first.some((l) => l.command?.title === 'evaluated 1st of 3 · 0 prerequisites · 2 dependents'));
  });

  it('renames a policy and every prerequisite that names it, across files', async () => {
    const prep = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', {
      textDocument: { uri: uri('security-review.json') },
      position: { line: 5, character: 24 },
    });
    assert.equal(prep.placeholder, 'pii-guard');
    assert.deepEqual(prep.range, { start: { line: 5, character: 21 }, end: { line: 5, character: 30 } });
    const edit = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>(
      'textDocument/rename',
      {
        textDocument: { uri: uri('pii-guard.yaml') },
        position: { line: 1, character: 8 },
        newName: 'pii-shield',
      },
    );
    assert.deepEqual(Object.keys(edit.changes).sort(), [
      uri('finance-cost-cap.json'),
      uri('pii-guard.yaml'),
      uri('security-review.json'),
    ]);
    const renamed = applyTextEdits(
      readFileSync(join(dir, 'policies', 'security-review.json'), 'utf8'),
      edit.changes[uri('security-review.json')],
    );
    assert.match(renamed, /"prerequisites": \["pii-shield", "finance-cost-cap"\]/);
    const yaml = applyTextEdits(
      readFileSync(join(dir, 'policies', 'pii-guard.yaml'), 'utf8'),
      edit.changes[uri('pii-guard.yaml')],
    );
    assert.match(yaml, /^name: pii-shield$/m);
    await assert.rejects(
      client.request('textDocument/rename', {
        textDocument: { uri: uri('pii-guard.yaml') },
        position: { line: 1, character: 8 },
        newName: 'finance-cost-cap',
      }),
      /already exists/,
    );
  });

  it('completes prerequisites with the workspace names, marking those that would close a cycle', async () => {
    type Item = { label: string; tags?: number[]; detail?: string; textEdit?: { newText: string } };
    const fresh = uri('new-one.yaml');
    const text =
      'name: new-one\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\nprerequisites:\n  - ';
    client.open(fresh, text);
    const list = await client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri: fresh },
      position: { line: 6, character: 4 },
    });
    const names = list.items.filter((i) => i.detail !== undefined && !i.label.includes(' '));
    assert.deepEqual(names.map((i) => i.label).sort(), ['finance-cost-cap', 'pii-guard', 'security-review']);
    assert.ok(names.every((i) => !i.tags?.length));
    client.close(fresh);

    const guard = uri('pii-guard.yaml');
    const original = readFileSync(join(dir, 'policies', 'pii-guard.yaml'), 'utf8');
    client.change(guard, original + 'prerequisites: [""]\n');
    const line = original.split('\n').length - 1;
    const cyclic = await client.request<{ items: Item[] }>('textDocument/completion', {
      textDocument: { uri: guard },
      position: { line, character: 17 },
    });
    const marked = cyclic.items.filter((i) => i.tags?.includes(1)).map((i) => i.label);
    assert.deepEqual(marked.sort(), ['finance-cost-cap', 'security-review']);
    assert.match(cyclic.items.find((i) => i.label === 'security-review')!.detail!, /would close a cycle/);
    assert.equal(
      cyclic.items.find((i) => i.label === 'security-review')!.textEdit!.newText,
      '"security-review"',
    );
    client.change(guard, original);
  });

  it('keeps a half-typed bundle in the chain, so the files that depend on it do not flicker', async () => {
    const guard = uri('pii-guard.yaml');
    const original = readFileSync(join(dir, 'policies', 'pii-guard.yaml'), 'utf8');
    const v = client.change(guard, original + 'ruleDefinition: {broken\n');
    const broken = await client.waitForDiagnostics(guard, v);
    assert.ok(broken.diagnostics.some((d) => d.code === 'yaml/syntax'));
    const toGuard = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uri('security-review.json') },
      position: { line: 5, character: 24 },
    });
    assert.deepEqual(
      toGuard.map((l) => short(dir, l)),
      ['policies/pii-guard.yaml:1:6-1:15'],
    );
    const latest = [...client.diagnostics].reverse().find((p) => p.uri === uri('security-review.json'))!;
    assert.ok(!codes(latest.diagnostics).includes('chain/missing-prerequisite'));
    const back = client.change(guard, original);
    await client.waitForDiagnostics(guard, back);
  });

  it('answers policyLens/chainOrder with the evaluation order', async () => {
    const order = await client.request<{ entries: { name: string; line?: number; inCycle: boolean }[] }>(
      'policyLens/chainOrder',
      {},
    );
    assert.deepEqual(
      order.entries.map((e) => `${e.name}@${e.line}`),
      ['pii-guard@1', 'finance-cost-cap@1', 'security-review@1'],
    );
  });
});

describe('chain over LSP: cycles and missing links in diagnostics', () => {
  it('reports a cycle across three files, with its hops, and clears it when one file breaks it', async () => {
    const dir = workspace('cycle-3');
    const client = new LspClient();
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      const sanitise = fileUri(join(dir, 'sanitise-input.yaml'));
      const classify = fileUri(join(dir, 'classify-intent.json'));
      client.open(sanitise, readFileSync(join(dir, 'sanitise-input.yaml'), 'utf8'));
      const withCycle = await diagnosticsUntil(client, sanitise, (d) => codes(d).includes('chain/cycle'));
      const cycle = withCycle.diagnostics.find((d) => d.code === 'chain/cycle')!;
      assert.equal(
        cycle.message,
        'cycle: sanitise-input → classify-intent → escalate-review → sanitise-input',
      );
      assert.deepEqual(cycle.range, { start: { line: 6, character: 4 }, end: { line: 6, character: 19 } });
      const related = cycle.relatedInformation as { location: Location; message: string }[];
      assert.deepEqual(
        related.map((r) => `${short(dir, r.location)} ${r.message}`),
        [
          'classify-intent.json:5:20-5:37 classify-intent → escalate-review',
          'escalate-review.yml:4:26-4:40 escalate-review → sanitise-input',
        ],
      );
      // The quick fix removes the entry that closes the cycle in this file.
      const actions = await client.request<
        { title: string; edit?: { changes: Record<string, unknown[]> } }[]
      >('textDocument/codeAction', {
        textDocument: { uri: sanitise },
        range: cycle.range,
        context: { diagnostics: [cycle], only: ['quickfix'] },
      });
      assert.ok(actions.some((a) => a.title === 'Remove prerequisite "classify-intent" to break the cycle'));

      // Breaking the cycle in another (open) file re-publishes this one without it.
      const text = readFileSync(join(dir, 'classify-intent.json'), 'utf8');
      client.open(classify, text);
      await diagnosticsUntil(client, classify, (d) => codes(d).includes('chain/cycle'));
      client.change(classify, text.replace('"prerequisites": ["escalate-review"]', '"prerequisites": []'));
      await diagnosticsUntil(client, sanitise, (d) => !codes(d).includes('chain/cycle'));
    } finally {
      await client.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows files created and deleted on disk (didChangeWatchedFiles)', async () => {
    const dir = workspace('missing-link');
    const client = new LspClient();
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      const gate = fileUri(join(dir, 'cost-gate.json'));
      client.open(gate, readFileSync(join(dir, 'cost-gate.json'), 'utf8'));
      const missing = (d: Diagnostic[]) => d.filter((x) => x.code === 'chain/missing-prerequisite').length;
      const first = await diagnosticsUntil(client, gate, (d) => missing(d) === 2);
      // An id that no org has answered for is information, never a warning.
      const unresolved = first.diagnostics.find((d) => d.code === 'chain/unresolved-prerequisite')!;
      assert.equal(unresolved.severity, 3);

      const created = join(dir, 'deleted-policy.yaml');
      writeFileSync(
        created,
        'name: deleted-policy\npolicyType: expression\nenforcementMode: monitor\nruleDefinition:\n  expression: "true"\n',
      );
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(created), type: 1 }] });
      await diagnosticsUntil(client, gate, (d) => missing(d) === 1);

      rmSync(created);
      client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(created), type: 3 }] });
      await diagnosticsUntil(client, gate, (d) => missing(d) === 2);
    } finally {
      await client.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("chain over LSP: a raw export's ids (exported-ids)", () => {
  let client: LspClient;
  let dir: string;
  let uri: (file: string) => string;
  const text = (f: string) => readFileSync(join(dir, f), 'utf8');
  type Action = { title: string; edit?: { changes: Record<string, { range: Range; newText: string }[]> } };
  const fixAll = async (u: string) => {
    const start = { line: 0, character: 0 };
    const actions = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri: u },
      range: { start, end: start },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(actions.length, 1);
    return actions[0].edit!.changes[u];
  };
  before(async () => {
    dir = workspace('exported-ids');
    uri = (f) => fileUri(join(dir, f));
    client = new LspClient();
    await client.initialize({ rootUri: fileUri(dir) });
    for (const f of ['finance-cost-cap.yaml', 'pii-guard.json']) client.open(uri(f), text(f));
    await diagnosticsUntil(client, uri('finance-cost-cap.yaml'), (d) =>
      codes(d).includes('chain/exported-id'),
    );
  });
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes from a prerequisite written as an id to the bundle that carries it, in a file that is not open', async () => {
    // finance-cost-cap.yaml line 13: `  - 7D1E2C34-5B6A-4F78-9A0B-1C2D3E4F5A6B` (pii-guard.json's id).
    const toPii = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uri('finance-cost-cap.yaml') },
      position: { line: 13, character: 10 },
    });
    assert.deepEqual(
      toPii.map((l) => short(dir, l)),
      ['pii-guard.json:6:10-6:21'],
    );
    // security-review.yaml (never opened) line 10: its first entry is finance-cost-cap.yaml's id.
    const toFinance = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uri('security-review.yaml') },
      position: { line: 10, character: 20 },
    });
    assert.deepEqual(
      toFinance.map((l) => short(dir, l)),
      ['finance-cost-cap.yaml:7:6-7:22'],
    );
  });

  it('lists the entries that name a bundle by its id among its references', async () => {
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uri('pii-guard.json') },
      position: { line: 6, character: 14 },
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      refs.map((l) => short(dir, l)),
      ['finance-cost-cap.yaml:13:4-13:40', 'security-review.yaml:10:54-10:92'],
    );
  });

  it('warns on the id with the bundle and the file that carry it', async () => {
    const published = await diagnosticsUntil(client, uri('finance-cost-cap.yaml'), (d) =>
      codes(d).includes('chain/exported-id'),
    );
    const warning = published.diagnostics.find((d) => d.code === 'chain/exported-id')!;
    assert.equal(warning.severity, 2);
    assert.match(warning.message, /is the server id of "pii-guard" \(the "id" in pii-guard\.json\)/);
  });

  it('fix-all names the bundle, and a bundle keeps its id while another names it by that id', async () => {
    // pii-guard.json first: its other server keys go, its id stays (two bundles still name it).
    const carrier = applyTextEdits(text('pii-guard.json'), await fixAll(uri('pii-guard.json')));
    assert.match(carrier, /"id": "7d1e2c34-5b6a-4f78-9a0b-1c2d3e4f5a6b"/);
    assert.doesNotMatch(carrier, /organizationId|createdAt/);

    // finance-cost-cap.yaml names pii-guard now; its own id stays too (security-review names it).
    const finance = applyTextEdits(text('finance-cost-cap.yaml'), await fixAll(uri('finance-cost-cap.yaml')));
    assert.match(finance, /^prerequisites:\n {2}- pii-guard$/m);
    assert.match(finance, /^id: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d$/m);

    // No bundle names security-review by its id: fix-all removes it with the other server keys.
    client.open(uri('security-review.yaml'), text('security-review.yaml'));
    await diagnosticsUntil(client, uri('security-review.yaml'), (d) =>
      codes(d).includes('chain/exported-id'),
    );
    const review = applyTextEdits(text('security-review.yaml'), await fixAll(uri('security-review.yaml')));
    assert.match(review, /^prerequisites: \[finance-cost-cap, "pii-guard"\]$/m);
    assert.doesNotMatch(review, /^(id|organizationId|version|createdAt|updatedAt):/m);
  });
});
