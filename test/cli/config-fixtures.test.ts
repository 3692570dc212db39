import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cases, expectJson } from '../support/fixtures';

/**
 * Config, ignore and suppression cases as data (test/fixtures/config/<case>/): `workspace/` is
 * copied to a temporary directory (so neither this repository's config nor its .gitignore is
 * above it), `args.json` gives the CLI's arguments (`git: true` makes the copy a repository, and
 * `cwd` names the folder of the copy it runs in), and `expected.json` holds the exit status, the JSON
 * report or the error text. Files named `_gitignore` become `.gitignore` in the copy: a real one
 * would hide the fixture's own files from this repository; `_git` becomes `.git` (a worktree's
 * `.git` file marks a repository's root, and git refuses to track a path named `.git`); a top-level
 * `_git_info_exclude` becomes the new repository's `.git/info/exclude`.
 */
const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

function renameGitignores(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) renameGitignores(p);
    else if (name === '_gitignore') renameSync(p, join(dir, '.gitignore'));
    else if (name === '_git') renameSync(p, join(dir, '.git'));
  }
}

describe('config, ignores and suppressions (test/fixtures/config)', () => {
  for (const c of cases('config')) {
    it(c.name, () => {
      const spec = JSON.parse(readFileSync(join(c.dir, 'args.json'), 'utf8')) as
        string[] | { args: string[]; git?: boolean; cwd?: string };
      const { args, git, cwd } = Array.isArray(spec) ? { args: spec, git: false, cwd: undefined } : spec;
      const root = mkdtempSync(join(tmpdir(), 'pl-config-'));
      try {
        cpSync(join(c.dir, 'workspace'), root, { recursive: true });
        renameGitignores(root);
        if (git) {
          execFileSync('git', ['init', '-q', root]);
          if (existsSync(join(root, '_git_info_exclude')))
            renameSync(join(root, '_git_info_exclude'), join(root, '.git', 'info', 'exclude'));
        }
        const r = spawnSync(process.execPath, [CLI, ...args], {
          cwd: cwd ? join(root, cwd) : root,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
          timeout: 60_000,
        });
        const stdout = r.stdout.trim().startsWith('{') ? JSON.parse(r.stdout) : r.stdout;
        expectJson(join(c.dir, 'expected.json'), {
          status: r.status,
          stdout,
          // The command's help after a usage error is the golden CLI tests' business, not these cases'.
          stderr: r.stderr.split(root).join('<tmp>').split('\n\nUsage:')[0],
        });
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('the fixtures cover findings, usage errors and ignores', () => {
    assert.ok(cases('config').length >= 6);
  });
});
