// `policylens lint` checks policy test files as the editor does: for each test file of the fixture,
// lint's findings (`--format json`) are the language server's diagnostics of the file opened in a
// workspace of the same folder, code, severity, message and range alike. The server is the built
// one over stdio, the CLI the built one spawned; both read the fixture from the disk.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient, type Diagnostic } from '../lsp/client';
import { runCli } from '../support/cli';

const ROOT = join(__dirname, '..', '..');
const CASE = 'test/fixtures/cli/lint-policytest';
const SEVERITY: Record<string, number> = { error: 1, warning: 2, info: 3, hint: 4 };

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface LintFile {
  file: string;
  dialect: string;
  findings: { code: string; severity: string; message: string; range: Range }[];
}

const shown = (d: Diagnostic[]) =>
  d.map((x) => ({ code: String(x.code), severity: x.severity, message: x.message, range: x.range }));

describe('lint of policy test files is the editor’s check of them', () => {
  let client: LspClient;
  let files: LintFile[];
  before(async () => {
    const r = runCli(['lint', CASE, '--format', 'json']);
    files = (JSON.parse(r.stdout) as { files: LintFile[] }).files.filter((f) => f.dialect === 'policytest');
    client = new LspClient();
    await client.initialize({ rootUri: fileUri(join(ROOT, CASE)) });
  });
  after(async () => {
    await client.shutdown();
  });

  it('lints every test file the walk takes (the excluded draft is left out)', () => {
    assert.deepEqual(
      files.map((f) => f.file),
      [`${CASE}/tests/guard.policytest.yaml`, `${CASE}/tests/moved.policytest.yaml`],
    );
  });

  for (const name of ['guard', 'moved'])
    it(`${name}.policytest.yaml: the same findings, at the same places`, async () => {
      const path = join(ROOT, CASE, 'tests', `${name}.policytest.yaml`);
      const uri = fileUri(path);
      const lint = files.find((f) => f.file.endsWith(`/${name}.policytest.yaml`))!;
      const expected = lint.findings.map((f) => ({
        code: f.code,
        severity: SEVERITY[f.severity],
        message: f.message,
        range: f.range,
      }));
      // The config (a severity it changes) is read once the server is initialised: the editor's
      // diagnostics are taken once they have as many findings as lint's with the config applied.
      const same = (d: Diagnostic[]) => JSON.stringify(shown(d)) === JSON.stringify(expected);
      const published = client.waitForDiagnosticsWhere(uri, (p) => same(p.diagnostics));
      client.open(uri, readFileSync(path, 'utf8'));
      const p = await published.catch(() => undefined);
      const last = client.diagnostics.filter((d) => d.uri === uri).at(-1);
      assert.ok(expected.length > 0);
      assert.deepEqual(shown((p ?? last)?.diagnostics ?? []), expected);
    });
});

describe('lint --cache and policy test files', () => {
  it('a test file is checked again when a policy it runs against changes', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'policylens-testfile-cache-'));
    try {
      cpSync(join(ROOT, CASE), tmp, { recursive: true });
      const cache = join(tmp, 'cache.json');
      const messages = () => {
        const r = runCli(['lint', tmp, '--cache', '--cache-location', cache, '--format', 'json']);
        return (JSON.parse(r.stdout) as { files: LintFile[] }).files
          .filter((f) => f.file.endsWith('guard.policytest.yaml'))
          .flatMap((f) =>
            f.findings.filter((x) => x.code === 'policytest/unknown-policy').map((x) => x.message),
          );
      };
      const before = messages();
      assert.deepEqual(before, [
        '"no-delete" is no policy of ../policies (1 policy); did you mean "no-deletes"?',
      ]);
      assert.deepEqual(messages(), before, 'a warm run says the same');
      // The policy takes the name the test expects: the warning goes, though the test file is unchanged.
      const policy = join(tmp, 'policies', 'no-deletes.yaml');
      writeFileSync(policy, readFileSync(policy, 'utf8').replace('name: no-deletes', 'name: no-delete'));
      assert.deepEqual(messages(), []);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
