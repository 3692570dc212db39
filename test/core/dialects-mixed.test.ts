// `policylens lint` over examples/mixed, a folder with every dialect: the CLI (dist/cli.js, built
// by `npm test`) detects each file's dialect and reports the same findings as the engine. The
// expectation is test/fixtures/dialects/mixed/expected.json (UPDATE_FIXTURES=1 rewrites it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../server/src/core/index';
import { expectJson } from '../support/fixtures';

const ROOT = join(__dirname, '..', '..');
const MIXED = join(ROOT, 'examples', 'mixed');

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

test('examples/mixed: each file is detected as its dialect, with its findings', () => {
  const summary = files(MIXED).map((f) => {
    const result = analyze(readFileSync(f, 'utf8'), { fileName: f });
    return {
      file: relative(MIXED, f),
      dialect: result.dialect.id,
      findings: result.findings.map((x) => `${x.severity} ${x.code} ${x.path ?? ''}`.trim()),
    };
  });
  expectJson(join(ROOT, 'test', 'fixtures', 'dialects', 'mixed', 'expected.json'), summary);
  assert.deepEqual(
    new Set(summary.map((s) => s.dialect)),
    new Set(['execlave', 'preloop', 'agentsentinel', 'callguard']),
  );
});

test('policylens lint examples/mixed reports every dialect and exits 1 for the invalid file', () => {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lint', '--format', 'json', MIXED], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 1, run.stderr);
  const report = JSON.parse(run.stdout) as {
    files: { file: string; dialect: string; valid: boolean; findings: { code: string }[] }[];
  };
  const expected = JSON.parse(
    readFileSync(join(ROOT, 'test', 'fixtures', 'dialects', 'mixed', 'expected.json'), 'utf8'),
  ) as { file: string; dialect: string; findings: string[] }[];
  assert.equal(report.files.length, expected.length);
  for (const e of expected) {
    const got = report.files.find((f) => f.file.endsWith(e.file));
    assert.ok(got, `${e.file} is linted`);
    assert.equal(got.dialect, e.dialect, e.file);
    assert.deepEqual(
      got.findings.map((f) => f.code),
      e.findings.map((f) => f.split(' ')[1]),
      e.file,
    );
  }
  const invalid = report.files.filter((f) => !f.valid).map((f) => f.file);
  assert.equal(invalid.length, 1);
  assert.match(invalid[0], /preloop[\\/]ops-guard\.yaml$/);
});
