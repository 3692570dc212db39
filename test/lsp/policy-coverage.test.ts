// In a policy file (in process): the lens "covered by N tests · M failing" computed from the
// workspace's policy tests, and the action "Create a test for this policy" that writes a case with a
// plausible event into tests/<file>.policytest.yaml (created, or appended to).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { readPolicyTest, compilePolicies, loadPolicy, runCase } from '../../server/src/core/index';
import { startInProcess, type InProcessServer } from '../support/inProcess';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function exampleFiles(dir = EXAMPLES, out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) exampleFiles(p, out);
    else out[`/ws/examples/${relative(EXAMPLES, p).split('\\').join('/')}`] = readFileSync(p, 'utf8');
  }
  return out;
}

interface Lens {
  range: { start: { line: number } };
  command?: { title: string };
}
interface Action {
  title: string;
  kind: string;
  edit: {
    changes?: Record<string, { range: { start: { line: number; character: number } }; newText: string }[]>;
    documentChanges?: (
      { kind: string; uri: string } | { textDocument: { uri: string }; edits: { newText: string }[] }
    )[];
  };
}

const example = (path: string) => readFileSync(join(EXAMPLES, path), 'utf8');

describe('policy tests seen from a policy file', () => {
  const servers: InProcessServer[] = [];
  const start = async (files = exampleFiles(), capabilities?: object) => {
    const s = startInProcess({ files });
    servers.push(s);
    await s.client.initialize({ rootUri: 'file:///ws', ...(capabilities ? { capabilities } : {}) });
    return s;
  };
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  const lensesOf = async (s: InProcessServer, path: string, text = example(path)) => {
    const uri = `file:///ws/examples/${path}`;
    s.client.open(uri, text);
    await s.client.waitForDiagnostics(uri, 1);
    return (await s.client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } }))
      .map((l) => l.command?.title ?? '')
      .filter((t) => /test/.test(t));
  };

  it('counts the cases that make a policy fire or name it, and the failing ones', async () => {
    const s = await start();
    // baseline.policytest.yaml: the per-execution case fires it, and the daily budget sequence does.
    assert.deepEqual(await lensesOf(s, 'policies/daily-cost-limit.yaml'), ['covered by 2 tests']);
    assert.deepEqual(await lensesOf(s, 'policies/monthly-budget-cap.json'), ['covered by 2 tests']);
    assert.deepEqual(await lensesOf(s, 'policies/chain/security-review.yaml'), ['covered by 4 tests']);
    // The seed's story: flip the cost cap to log_only and the case that expects a block fails.
    const flipped = example('policies/chain/finance-cost-cap.json').replace('"block"', '"log_only"');
    assert.deepEqual(await lensesOf(s, 'policies/chain/finance-cost-cap.json', flipped), [
      'covered by 3 tests · 1 failing',
    ]);
    // A policy no test names and none makes fire.
    assert.deepEqual(await lensesOf(s, 'mixed/execlave/email-scope.json'), [
      'no policy test covers this policy',
    ]);
  });

  it('shows no test lens in a workspace without policy tests', async () => {
    const files = Object.fromEntries(Object.entries(exampleFiles()).filter(([p]) => !/policytest/.test(p)));
    const s = await start(files);
    assert.deepEqual(await lensesOf(s, 'policies/daily-cost-limit.yaml'), []);
  });

  it('creates tests/<file>.policytest.yaml with a case that passes, through file creation', async () => {
    const s = await start();
    const uri = 'file:///ws/examples/mixed/execlave/prod-cost-gate.yaml';
    s.client.open(uri, example('mixed/execlave/prod-cost-gate.yaml'));
    await s.client.waitForDiagnostics(uri, 1);
    const actions = await s.client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      context: { diagnostics: [] },
    });
    const create = actions.find((a) => a.title.startsWith('Create a test'));
    assert.ok(create, actions.map((a) => a.title).join('\n'));
    assert.equal(create.title, 'Create a test for "prod-cost-gate" in tests/prod-cost-gate.policytest.yaml');
    // examples/tests exists: the nearest tests/ folder above the policy is used.
    const [op, write] = create.edit.documentChanges!;
    assert.deepEqual(op, {
      kind: 'create',
      uri: 'file:///ws/examples/tests/prod-cost-gate.policytest.yaml',
      options: { overwrite: false, ignoreIfExists: true },
    });
    const text = (write as { edits: { newText: string }[] }).edits[0].newText;
    const value = parse(text) as { policies: string };
    assert.equal(value.policies, '../mixed/execlave/prod-cost-gate.yaml');
    // The written case passes when run the way `policylens test` runs it.
    const { file } = readPolicyTest(value);
    const policy = loadPolicy(uri, example('mixed/execlave/prod-cost-gate.yaml')).source!;
    const outcome = runCase(compilePolicies([policy]), file!.cases[0]);
    assert.deepEqual(outcome.failures, []);
    assert.deepEqual(file!.cases[0].expect, { decision: 'require_approval', fired: ['prod-cost-gate'] });
  });

  it('appends to an existing test file, and falls back to a plain edit without file creation', async () => {
    const existing = [
      'policies: ../policies/daily-cost-limit.yaml',
      'cases:',
      '    - name: cheap',
      '      event: {estimatedCost: 1}',
      '      expect: {decision: allow}',
      '',
    ].join('\n');
    const files = { ...exampleFiles(), '/ws/examples/tests/daily-cost-limit.policytest.yaml': existing };
    const s = await start(files);
    const uri = 'file:///ws/examples/policies/daily-cost-limit.yaml';
    s.client.open(uri, example('policies/daily-cost-limit.yaml'));
    await s.client.waitForDiagnostics(uri, 1);
    const [action] = await s.client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 3 }, end: { line: 0, character: 3 } },
      context: { diagnostics: [], only: ['refactor'] },
    });
    assert.equal(action.title, 'Add a test for "Daily Cost Limit" to tests/daily-cost-limit.policytest.yaml');
    const target = 'file:///ws/examples/tests/daily-cost-limit.policytest.yaml';
    const [edit] = action.edit.changes![target];
    assert.deepEqual(edit.range.start, { line: 5, character: 0 });
    const after = existing + edit.newText;
    const cases = (parse(after) as { cases: { name: string; event: { estimatedCost: number } }[] }).cases;
    assert.deepEqual(
      cases.map((c) => c.name),
      ['cheap', 'Daily Cost Limit blocks the request'],
    );
    assert.equal(cases[1].event.estimatedCost, 6);

    // A client without file creation gets the new file's text as an edit to its URI.
    const plain = await start(exampleFiles(), { workspace: { applyEdit: true }, textDocument: {} });
    const other = 'file:///ws/examples/policies/pii-protection.yaml';
    plain.client.open(other, example('policies/pii-protection.yaml'));
    await plain.client.waitForDiagnostics(other, 1);
    const [a] = await plain.client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri: other },
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.equal(a.edit.documentChanges, undefined);
    assert.match(
      a.edit.changes!['file:///ws/examples/tests/pii-protection.policytest.yaml'][0].newText,
      /decision: warn/,
    );
  });

  it('offers the action on the name line only', async () => {
    const s = await start();
    const uri = 'file:///ws/examples/policies/daily-cost-limit.yaml';
    s.client.open(uri, example('policies/daily-cost-limit.yaml'));
    await s.client.waitForDiagnostics(uri, 1);
    const actions = await s.client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
  });
});

