// `policylens lint` lints policies only: files of other tools (test/fixtures/detect/foreign/) are
// skipped, and near-policies (test/fixtures/detect/near/) are linted and fail.
import assert from 'node:assert/strict';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { filesUnder } from '../support/tree';
import { runCli } from '../support/cli';
import { FIXTURES } from '../support/fixtures';

const FOREIGN = join(FIXTURES, 'detect', 'foreign');
const NEAR = join(FIXTURES, 'detect', 'near');
const ROOT = join(FIXTURES, '..', '..');
const foreign = filesUnder(FOREIGN);

describe('lint and files that are not policies', () => {
  it('a directory of other tools’ files: no finding, exit 2 (no policy file found)', () => {
    const r = runCli(['lint', FOREIGN]);
    assert.equal(r.stdout, '');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`no policy file found .*\\(${foreign.length} YAML/JSON files skipped`));
  });

  it('each of them named on the command line is skipped too (a pre-commit hook names them)', () => {
    const r = runCli(['lint', ...foreign.map((f) => join(FOREIGN, f)), '--format', 'json']);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
  });

  it('--verbose lists every skipped file', () => {
    const r = runCli(['lint', FOREIGN, '--verbose']);
    assert.match(r.stderr, new RegExp(`skipped ${foreign.length} YAML/JSON files that are not a policy`));
    for (const f of foreign) assert.ok(r.stderr.includes(`  ${f}\n`), f);
  });

  it('--pass-on-no-policy turns "no policy file found" into success', () => {
    const r = runCli(['lint', FOREIGN, '--pass-on-no-policy']);
    assert.equal(r.status, 0, r.stderr);
  });

  it('policies next to them are linted alone', () => {
    const r = runCli(['lint', FOREIGN, join('examples', 'policies'), '--format', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { files: { file: string }[] };
    assert.equal(report.files.length, 7);
  });

  it('near-policies are linted and flagged', () => {
    const r = runCli(['lint', NEAR, '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { files: { file: string; findings: unknown[] }[] };
    assert.deepEqual(
      report.files.map((f) => f.file),
      // From the current directory (the repository's root), as the text report's finding lines.
      filesUnder(NEAR)
        .filter((f) => f !== 'expected.json')
        .map((f) => relative(ROOT, join(NEAR, f)).split(sep).join('/')),
    );
    for (const f of report.files) assert.ok(f.findings.length > 0, `${f.file} is flagged`);
  });

  it('--dialect forces every file; an unknown dialect is a usage error with a suggestion', () => {
    const forced = runCli(['lint', join(FOREIGN, 'policies', 'opa-data.json'), '--dialect', 'execlave']);
    assert.equal(forced.status, 1);
    const typo = runCli(['lint', 'examples/policies', '--dialect', 'execlav']);
    assert.equal(typo.status, 2);
    assert.match(typo.stderr, /unknown dialect "execlav"; did you mean "execlave"\?/);
    assert.equal(runCli(['lint', 'examples/policies', '--dialect', 'nonsense']).status, 2);
  });
});
