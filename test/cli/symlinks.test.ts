// Symbolic links to policy files (found by a field test): an alias to a file the walk reaches anyway
// (`cost-current.yaml -> cost-2026-12.yaml`) was a second policy of the same name (two
// chain/duplicate-name errors, the policy listed twice by chain and evaluated twice by eval), and a
// link to a file that no longer exists was skipped without a word. An alias is now linted once,
// under the target's name; a link to a file outside the walked folder is linted once whatever
// number of links name it; a broken link is an unreadable file (exit 1).
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDir } from '../sync/harness';

const bundle = (name: string) =>
  `name: ${name}\npolicyType: cost_limit\nenforcementMode: block\nruleDefinition:\n  max_cost_per_execution: 5\n`;

let dir = '';
before(() => {
  dir = tempDir('symlinks');
  mkdirSync(join(dir, 'policies'));
  mkdirSync(join(dir, 'shared'));
  writeFileSync(join(dir, 'policies', 'cost-2026-12.yaml'), bundle('Daily Cost Limit'));
  // Sorted before its target, and after it: either way one policy.
  symlinkSync('cost-2026-12.yaml', join(dir, 'policies', 'a-cost-current.yaml'));
  symlinkSync('cost-2026-12.yaml', join(dir, 'policies', 'z-cost-current.yaml'));
  // Two links to one file outside the walked folder: linted once, under the first link's name.
  writeFileSync(join(dir, 'shared', 'org.yaml'), bundle('Org Cost Cap'));
  symlinkSync('../shared/org.yaml', join(dir, 'policies', 'org.yaml'));
  symlinkSync('../shared/org.yaml', join(dir, 'policies', 'org-again.yaml'));
});
after(() => removeDir(dir));

interface Report {
  files: { file: string; error?: string; findings: { code: string }[] }[];
}

describe('symbolic links to policy files', () => {
  it('an alias is one policy, and a file outside the folder is linted once', async () => {
    const r = await runCli(['lint', 'policies', '--format', 'json'], {}, dir);
    assert.equal(r.status, 0, r.stdout);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(
      report.files.map((f) => f.file),
      ['policies/cost-2026-12.yaml', 'policies/org-again.yaml'],
    );
    const chain = await runCli(['chain', 'policies', '--format', 'json'], {}, dir);
    assert.equal(chain.status, 0, chain.stdout + chain.stderr);
    const order = JSON.parse(chain.stdout) as {
      entries: { name: string; file: string }[];
      duplicateNames: unknown[];
    };
    assert.deepEqual(order.entries.map((e) => [e.name, e.file]).sort(), [
      ['Daily Cost Limit', 'policies/cost-2026-12.yaml'],
      ['Org Cost Cap', 'policies/org-again.yaml'],
    ]);
    assert.deepEqual(order.duplicateNames, []);
  });

  it('a link to a file that does not exist is an unreadable file, exit 1', async () => {
    symlinkSync('pii-protection.yaml', join(dir, 'policies', 'pii-current.yaml'));
    const r = await runCli(['lint', 'policies', '--format', 'json'], {}, dir);
    assert.equal(r.status, 1, r.stdout);
    const broken = (JSON.parse(r.stdout) as Report).files.find((f) => f.file === 'policies/pii-current.yaml');
    assert.match(broken?.error ?? '', /broken symbolic link/);
    const text = await runCli(['lint', 'policies'], {}, dir);
    assert.match(text.stdout, /pii-current\.yaml .*broken symbolic link/);
  });
});

describe('--fix on a symbolic link', () => {
  it('writes through the link: the file it names is fixed and the link stays a link', async () => {
    const root = tempDir('symlink-fix');
    try {
      mkdirSync(join(root, 'policies'));
      mkdirSync(join(root, 'shared'));
      // `log` is the legacy spelling that --fix rewrites to `log_only`.
      writeFileSync(
        join(root, 'shared', 'base.yaml'),
        'name: shared\npolicyType: tool_call\nenforcementMode: log\nruleDefinition: {tools: [a]}\n',
      );
      symlinkSync('../shared/base.yaml', join(root, 'policies', 'base.yaml'));
      const r = await runCli(['lint', '--fix', 'policies'], {}, root);
      assert.ok(r.status === 0 || r.status === 1, r.stdout + r.stderr);
      assert.ok(lstatSync(join(root, 'policies', 'base.yaml')).isSymbolicLink(), 'the link became a file');
      assert.match(readFileSync(join(root, 'shared', 'base.yaml'), 'utf8'), /enforcementMode: log_only\n/);
    } finally {
      removeDir(root);
    }
  });
});
