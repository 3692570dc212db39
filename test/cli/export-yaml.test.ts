// `policylens export` of live values that YAML gives a meaning of its own (the org's JSON holds them
// as plain strings): each is written so that lint finds no error in the file, export says nothing
// on stderr, and sync then finds the policy in sync. Run as a process against a registry on loopback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { api, type LiveRegistry, registryPerFile, runCli, tempDir } from '../sync/harness';

const POLICY = { policyType: 'expression', enforcementMode: 'block', ruleDefinition: { expression: 'true' } };

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

/** A new org holding `policies`, and the environment that reaches it. */
async function org(name: string, policies: Record<string, unknown>[]): Promise<Record<string, string>> {
  const { key } = await live.registry.createApiKey(name, 'user_123');
  for (const p of policies) {
    const res = await api({ url: live.url, key }, 'POST', '/policies', p);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  return { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
}

/** Exports into a fresh folder; returns the folder, after checking that sync finds it in sync. */
async function exportedInSync(env: Record<string, string>): Promise<string> {
  const cwd = tempDir('export-yaml');
  dirs.push(cwd);
  const r = await runCli(['export', 'policies'], env, cwd);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, '');
  const sync = await runCli(['sync', 'policies', '--exit-code'], env, cwd);
  assert.equal(sync.status, 0, sync.stdout + sync.stderr);
  assert.match(sync.stdout, /\nNo changes pending: the live org is in sync\.\n$/);
  return join(cwd, 'policies');
}

describe('policylens export: values YAML reads in its own way', () => {
  it('a metadata key "<<" is quoted (a plain one is YAML 1.1’s merge key, a lint error)', async () => {
    const env = await org('export-merge-key', [
      { name: 'merge', ...POLICY, metadata: { '<<': { owner: 'a' }, note: '<<' } },
    ]);
    const dir = await exportedInSync(env);
    assert.equal(
      readFileSync(join(dir, 'merge.yaml'), 'utf8'),
      'name: merge\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\n' +
        'metadata:\n  "<<":\n    owner: a\n  note: "<<"\n',
    );
  });

  it('"=" is quoted, as a key and as a value (plain, YAML 1.1’s value key, which PyYAML refuses)', async () => {
    const env = await org('export-value-key', [
      { name: 'value-key', ...POLICY, metadata: { '=': 'equals', operator: '=' } },
    ]);
    const dir = await exportedInSync(env);
    assert.equal(
      readFileSync(join(dir, 'value-key.yaml'), 'utf8'),
      'name: value-key\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\n' +
        'metadata:\n  "=": equals\n  operator: "="\n',
    );
  });

  it('a string that starts with a tag or a directive ("!t", "%x") is quoted, without a warning', async () => {
    const env = await org('export-tags', [
      { name: '!important', ...POLICY, metadata: { tag: '!t', directive: '%YAML 1.1', local: '!!str x' } },
    ]);
    const dir = await exportedInSync(env);
    assert.equal(
      readFileSync(join(dir, 'important.yaml'), 'utf8'),
      'name: "!important"\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\n' +
        'metadata:\n  directive: "%YAML 1.1"\n  local: "!!str x"\n  tag: "!t"\n',
    );
  });
});
