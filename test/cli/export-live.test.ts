// `policylens export` against a real registry (policylens serve, in this process on PGlite): an org
// seeded from test/fixtures/export/seed.json is exported into an empty folder, the files are compared
// with the fixtures (UPDATE_FIXTURES=1 rewrites them), and the round trip is checked with the CLI
// itself: sync finds every policy in sync, lint finds no error, a second export writes nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, UPDATE, expectText } from '../support/fixtures';
import { api, type LiveRegistry, registryPerFile, runCli, tempDir, writeFiles } from '../sync/harness';

const CASE = join(FIXTURES, 'export');
const SEED = JSON.parse(readFileSync(join(CASE, 'seed.json'), 'utf8')) as Record<string, unknown>[];

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

/** A new org holding `policies` (created in order; prerequisites given by name become ids). */
async function seededOrg(org: string, policies = SEED): Promise<Record<string, string>> {
  const { key } = await live.registry.createApiKey(org, 'user_123');
  const ids = new Map<string, string>();
  for (const p of policies) {
    const prerequisites = ((p.prerequisites as string[] | undefined) ?? []).map((n) => ids.get(n) ?? n);
    const res = await api({ url: live.url, key }, 'POST', '/policies', { ...p, prerequisites });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.set(p.name as string, res.body.data.id as string);
  }
  return { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key };
}

/** A fresh working directory; the CLI runs in it, so paths print as `policies/…`. */
function workdir(): string {
  const d = tempDir('export');
  dirs.push(d);
  return d;
}

/** Every file of a folder and its text. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

/** The files against the fixture folder `expected`; UPDATE_FIXTURES=1 rewrites the folder. */
function expectFiles(expected: string, actual: Record<string, string>): void {
  if (UPDATE) {
    rmSync(expected, { recursive: true, force: true });
    writeFiles(expected, actual);
    return;
  }
  assert.deepEqual(Object.keys(actual), readdirSync(expected).sort(), `the files of ${expected}`);
  for (const [f, text] of Object.entries(actual))
    assert.equal(text, readFileSync(join(expected, f), 'utf8'), f);
}

const POLICY = { policyType: 'expression', enforcementMode: 'block', ruleDefinition: { expression: 'true' } };

/** The output with the registry's port, which changes from run to run, as `PORT`. */
const portless = (text: string) => text.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');

