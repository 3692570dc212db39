import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import YAML from 'yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspClient, type PublishDiagnosticsParams } from '../lsp/client';
import { failureLines, LineIndex, readConfig } from '../../server/src/core/index';
import { mutation } from './support/arbitraries';
import { CONFIG_SEEDS, configText } from './support/configs';
import { policyCorpus, report, runs } from './support/invariants';
import {
  assertRangesInside,
  indexed,
  probes,
  RESPONSE_BOUND_MS,
  timedRequest,
  typeEdit,
  visible,
} from './support/lsp';

// The two other kinds of files the language server reads, fuzzed as lsp-fuzz.test.ts fuzzes policies
// (the real `dist/server.js --stdio`):
//
// - Policy test files (`*.policytest.yaml|json`): random edit sequences with hover, completion,
//   outline, folding, lenses, definition, code actions and the Test Explorer's `policyLens/policyTests`
//   (list and run) in between. The last diagnostics must equal those of the same text opened fresh,
//   and the Test Explorer's run must agree with `policylens test` on the final text.
// - The project config (`policylens.config.yaml`): random configs (valid, wrongly typed, edited, with
//   globs picomatch cannot read) written to disk and announced as changed, while the config is open
//   in the editor and requested. Its problems must be shown on it as the reader gives them, and the
//   open policies must end with the findings of `policylens lint .` under that config.
//
// Every request is answered within the bound, no handler failure is logged, nothing reaches stderr.

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

const TEST_FILES = [
  'examples/tests/chain.policytest.yaml',
  'examples/tests/baseline.policytest.yaml',
  'examples/tests/budget.policytest.yaml',
  'test/fixtures/cli/test-failing/cases.policytest.yaml',
  'test/fixtures/cli/test-failing/broken.policytest.json',
].map((f) => readFileSync(join(ROOT, f), 'utf8'));
// Each test file as written, and the YAML ones as JSON too.
const testStarts: [string, boolean][] = TEST_FILES.flatMap((text) => {
  try {
    return [
      [text, false],
      [JSON.stringify(YAML.parse(text), null, 2) + '\n', true],
    ] as [string, boolean][];
  } catch {
    return [[text, true]] as [string, boolean][];
  }
});
/** Pieces a user may type or paste into a test file, the hostile ones among them. */
const TEST_PIECES = [
  'policies: ../policies/chain\n',
  'policies: [../nope, 3, {a: 1}]\n',
  'policies: guard.policy\n',
  'cases: 7\n',
  '  - name: ""\n    expect: {decision: nope}\n',
  '    events: []\n',
  '    event: {at: 1e999, estimatedCost: -1e308, timestamp: "9999-99-99"}\n',
  '      fired: [x, 1, null, {a: b}]\n',
  '\u0000\u0001\u001b[31m\u202e\u2028\ud800',
  '{'.repeat(40),
  '    event: ' + '{a: '.repeat(60) + '1' + '}'.repeat(60) + '\n',
  '&a [*a, *a]\n',
  '? {a: 1}\n: x\n',
  '%YAML 1.1\n---\n',
];
const testCorpus = [...TEST_FILES, ...TEST_PIECES, ...policyCorpus().slice(0, 30)];

