// `policylens lint` on several threads (server/src/cli/lint/pool.ts) must say exactly what it says
// on one: the same findings, in the same order, with the cross-file chain findings that need every
// file's facts in one place.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildWorkspace } from '../../bench/corpus';
import { lintAll, threadsFor } from '../../server/src/cli/lint/pool';
import { runCli } from '../support/cli';

const root = mkdtempSync(join(tmpdir(), 'policylens-threads-'));
after(() => rmSync(root, { recursive: true, force: true }));

// 700 generated bundles (YAML and JSON, about 10% with a planted error, a few prerequisite cycles).
const { files, texts } = buildWorkspace(700, 7);
files.forEach((f, i) => {
  mkdirSync(dirname(join(root, f.path)), { recursive: true });
  writeFileSync(join(root, f.path), texts[i]);
});
// One bundle that cannot be parsed, and one that is not UTF-8 (each recognisable by its keys).
writeFileSync(join(root, 'policies', 'zz-broken.yaml'), 'policyType: tool_call\nname: [unclosed\n');
writeFileSync(
  join(root, 'policies', 'zz-latin1.yaml'),
  Buffer.from('policyType: tool_call\nname: caf\xe9 policy\n', 'latin1'),
);

describe('lint on several threads', () => {
  it('prints the same report on 1, 2 and 3 threads, in every format', () => {
    for (const format of ['json', 'text', 'sarif']) {
      const one = runCli(['lint', root, '--format', format, '--concurrency', '1']);
      assert.equal(one.status, 1, one.stderr);
      for (const threads of ['2', '3']) {
        const many = runCli(['lint', root, '--format', format, '--concurrency', threads]);
        assert.equal(many.stderr, one.stderr);
        assert.equal(many.status, one.status);
        assert.equal(many.stdout, one.stdout, `${format} on ${threads} threads`);
      }
      if (format === 'json') {
        const report = JSON.parse(one.stdout) as { files: { findings: { code: string }[] }[] };
        const codes = report.files.flatMap((f) => f.findings.map((x) => x.code));
        assert.equal(report.files.length, 702);
        assert.ok(codes.includes('chain/cycle'), 'cross-file cycles are found');
        assert.ok(codes.includes('yaml/syntax'), 'the broken file is reported');
        assert.ok(codes.includes('parse/encoding'), 'the Latin-1 file is reported');
        assert.ok(codes.filter((c) => c.startsWith('schema/')).length >= 50, 'planted errors are found');
      }
    }
  });

  it('rejects a concurrency that is not a number, auto or off', () => {
    const r = runCli(['lint', root, '--concurrency', 'many']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--concurrency wants a number, auto or off/);
  });

  it('loses no file when a worker cannot start: this thread lints its share', async () => {
    const paths = files.map((f) => join(root, f.path));
    const alone = await lintAll(paths, [], 1, undefined);
    const broken = await lintAll(paths, [], 3, join(root, 'no-such-worker.js'));
    assert.equal(broken.length, paths.length);
    assert.deepEqual(broken, alone);
  });

  it('auto uses a thread per two cores, and no worker for a small set', () => {
    assert.equal(threadsFor(5000, 'auto', 2), 1);
    assert.equal(threadsFor(5000, 'auto', 4), 2);
    assert.equal(threadsFor(5000, 'auto', 16), 4);
    assert.equal(threadsFor(100, 'auto', 16), 1);
    assert.equal(threadsFor(700, 'auto', 16), 3);
    assert.equal(threadsFor(10, 3), 3);
  });
});
