/**
 * The paths of the CI reports (GitHub annotations, SARIF, GitLab Code Quality) are from the root of
 * the git repository that holds the file, since GitHub and GitLab resolve them there, wherever lint
 * ran; text and JSON keep the path from the current directory. Outside a repository every format
 * names files from the current directory.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');
const POLICY = 'name: g\npolicyType: tool_cal\nenforcementMode: block\nruleDefinition: {tools: [a]}\n';
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A folder `r` holding services/agent/policies/g.yaml (invalid), and `.git` as `git` is given. */
function repo(git: 'dir' | 'file' | 'none'): string {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-ci-paths-'));
  dirs.push(dir);
  const root = join(dir, 'r');
  mkdirSync(join(root, 'services', 'agent', 'policies'), { recursive: true });
  mkdirSync(join(root, 'services', 'other'));
  // A worktree or a submodule has a `.git` file that names the real git directory.
  if (git === 'dir') mkdirSync(join(root, '.git'));
  if (git === 'file') writeFileSync(join(root, '.git'), 'gitdir: /elsewhere/.git/worktrees/r\n');
  writeFileSync(join(root, 'services', 'agent', 'policies', 'g.yaml'), POLICY);
  return root;
}

/** The one path each format names, for `lint <arg>` run in `cwd`. */
function pathsIn(cwd: string, arg: string): Record<string, string> {
  const run = (format: string) => {
    const { FORCE_COLOR: _force, ...env } = process.env;
    const r = spawnSync(process.execPath, [CLI, 'lint', arg, '--format', format], {
      cwd,
      encoding: 'utf8',
      env: { ...env, NO_COLOR: '1' },
    });
    assert.equal(r.status, 1, r.stderr);
    return r.stdout;
  };
  const sarif = JSON.parse(run('sarif')) as {
    runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  const json = JSON.parse(run('json')) as { files: { file: string }[] };
  return {
    github: /::error file=([^,]+),/.exec(run('github'))![1],
    sarif: sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
    gitlab: (JSON.parse(run('gitlab')) as { location: { path: string } }[])[0].location.path,
    json: json.files[0].file,
    text: /^(\S+):\d+:\d+: error:/m.exec(run('text'))![1],
  };
}

describe('CI report paths', () => {
  for (const git of ['dir', 'file'] as const)
    it(`are from the repository's root (.git ${git === 'dir' ? 'folder' : 'file'}); text and JSON from the current directory`, () => {
      const root = repo(git);
      const fromRoot = 'services/agent/policies/g.yaml';
      assert.deepEqual(pathsIn(join(root, 'services', 'agent'), 'policies'), {
        github: fromRoot,
        sarif: fromRoot,
        gitlab: fromRoot,
        json: 'policies/g.yaml',
        text: 'policies/g.yaml',
      });
      // From a sibling folder the SARIF URI started with `../`, which no service resolves.
      assert.deepEqual(pathsIn(join(root, 'services', 'other'), '../agent/policies'), {
        github: fromRoot,
        sarif: fromRoot,
        gitlab: fromRoot,
        json: '../agent/policies/g.yaml',
        text: '../agent/policies/g.yaml',
      });
    });

  it('are from the current directory outside a repository', () => {
    const root = repo('none');
    const here = 'policies/g.yaml';
    assert.deepEqual(pathsIn(join(root, 'services', 'agent'), 'policies'), {
      github: here,
      sarif: here,
      gitlab: here,
      json: here,
      text: here,
    });
  });
});