describe('policylens export against policylens serve', () => {
  for (const format of ['yaml', 'json'])
    it(`--format ${format}: writes the undeclared policies, and sync and lint agree with them`, async () => {
      const env = await seededOrg(`export-${format}`);
      const cwd = workdir();
      const r = await runCli(['export', 'policies', '--format', format], env, cwd);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      expectText(join(CASE, `stdout-${format}.txt`), portless(r.stdout));
      const written = filesOf(join(cwd, 'policies'));
      expectFiles(join(CASE, `expected-${format}`), written);

      const sync = await runCli(['sync', 'policies', '--exit-code'], env, cwd);
      assert.equal(sync.status, 0, sync.stdout + sync.stderr);
      assert.equal((sync.stdout.match(/^ {2}= no-op /gm) ?? []).length, SEED.length, sync.stdout);
      assert.match(sync.stdout, /\nNo changes pending: the live org is in sync\.\n$/);
      const lint = await runCli(['lint', 'policies', '--format', 'json'], env, cwd);
      assert.equal(lint.status, 0, lint.stdout);
      assert.equal(JSON.parse(lint.stdout).summary.errors, 0);

      const again = await runCli(['export', 'policies', '--format', format], env, cwd);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(
        portless(again.stdout),
        `Export from org "export-${format}" at 127.0.0.1:PORT into policies:\n  (nothing to export)\n\n` +
          `Nothing to export: each of the ${SEED.length} policies of the live org is declared by a bundle under policies.\n`,
      );
      assert.deepEqual(filesOf(join(cwd, 'policies')), written, 'a second export writes nothing');
    });

  it('--dry-run prints the files and their text, and writes nothing', async () => {
    const env = await seededOrg('export-dry');
    const cwd = workdir();
    const r = await runCli(['export', 'policies', '--dry-run'], env, cwd);
    assert.equal(r.status, 0, r.stderr);
    expectText(join(CASE, 'stdout-dry-run.txt'), portless(r.stdout));
    assert.deepEqual(readdirSync(cwd), [], 'not even the folder');
  });

  it('an existing bundle is not rewritten, and no file is overwritten, in any case', async () => {
    const env = await seededOrg('export-existing');
    const cwd = workdir();
    const mine =
      'name: Cost cap\npolicyType: cost_limit\nenforcementMode: log_only\nruleDefinition:\n  daily_budget: 50\n';
    const notes = '# not a policy\ntitle: notes about PII\n';
    writeFiles(join(cwd, 'policies'), { 'cost-cap.yaml': mine, 'BLOCK-PII-EXFILTRATION.yaml': notes });
    const before = statSync(join(cwd, 'policies', 'cost-cap.yaml')).mtimeMs;
    const r = await runCli(['export', 'policies'], env, cwd);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}\+ "Block PII exfiltration" +→ policies\/block-pii-exfiltration-2\.yaml$/m);
    assert.match(r.stdout, /^ {2}\+ "Cost-Cap" +→ policies\/cost-cap-2\.yaml$/m);
    assert.doesNotMatch(r.stdout, /"Cost cap"/);
    assert.match(
      r.stdout,
      /\n1 policy of the live org is declared by a bundle under policies already, and left alone\.\n/,
    );
    const files = filesOf(join(cwd, 'policies'));
    assert.equal(files['cost-cap.yaml'], mine);
    assert.equal(files['BLOCK-PII-EXFILTRATION.yaml'], notes);
    assert.equal(statSync(join(cwd, 'policies', 'cost-cap.yaml')).mtimeMs, before);
    assert.equal(Object.keys(files).length, SEED.length - 1 + 2);
    // The bundle that was there differs from the live policy: sync plans its update, nothing else.
    const sync = await runCli(['sync', 'policies'], env, cwd);
    assert.match(sync.stdout, /\n1 change pending\./);
    assert.match(sync.stdout, /~ update {2}"Cost cap"/);
  });

  it('a name a file system that ignores case would take for one in use gets a number', async () => {
    // NTFS and APFS take ς.yaml for σ.yaml (lower case keeps them apart), and macOS finds a name
    // written decomposed (as it keeps them) under its composed form: export wrote the second file
    // on a name it believed free, and the write failed as "created since the folder was read".
    const policy = (name: string) => ({ name, ...POLICY });
    const env = await seededOrg('export-fold', [policy('σ'), policy('ς'), policy('й')]);
    const cwd = workdir();
    const notes = 'title: notes\n';
    writeFiles(join(cwd, 'policies'), { ['Й.yaml'.normalize('NFD')]: notes });
    const r = await runCli(['export', 'policies'], env, cwd);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('  +'))
        .map((l) => l.split('→ ')[1]),
      ['policies/ς.yaml', 'policies/σ-2.yaml', 'policies/й-2.yaml'],
    );
    assert.equal(readFileSync(join(cwd, 'policies', 'Й.yaml'.normalize('NFD')), 'utf8'), notes);
  });

  it('a prerequisite the org does not hold is kept as written, and said on stderr', async () => {
    const env = await seededOrg('export-dangling', [
      {
        name: 'first',
        policyType: 'expression',
        enforcementMode: 'block',
        ruleDefinition: { expression: 'true' },
      },
      {
        name: 'second',
        policyType: 'expression',
        enforcementMode: 'block',
        ruleDefinition: { expression: 'true' },
        prerequisites: ['first'],
      },
    ]);
    const key = { url: live.url, key: env.POLICYLENS_API_KEY! };
    const first = (await api(key, 'GET', '/policies')).body.data.find(
      (p: { name: string }) => p.name === 'first',
    );
    assert.equal((await api(key, 'DELETE', `/policies/${first.id}`)).status, 200);
    const cwd = workdir();
    const r = await runCli(['export', 'policies'], env, cwd);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stderr,
      `policylens export: "second": prerequisite "${first.id}" designates no policy of the live org; kept as written (sync reports it until the prerequisite is dropped)\n`,
    );
    assert.equal(
      readFileSync(join(cwd, 'policies', 'second.yaml'), 'utf8'),
      `name: second\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\nprerequisites:\n  - ${first.id}\n`,
    );
  });
});
