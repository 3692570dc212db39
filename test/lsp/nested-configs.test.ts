/**
 * The editor, the pre-commit hook and CI agree on every file of a monorepo with a root config, a
 * nested config, a folder the root excludes and a test fixture outside `include`
 * (test/fixtures/config/nested-configs): `lint .` (CI), `lint --force-exclude <each file>` (the
 * hook) and the language server's published diagnostics give each file the same verdict, because
 * each file is governed by the nearest config at or above it. Then a nested config's problem is
 * shown on it, and a change to it is followed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient, type PublishDiagnosticsParams } from './client';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const WORKSPACE = join(__dirname, '..', 'fixtures', 'config', 'nested-configs', 'workspace');
const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warning' };

/** The YAML/JSON files of a folder that are not configs, relative to it with `/`. */
function policyFiles(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const p = join(dir, name);
      if (name === '.git') return [];
      if (statSync(p).isDirectory()) return policyFiles(root, p);
      if (!/\.(json|ya?ml)$/.test(name) || name === 'policylens.config.yaml') return [];
      return [relative(root, p).split(sep).join('/')];
    })
    .sort();
}

/** Each file's verdict from lint's JSON report: its findings as `code:severity`, or `skipped`. */
function lintVerdicts(root: string, args: string[], files: string[]): Record<string, string> {
  const r = spawnSync(process.execPath, [CLI, 'lint', '--format', 'json', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const report = JSON.parse(r.stdout) as {
    files: { file: string; findings: { code: string; severity: string }[] }[];
  };
  const out: Record<string, string> = {};
  for (const f of files) out[f] = 'skipped';
  for (const f of report.files)
    out[f.file] =
      f.findings
        .map((x) => `${x.code}:${x.severity}`)
        .sort()
        .join(' ') || 'valid';
  return out;
}

describe('one monorepo, three ways: lint ., lint --force-exclude <file>, the editor', () => {
  let root: string;
  let files: string[];
  let client: LspClient;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'pl-nested-'));
    cpSync(WORKSPACE, root, { recursive: true });
    execFileSync('git', ['init', '-q', root]);
    files = policyFiles(root);
    client = new LspClient();
    await client.initialize({ rootUri: fileUri(root) });
  });
  after(async () => {
    await client.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives every file the same verdict', async () => {
    const ci = lintVerdicts(root, ['.'], files);
    const hook = lintVerdicts(root, ['--force-exclude', ...files], files);

    // The chain order waits for the workspace scan, which waits for the configs.
    await client.request('policyLens/chainOrder', {});
    const published = new Map<string, PublishDiagnosticsParams>();
    const linted = files.filter((f) => ci[f] !== 'skipped');
    const last = fileUri(join(root, linted[linted.length - 1]!));
    const done = client.waitForDiagnostics(last, 1);
    // The skipped files first: documents are analysed in the order they are opened, so once the
    // last linted one is published, a skipped one would have been too.
    for (const f of [...files.filter((x) => ci[x] === 'skipped'), ...linted]) {
      const uri = fileUri(join(root, f));
      client.open(uri, readFileSync(join(root, f), 'utf8'));
    }
    await done;
    for (const p of client.diagnostics) published.set(p.uri, p);
    const editor: Record<string, string> = {};
    for (const f of files) {
      const p = published.get(fileUri(join(root, f)));
      editor[f] = p
        ? p.diagnostics
            .filter((d) => d.severity !== undefined && SEVERITY[d.severity])
            .map((d) => `${String(d.code)}:${SEVERITY[d.severity!]}`)
            .sort()
            .join(' ') || 'valid'
        : 'skipped';
    }

    assert.deepEqual(ci, {
      'apps/api/test/fixtures/policy-response.json': 'skipped',
      'policies/archive/old.yaml': 'skipped',
      'policies/budget.yaml': 'schema/unknown-key:warning',
      'policies/team-a/drafts/draft.yaml': 'skipped',
      'policies/team-a/guard.yaml': 'valid',
      'policies/team-c/limit.policy.yaml': 'schema/unknown-key:error',
      'policies/team-c/notes.yaml': 'skipped',
    });
    assert.deepEqual(hook, ci, 'the pre-commit hook (lint --force-exclude <files>) agrees with CI');
    assert.deepEqual(editor, ci, 'the editor agrees with CI');
  });

  it("shows a nested config's problem on it, and follows its changes", async () => {
    const config = join(root, 'policies', 'team-a', 'policylens.config.yaml');
    const guard = fileUri(join(root, 'policies', 'team-a', 'guard.yaml'));
    writeFileSync(config, 'rules:\n  schema/unknown-kee: off\n');
    const shown = client.waitForDiagnosticsWhere(fileUri(config), (p) => p.diagnostics.length > 0);
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(config), type: 2 }] });
    const d = await shown;
    assert.match(d.diagnostics[0]!.message, /unknown rule "schema\/unknown-kee"/);

    writeFileSync(config, 'rules:\n  schema/unknown-key: error\n');
    const cleared = client.waitForDiagnosticsWhere(fileUri(config), (p) => p.diagnostics.length === 0);
    const errors = client.waitForDiagnosticsWhere(guard, (p) =>
      p.diagnostics.some((x) => x.code === 'schema/unknown-key' && x.severity === 1),
    );
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(config), type: 2 }] });
    await cleared;
    await errors;
  });
});

describe("a nested config's `gitignore: false` holds for its folder, in lint and in the editor", () => {
  let root: string;
  let client: LspClient;
  const bundle = (name: string) =>
    `name: ${name}\npolicyType: cost_limit\nenforcementMode: block\nruleDefinition: {daily_budget: 5}\n`;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'pl-nested-git-'));
    execFileSync('git', ['init', '-q', root]);
    const files: Record<string, string> = {
      '.gitignore': 'generated/\n',
      'policies/kept.yaml': bundle('kept'),
      'policies/generated/ignored.yaml': bundle('ignored'),
      // Generated policies this team commits on purpose: its config turns .gitignore off.
      'vendored/policylens.config.yaml': 'gitignore: false\n',
      'vendored/generated/vendored.yaml': bundle('vendored'),
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    client = new LspClient();
    await client.initialize({ rootUri: fileUri(root) });
  });
  after(async () => {
    await client.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('scans and lints the same files', async () => {
    const ci = lintVerdicts(root, ['.'], []);
    assert.deepEqual(Object.keys(ci).sort(), ['policies/kept.yaml', 'vendored/generated/vendored.yaml']);
    const order = await client.request<{ entries: { name: string }[] }>('policyLens/chainOrder', {});
    assert.deepEqual(order.entries.map((e) => e.name).sort(), ['kept', 'vendored']);
  });
});