// The coverage lens loads every test file's policies for each policy document it is asked about.
// It read them all from disk again, and walked the workspace for test files, at every request: with
// 4,000 policies and 10 test files a request took 1.4 s, and opening the policies one by one was
// quadratic. The reads and walks are counted here, not timed.
describe('the coverage lens reads the workspace once, until a file changes', () => {
  const N = 60;
  const T = 4;
  const policy = (i: number, mode = 'warn') =>
    `name: p-${i}\npolicyType: tool_call\nenforcementMode: ${mode}\nruleDefinition:\n  tools:\n    - search\n`;
  const test = (t: number) =>
    `cases:\n  - name: case ${t}\n    event: {input: hello, tools: [browse]}\n    expect: {decision: allow, notFired: [p-0]}\n`;

  it('asks the disk nothing more for a second and a hundredth lens, and follows a changed policy', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < N; i++) files[`/ws/p/p-${i}.yaml`] = policy(i);
    for (let t = 0; t < T; t++) files[`/ws/p/t${t}.policytest.yaml`] = test(t);
    const s = startInProcess({ files });
    try {
      await s.client.initialize({ rootUri: 'file:///ws' });
      const calls = { readFile: 0, listFiles: 0 };
      for (const m of ['readFile', 'listFiles'] as const) {
        const original = s.fs[m].bind(s.fs) as (...a: unknown[]) => unknown;
        (s.fs as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
          calls[m]++;
          return original(...a);
        };
      }
      // The lens is asked of open documents, as an editor does.
      for (let i = 0; i < 40; i++) {
        s.client.open(`file:///ws/p/p-${i}.yaml`, policy(i));
        await s.client.waitForDiagnostics(`file:///ws/p/p-${i}.yaml`, 1);
      }
      calls.readFile = calls.listFiles = 0;
      const lens = async (i: number) => {
        const uri = `file:///ws/p/p-${i}.yaml`;
        const lenses = await s.client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
        return lenses.map((l) => l.command?.title ?? '').filter((t) => /test/.test(t));
      };
      // Every case names p-0 (notFired) and runs through all 60 policies; none fires (no `browse` tool).
      assert.deepEqual(await lens(0), ['covered by 4 tests']);
      assert.deepEqual(await lens(1), ['no policy test covers this policy']);
      const first = { ...calls };
      for (let i = 2; i < 40; i++) await lens(i);
      // Before: each request walked the workspace and listed the folder for each test file (5
      // walks), and read the 20 policies that are not open for each test file (80 reads).
      assert.deepEqual(
        calls,
        first,
        `40 lenses: ${JSON.stringify(calls)}, the first two: ${JSON.stringify(first)}`,
      );
      assert.ok(first.readFile <= N - 40 + T, `the first lens read ${first.readFile} files`);
      // A policy that is not open changes on disk to block `browse`: every case fails, and the lens
      // of p-0 follows after that one file is read again.
      s.fs.write('/ws/p/p-59.yaml', policy(59, 'block').replace('- search', '- browse'));
      s.client.notify('workspace/didChangeWatchedFiles', {
        changes: [{ uri: 'file:///ws/p/p-59.yaml', type: 2 }],
      });
      assert.deepEqual(await lens(0), ['covered by 4 tests · 4 failing']);
      // Once for the tests, once for the workspace's chain index.
      assert.equal(calls.readFile - first.readFile, 2, 'reads after the change');
    } finally {
      await s.client.shutdown();
    }
  });
});
