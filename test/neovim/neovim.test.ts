// A second real client: Debian's Neovim (0.7) drives `node dist/server.js --stdio` headless through its
// built-in LSP client (test/neovim/drive.lua, started the way docs/editors.md configures it). Neovim
// declares no snippets, no documentChanges and no file watching, so this also proves the server's
// fallbacks for such clients. `npm test` installs neovim first (scripts/neovim-setup.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const NVIM = '/usr/bin/nvim';

const FILES: Record<string, string> = {
  // A misspelt key (its quick-fix is applied) and an invalid value (fixed by an edit).
  'policies/guard.yaml':
    'name: pii-guard\npolcyType: pii_access\nenforcementMode: allow\nruleDefinition: {}\n',
  'policies/review.yaml':
    'name: security-review\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\nprerequisites: [pii-guard]\n',
  // A cycle that a write to b.yaml on disk (not in the editor) breaks.
  'policies/a.yaml':
    'name: policy-a\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\nprerequisites: [policy-b]\n',
  'policies/b.yaml':
    'name: policy-b\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\nprerequisites: [policy-a]\n',
};

type Steps = Record<string, unknown>;
let steps: Steps = {};
let applied: unknown;
let dir = '';

before(() => {
  // Installed by scripts/neovim-setup.mjs (an `npm test` step) when missing.
  if (!existsSync(NVIM)) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'neovim-setup.mjs')], { stdio: 'inherit' });
    assert.equal(r.status, 0, 'neovim could be installed');
  }
  dir = mkdtempSync(join(tmpdir(), 'policylens-nvim-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const out = join(dir, 'result.json');
  const r = spawnSync(NVIM, ['--headless', '--clean', '-u', join(__dirname, 'drive.lua')], {
    env: {
      ...process.env,
      POLICYLENS_SERVER: join(ROOT, 'dist', 'server.js'),
      POLICYLENS_WS: dir,
      POLICYLENS_OUT: out,
      HOME: dir,
      XDG_STATE_HOME: join(dir, 'state'),
      XDG_DATA_HOME: join(dir, 'data'),
    },
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.ok(existsSync(out), `neovim wrote its result (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { steps: Steps; applied?: unknown };
  steps = result.steps;
  applied = result.applied;
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Neovim as the client (headless, built-in LSP)', () => {
  it('publishes diagnostics after open and after an edit', () => {
    assert.deepEqual(steps['diagnostics after open'], ['schema/enum', 'schema/unknown-key']);
    assert.deepEqual(steps['diagnostics after an edit'], ['schema/unknown-key']);
  });

  it('applies a quick-fix', () => {
    assert.equal(applied, 'Rename "polcyType" to "policyType"');
    assert.equal((steps['a code action applied'] as { line: string }).line, 'policyType: pii_access');
  });

  it('completes a policyType value in plain text (Neovim 0.7 takes no snippets)', () => {
    const items = steps['completion at a policyType value'] as { label: string; format: number }[];
    assert.ok(
      items.some((i) => i.label === 'tool_call'),
      JSON.stringify(steps['completion at a policyType value']),
    );
    assert.deepEqual(
      items.filter((i) => i.format !== 1),
      [],
    );
  });

  it('renames a policy across files', () => {
    assert.deepEqual(steps['rename across files'], {
      review: 'prerequisites: [pii-shield]',
      guard: 'name: pii-shield',
    });
  });

  it('picks up a file changed on disk (the server watches for a client that cannot)', () => {
    assert.deepEqual(steps['cycle before'], ['chain/cycle']);
    assert.deepEqual(steps['a file changed on disk'], []);
  });
});
