import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readPolicyText } from '../../server/src/cli/files';
import { analyze } from '../../server/src/core/index';
import { assertNormalLint as assertNormal, runCli, runCliAsync, type CliRun } from './support/cli';
import { HOSTILE, makeSymlinkLoop, makeWorkspace } from './support/hostile';
import { assertSpansInside, report } from './support/invariants';

// Hostile files through the engine and through the real CLI (`dist/cli.js lint`, a bounded heap,
// a safety timeout). Each ends in the finding it deserves or a clean skip, and the process exits
// normally: exit 0 or 1, nothing on stderr.

const dir = mkdtempSync(join(tmpdir(), 'policylens-hostile-'));
const counts = { files: 0, cliRuns: 0, racedReads: 0, walked: 0, abnormal: 0 };

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(
    `${counts.files} hostile files analysed, ${counts.cliRuns} CLI runs, ${counts.racedReads} reads of a file being rewritten, ${counts.walked}-file workspace walked, ${counts.abnormal} abnormal exits (crash, hang, out of memory)`,
  );
});

/** assertNormalLint, counting the runs that did not end normally for the summary line. */
function assertNormalLint(r: CliRun, context: string) {
  if (r.signal || (r.status !== 0 && r.status !== 1) || r.stderr) counts.abnormal++;
  return assertNormal(r, context);
}

const codesOf = (findings: readonly { code: string }[]): string[] =>
  [...new Set(findings.map((f) => f.code))].sort();

describe('hostile files', () => {
  before(() => {
    mkdirSync(join(dir, 'files'));
    for (const h of HOSTILE) writeFileSync(join(dir, 'files', h.fileName), h.bytes());
  });

  for (const h of HOSTILE) {
    it(`${h.name}: engine and CLI end in ${h.codes.join(', ') || 'no finding'}`, () => {
      const path = join(dir, 'files', h.fileName);
      const read = readPolicyText(path);
      assert.equal(read.kind, 'text', `${h.name}: refused by its size`);
      const { text, invalidEncoding } = read;
      const a = analyze(text, { fileName: h.fileName, invalidEncoding });
      counts.files++;
      assert.deepEqual(codesOf(a.findings), h.codes);
      assertSpansInside(a.findings, text, h.name);

      if (h.notRecognisable) {
        const skipped = runCli(['lint', path, '--format', 'json']);
        assert.equal(skipped.status, 2, 'not a policy: lint finds no policy file');
        assert.match(skipped.stderr, /no policy file found/);
        counts.cliRuns++;
      }
      const r = runCli([
        'lint',
        path,
        '--format',
        'json',
        ...(h.notRecognisable ? ['--dialect', 'execlave'] : []),
      ]);
      counts.cliRuns++;
      const rep = assertNormalLint(r, h.name);
      assert.equal(rep.files.length, 1);
      assert.equal(rep.files[0].error, undefined);
      assert.deepEqual(codesOf(rep.files[0].findings), h.codes);
      assert.equal(r.status, h.codes.length ? 1 : 0);
    });
  }
});

describe('the chain command over the hostile files', () => {
  it('policylens chain reads every hostile file and ends normally', () => {
    // The chain reads files with its own, validation-free parse: a deep file once crashed it.
    const r = runCli(['chain', join(dir, 'files')]);
    counts.cliRuns++;
    if (r.signal || (r.status !== 0 && r.status !== 1) || r.stderr) counts.abnormal++;
    assert.equal(r.signal, null, r.stderr);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr.slice(0, 500)}`);
    assert.equal(r.stderr, '');
  });
});

describe('a file that changes while it is read', () => {
  it('every read ends in findings or a clean result while a writer rewrites the file', async () => {
    const path = join(dir, 'racing.yaml');
    const valid =
      'name: racing\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n';
    writeFileSync(path, valid);
    // The writer truncates and rewrites the file in a loop: a reader sees the old text, the new
    // one, an empty file or half of either.
    const contents = [valid, valid.repeat(200), '{"name": "x", "policyType": [', '', 'name: "unterminated\n'];
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs'); const c = ${JSON.stringify(contents)}; let i = 0;
         for (;;) { fs.writeFileSync(${JSON.stringify(path)}, c[i++ % c.length]); }`,
      ],
      { stdio: 'ignore' },
    );
    try {
      // Forced to be a bundle: a read of the empty or half-written file is then reported, not skipped.
      const cli = Promise.all(
        [1, 2, 3, 4].map(() => runCliAsync(['lint', path, '--format', 'json', '--dialect', 'execlave'])),
      );
      for (let i = 0; i < 300; i++) {
        let read;
        try {
          read = readPolicyText(path);
        } catch (e) {
          assert.fail(`reading a file being rewritten threw: ${(e as Error).message}`);
        }
        assert.equal(read.kind, 'text');
        const a = analyze(read.text, { fileName: path, invalidEncoding: read.invalidEncoding });
        assertSpansInside(a.findings, read.text, 'racing read');
        counts.racedReads++;
        await new Promise((r) => setImmediate(r));
      }
      for (const r of await cli) {
        counts.cliRuns++;
        const rep = assertNormalLint(r, 'lint of a file being rewritten');
        assert.equal(rep.files.length, 1);
      }
    } finally {
      writer.kill();
    }
  });
});

describe('walking hostile directories', () => {
  it('a symlink loop in the walked directory ends, each policy is linted once, a broken link reported', () => {
    const root = join(dir, 'symlinks');
    mkdirSync(root);
    writeFileSync(
      join(root, 'only.yaml'),
      'name: only\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n',
    );
    makeSymlinkLoop(root);
    const r = runCli(['lint', root, '--format', 'json'], 30_000);
    counts.cliRuns++;
    const rep = assertNormalLint(r, 'lint of a symlink loop');
    // `file` is from the current directory (the run's, inherited): the name under the folder.
    // The link to nothing is an unreadable file (a policy whose link broke must not drop out).
    assert.deepEqual(
      rep.files.map((f) => [relative(root, resolve(f.file)), f.valid]),
      [
        ['loop/dangling.yaml', false],
        ['only.yaml', true],
      ],
    );
    assert.equal(r.status, 1);
  });

  it('a 50,000-file workspace with 10 policies: lint finds exactly the 10', () => {
    const ws = join(dir, 'workspace');
    makeWorkspace(ws, 50_000, 10);
    counts.walked += 50_000;
    const policies = runCli(['lint', join(ws, 'policies'), '--format', 'json'], 60_000);
    const whole = runCli(['lint', ws, '--format', 'json'], 120_000);
    counts.cliRuns += 2;
    for (const [name, r] of [
      ['policies/', policies],
      ['the whole workspace', whole],
    ] as const) {
      const rep = assertNormalLint(r, `lint of ${name}`);
      // The whole workspace holds the symlink loop's broken link: an unreadable file, exit 1.
      const policies = rep.files.filter((f) => !f.file.endsWith('dangling.yaml'));
      assert.equal(policies.length, 10, `${name}: ${rep.files.map((f) => f.file).join(', ')}`);
      assert.ok(
        policies.every((f) => f.valid),
        name,
      );
      assert.equal(rep.files.length - policies.length, name === 'policies/' ? 0 : 1);
      assert.equal(r.status, name === 'policies/' ? 0 : 1);
    }
  });
});
