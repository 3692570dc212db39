// The workspace scan honours .gitignore as `policylens lint` does (in a git repository, unless the
// config says `gitignore: false`): the chain the editor builds has no bundle from an ignored folder.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';

const bundle = (name: string) =>
  `name: ${name}\npolicyType: pii_access\nenforcementMode: block\nruleDefinition:\n  denied_pii_types: [ssn]\n`;

const CASES: { why: string; files: Record<string, string>; names: string[] }[] = [
  {
    why: 'a repository: the ignored folder is not scanned',
    files: { '/ws/.git/HEAD': 'ref: refs/heads/main\n', '/ws/.gitignore': 'generated/\n' },
    names: ['kept'],
  },
  {
    why: 'a .gitignore deeper down, with a negation',
    files: {
      '/ws/.git/HEAD': 'ref: refs/heads/main\n',
      '/ws/policies/.gitignore': '*.local.yaml\n!keep.local.yaml\n',
      '/ws/policies/me.local.yaml': bundle('mine'),
      '/ws/policies/keep.local.yaml': bundle('shared'),
    },
    names: ['gen', 'kept', 'shared'],
  },
  {
    why: 'the repository root above the workspace folder',
    files: { '/.git/HEAD': 'ref: refs/heads/main\n', '/.gitignore': 'ws/generated/\n' },
    names: ['kept'],
  },
  {
    // As lint walks a folder it is given, even one git ignores (the bench's generated corpora are
    // such folders): only what lies below the workspace folder is matched.
    why: 'the workspace folder itself ignored by the enclosing repository',
    files: { '/.git/HEAD': 'ref: refs/heads/main\n', '/.gitignore': 'ws/\n/ws/generated/\n' },
    names: ['kept'],
  },
  {
    why: "the repository's info/exclude",
    files: { '/ws/.git/HEAD': 'ref: refs/heads/main\n', '/ws/.git/info/exclude': 'generated/\n' },
    names: ['kept'],
  },
  {
    why: 'a .gitignore overrides info/exclude',
    files: {
      '/ws/.git/HEAD': 'ref: refs/heads/main\n',
      '/ws/.git/info/exclude': '*.local.yaml\n',
      '/ws/policies/.gitignore': '!keep.local.yaml\n',
      '/ws/policies/me.local.yaml': bundle('mine'),
      '/ws/policies/keep.local.yaml': bundle('shared'),
    },
    names: ['gen', 'kept', 'shared'],
  },
  {
    // A linked worktree's `.git` is a file; its info/ is the main repository's (`commondir`).
    why: "a worktree: the main repository's info/exclude",
    files: {
      '/ws/.git': 'gitdir: /repo/.git/worktrees/ws\n',
      '/repo/.git/worktrees/ws/commondir': '../..\n',
      '/repo/.git/info/exclude': 'generated/\n',
    },
    names: ['kept'],
  },
  {
    why: 'not a repository: .gitignore means nothing',
    files: { '/ws/.gitignore': 'generated/\n' },
    names: ['gen', 'kept'],
  },
  {
    why: 'the config turns it off',
    files: {
      '/ws/.git/HEAD': 'ref: refs/heads/main\n',
      '/ws/.gitignore': 'generated/\n',
      '/ws/policylens.config.yaml': 'gitignore: false\n',
    },
    names: ['gen', 'kept'],
  },
];

describe('the workspace scan honours .gitignore', () => {
  const servers: InProcessServer[] = [];
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  for (const c of CASES)
    it(c.why, async () => {
      const s = startInProcess({
        files: {
          '/ws/policies/kept.yaml': bundle('kept'),
          '/ws/generated/gen.yaml': bundle('gen'),
          ...c.files,
        },
      });
      servers.push(s);
      await s.client.initialize({ rootUri: 'file:///ws' });
      const order = await s.client.request<{ entries: { name: string }[] }>('policyLens/chainOrder', {});
      assert.deepEqual(order.entries.map((e) => e.name).sort(), c.names);
    });
});