const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3, hint: 4 };
const counts = { testSequences: 0, edits: 0, requests: 0, configs: 0, cliRuns: 0, crashes: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** stderr lines and logged handler failures: each is a crash the fallback hid. */
function problemsOf(client: LspClient): string[] {
  return [
    ...client.logs.filter((l) => /failed|unhandled|uncaught/i.test(l)),
    ...client.stderr.split('\n').filter((l) => l.trim()),
  ];
}

/** The CLI on the workspace: its status and JSON report (or its stderr, on a usage error). */
function cli(root: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  counts.cliRuns++;
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
}

/** Resolves with the latest diagnostics of `uri` once `ok` holds for them, or fails after the bound. */
async function settled(
  client: LspClient,
  uri: string,
  ok: (p: PublishDiagnosticsParams | undefined) => boolean,
  what: string,
): Promise<void> {
  const latest = () => [...client.diagnostics].reverse().find((p) => p.uri === uri);
  for (let waited = 0; !ok(latest()); waited += 25) {
    if (waited > RESPONSE_BOUND_MS)
      assert.fail(`${what}: still ${JSON.stringify(latest()?.diagnostics.map(visible)).slice(0, 800)}`);
    await sleep(25);
  }
}

describe('language server under random test files and configs', () => {
  const client = new LspClient(['--stdio'], { ...process.env, NODE_OPTIONS: '--max-old-space-size=512' });
  const root = mkdtempSync(join(tmpdir(), 'policylens-lsp-fuzz-files-'));
  let n = 0;

  before(async () => {
    cpSync(join(ROOT, 'examples', 'policies'), join(root, 'policies'), { recursive: true });
    mkdirSync(join(root, 'tests'));
    // A policy under a name without a YAML/JSON extension, which `policies: guard.policy` names.
    cpSync(join(ROOT, 'examples/policies/block-prompt-injection.json'), join(root, 'tests', 'guard.policy'));
    await client.initialize({ rootUri: fileUri(root) });
    await indexed(client, fileUri(join(root, 'policies', 'warmup.yaml')));
  });
  after(async () => {
    report(
      `${counts.testSequences} test-file edit sequences (${counts.edits} edits, ${counts.requests} requests) and ${counts.configs} configs fuzzed through the language server, ${counts.cliRuns} CLI runs compared, ${counts.crashes} crashes or logged handler failures`,
    );
    assert.equal(await client.shutdown(), 0);
    rmSync(root, { recursive: true, force: true });
  });

  it('policy test files: random edits end as a fresh open of the text, and the Test Explorer agrees with policylens test', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(testStarts.length - 1),
        fc.array(fc.tuple(mutation, fc.option(fc.nat(8), { freq: 2 }), fc.nat()), {
          minLength: 1,
          maxLength: 10,
        }),
        async (start, steps) => {
          const [text0, json] = testStarts[start];
          const name = `fuzz-${n++}.policytest.${json ? 'json' : 'yaml'}`;
          const uri = fileUri(join(root, 'tests', name));
          let doc = TextDocument.create(uri, json ? 'json' : 'yaml', 1, text0);
          client.open(uri, text0);
          await client.waitForDiagnostics(uri, 1);
          const answers: Promise<unknown>[] = [];
          for (const [m, probe, at] of steps) {
            doc = typeEdit(client, doc, m, testCorpus);
            counts.edits++;
            if (probe !== null) {
              const requests = probes(doc, at % (doc.getText().length + 1));
              requests.push(
                ['policyLens/policyTests', { uri, run: false }],
                ['policyLens/policyTests', { uri, run: true }],
              );
              const [method, params] = requests[probe];
              answers.push(timedRequest(client, method, params));
              counts.requests++;
            }
          }
          await Promise.all(answers);
          const text = doc.getText();
          const published = await client.waitForDiagnostics(uri, doc.version);
          assertRangesInside(published.diagnostics, doc, `after ${steps.length} edits`);

          // The same text opened fresh, beside it (the same `policies:` resolve the same way).
          const freshUri = fileUri(join(root, 'tests', `fresh-${name}`));
          client.open(freshUri, text);
          const fresh = await client.waitForDiagnostics(freshUri, 1);
          client.close(freshUri);
          assert.deepEqual(
            published.diagnostics.map((d) => ({ ...(visible(d) as object), range: d.range })),
            fresh.diagnostics.map((d) => ({ ...(visible(d) as object), range: d.range })),
            `diagnostics differ from a fresh open of:\n${text.slice(0, 1500)}`,
          );

          // The Test Explorer's run and `policylens test` on the saved text.
          writeFileSync(join(root, 'tests', name), text);
          const run = (await timedRequest(client, 'policyLens/policyTests', { uri, run: true })) as {
            cases: { name: string; passed?: boolean; failures?: string[] }[];
            error?: string;
          };
          const r = cli(root, ['test', join('tests', name), '--format', 'json']);
          // Status 2: the file has no case (a usage error of the command); the explorer lists none.
          if (r.status === 2) assert.deepEqual(run.cases, [], r.stderr);
          else {
            assert.ok(r.status === 0 || r.status === 1, `policylens test: status ${r.status}\n${r.stderr}`);
            type Why = Parameters<typeof failureLines>[1];
            const file = (
              JSON.parse(r.stdout) as {
                files: {
                  cases: { name: string; passed: boolean; failures: string[]; why?: Why }[];
                  error?: string;
                }[];
              }
            ).files[0];
            // The explorer shows each failure with the policies that explain it under it, as the text
            // report does; the JSON keeps them apart (`why`): the same lines, put together.
            assert.deepEqual(
              { error: !!run.error, cases: run.cases.map((c) => [c.name, c.passed, c.failures]) },
              {
                error: !!file.error,
                cases: file.cases.map((c) => [c.name, c.passed, failureLines(c.failures, c.why)]),
              },
              `Test Explorer (${run.error}) and policylens test (${file.error}) differ on:\n${text.slice(0, 1500)}`,
            );
          }
          client.close(uri);
          rmSync(join(root, 'tests', name));
          if (!client.alive || problemsOf(client).length) counts.crashes++;
          assert.deepEqual(problemsOf(client), []);
          counts.testSequences++;
        },
      ),
      runs(10),
    );
    assert.ok(client.alive);
  });

  it('configs: their problems are shown on them, and the open policies end with what lint reports', async () => {
    const config = join(root, 'policylens.config.yaml');
    const configUri = fileUri(config);
    // Open policies the config can exclude, re-type or re-grade: a clean one, one with legacy keys
    // (which overrides silence in the fixtures), one with an unknown key under drafts/.
    mkdirSync(join(root, 'legacy'));
    mkdirSync(join(root, 'drafts'));
    writeFileSync(
      join(root, 'legacy', 'old.yaml'),
      readFileSync(join(ROOT, 'test/fixtures/lint/legacy-hard-block/input.yaml'), 'utf8'),
    );
    writeFileSync(
      join(root, 'drafts', 'd.yaml'),
      'name: draft\npolicyType: cost_limit\nenforcementMode: block\nbogus: 1\nruleDefinition: {daily_budget: 5}\n',
    );
    const open = ['policies/daily-cost-limit.yaml', 'legacy/old.yaml', 'drafts/d.yaml'];
    for (const rel of open) {
      const uri = fileUri(join(root, rel));
      client.open(uri, readFileSync(join(root, rel), 'utf8'));
      await client.waitForDiagnostics(uri, 1);
    }
    await fc.assert(
      fc.asyncProperty(
        configText,
        fc.array(fc.tuple(mutation, fc.nat(6), fc.nat()), { maxLength: 4 }),
        async (text, steps) => {
          counts.configs++;
          const before = client.diagnostics.length;
          writeFileSync(config, text);
          client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
          // The config open in the editor, edited (unsaved) and requested meanwhile.
          let doc = TextDocument.create(configUri, 'yaml', 1, text);
          client.open(configUri, text);
          const answers: Promise<unknown>[] = [];
          for (const [m, probe, at] of steps) {
            doc = typeEdit(client, doc, m, CONFIG_SEEDS);
            answers.push(timedRequest(client, ...probes(doc, at % (doc.getText().length + 1))[probe]));
            counts.requests++;
          }
          await Promise.all(answers);
          client.close(configUri);

          // Its problems, on the file as saved: the reader's messages at the reader's places.
          const lines = new LineIndex(text);
          const problems = readConfig(text).problems.map((p) => ({
            message: p.message,
            range: { start: lines.positionAt(p.span.start), end: lines.positionAt(p.span.end) },
          }));
          const saved = TextDocument.create(configUri, 'yaml', 1, text);
          // The latest publication, not any since the write: the one the watched-file event caused
          // can match while the edited text's are still on their way, and after the close the
          // editor must be left with the saved file's problems.
          await settled(
            client,
            configUri,
            (latest) =>
              client.diagnostics.length > before &&
              latest !== undefined &&
              client.diagnostics.lastIndexOf(latest) >= before &&
              JSON.stringify(latest.diagnostics.map((d) => ({ message: d.message, range: d.range }))) ===
                JSON.stringify(problems),
            `the problems of the config ${JSON.stringify(text.slice(0, 300))}`,
          );
          assertRangesInside(
            [...client.diagnostics].reverse().find((p) => p.uri === configUri)!.diagnostics,
            saved,
            'config',
          );

          // lint of the workspace under that config: a usage error with the same problems, or the
          // findings the open policies must end with (a file the config leaves out has none).
          const r = cli(root, ['lint', '.', '--format', 'json']);
          if (problems.length) {
            assert.equal(r.status, 2, `lint accepted a config with problems: ${r.stdout.slice(0, 300)}`);
            assert.deepEqual(
              r.stderr
                .trim()
                .split('\n')
                .map((l) =>
                  l.replace(/^policylens lint: /, '').replace(/^policylens\.config\.yaml:\d+:\d+: /, ''),
                ),
              problems.map((p) => p.message),
            );
          } else {
            // Status 2 without a problem: the config leaves no policy in the workspace (none found, or
            // an include that leaves out every YAML/JSON file: `include: policies/**', 'agents/**']`
            // is one glob, a string with quotes in it).
            const none =
              r.status === 2 && /^policylens lint: (no policy file found|no file to lint in )/.test(r.stderr);
            assert.ok(none || r.status === 0 || r.status === 1, `lint: status ${r.status}\n${r.stderr}`);
            if (!none) assert.equal(r.stderr, '');
            const report = (none ? { files: [] } : JSON.parse(r.stdout)) as {
              files: {
                file: string;
                findings: { code: string; severity: string; message: string; range: unknown }[];
              }[];
            };
            for (const rel of open) {
              const want = (report.files.find((f) => f.file === rel)?.findings ?? []).map((f) => ({
                code: f.code,
                severity: SEVERITY[f.severity],
                message: f.message,
                range: f.range,
              }));
              await settled(
                client,
                fileUri(join(root, rel)),
                (p) => JSON.stringify((p?.diagnostics ?? []).map(visible)) === JSON.stringify(want),
                `${rel} under the config ${JSON.stringify(text.slice(0, 300))} (lint: ${JSON.stringify(want).slice(0, 400)})`,
              );
            }
          }
          if (!client.alive || problemsOf(client).length) counts.crashes++;
          assert.deepEqual(problemsOf(client), []);
        },
      ),
      runs(8),
    );
    assert.ok(client.alive);
  });
});
