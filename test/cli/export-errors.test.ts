// `policylens export` on bad input: an org that cannot be read, a key refused, a folder that is a
// file or cannot be written, an invalid bundle, a policy that cannot be exported faithfully. Each is
// a clear message and an exit status (docs/exit-codes.md), never a stack trace, and nothing written.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  api,
  inProcessRegistry,
  removeDir,
  runCli,
  tempDir,
  writeFiles,
  type LiveRegistry,
} from '../sync/harness';

const POLICY = { policyType: 'expression', enforcementMode: 'block', ruleDefinition: { expression: 'true' } };

let live: LiveRegistry;
let env: Record<string, string>;
const dirs: string[] = [];
before(async () => {
  live = await inProcessRegistry();
  env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key };
  for (const name of ['Café', 'Guard']) await api(live, 'POST', '/policies', { name, ...POLICY });
});
after(async () => {
  await live.close();
  for (const d of dirs) removeDir(d);
});

function workdir(): string {
  const d = tempDir('export-errors');
  dirs.push(d);
  return d;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A run that failed as it should: the status, one message, no stack trace, nothing on stdout. */
function assertFailed(
  r: { status: number; stdout: string; stderr: string },
  status: number,
  message: RegExp,
) {
  assert.equal(r.status, status, r.stdout + r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(r.stdout, '');
}

describe('policylens export: errors', () => {
  it('an org that cannot be reached: exit 1, and no folder created', async () => {
    const cwd = workdir();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(
      ['export', 'out'],
      { ...env, POLICYLENS_API_URL: url, POLICYLENS_RETRIES: '0' },
      cwd,
    );
    assertFailed(r, 1, /^policylens export: .*127\.0\.0\.1:\d+.*\n$/);
    assert.equal(existsSync(join(cwd, 'out')), false);
  });

  it('a key the org refuses: exit 1, naming the variable', async () => {
    const r = await runCli(['export', 'out'], { ...env, POLICYLENS_API_KEY: 'plk_wrong' }, workdir());
    assertFailed(
      r,
      1,
      /^policylens export: the live org 127\.0\.0\.1:\d+ refused the API key \(401\).*POLICYLENS_API_KEY\n$/,
    );
  });

  it('no org configured, or the key over plain http to another host: exit 1', async () => {
    const none = await runCli(['export', 'out'], { POLICYLENS_API_KEY: 'k' }, workdir());
    assertFailed(none, 1, /^policylens export: the live org is not configured: pass --url/);
    const far = await runCli(['export', 'out', '--url', 'http://example.com'], env, workdir());
    assertFailed(far, 1, /refusing to send the API key over plain http to example\.com/);
  });

  it('a folder that is a file, or below one: exit 2, before the org is read', async () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'file.yaml'), 'x: 1\n');
    const file = await runCli(['export', 'file.yaml'], { POLICYLENS_API_KEY: 'k' }, cwd);
    assertFailed(
      file,
      2,
      /^policylens export: file\.yaml is not a folder: export writes one file per policy into a folder\n$/,
    );
    const below = await runCli(['export', 'file.yaml/sub'], env, cwd);
    assertFailed(
      below,
      2,
      /^policylens export: cannot create file\.yaml\/sub: file\.yaml is not a folder\n$/,
    );
  });

  it('a folder that cannot be written: exit 2, and --dry-run still shows what would be written', async () => {
    const cwd = workdir();
    const locked = join(cwd, 'locked');
    mkdirSync(locked);
    chmodSync(cwd, 0o755);
    chmodSync(locked, 0o555);
    // Root may write anywhere: the run drops to another user, as test/hardening does.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = await runCli(['export', 'locked'], env, cwd, [], user);
    assertFailed(r, 2, /^policylens export: cannot write into locked: permission denied\n$/);
    const dry = await runCli(['export', 'locked', '--dry-run'], env, cwd, [], user);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^ {2}\+ "Guard" +→ locked\/guard\.yaml$/m);
    assert.deepEqual(readdirSync(locked), []);
  });

  it('an invalid bundle under the folder: exit 1, naming it, nothing written', async () => {
    const cwd = workdir();
    writeFiles(join(cwd, 'policies'), {
      'bad.yaml':
        'name: Guard\npolicyType: tool_call\nenforcementMode: allow\nruleDefinition: {tools: [x]}\n',
    });
    const r = await runCli(['export', 'policies'], env, cwd);
    assertFailed(
      r,
      1,
      /^✗ policies\/bad\.yaml — invalid: enforcementMode: .*\npolicylens export: 1 invalid bundle: fix it \(policylens lint\) before export\.\n$/,
    );
    assert.deepEqual(readdirSync(join(cwd, 'policies')), ['bad.yaml']);
  });

  it('a policy a bundle declares in another Unicode form is not exported (✗, exit 1)', async () => {
    const cwd = workdir();
    const nfd = 'Cafe\u0301';
    writeFiles(join(cwd, 'policies'), {
      'cafe.yaml': `name: "${nfd}"\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "true"\n`,
    });
    const r = await runCli(['export', 'policies'], env, cwd);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stdout,
      /^ {2}✗ "Café" +not exported: policies\/cafe\.yaml declares it in another Unicode form; write that bundle's name as the live org writes it$/m,
    );
    assert.match(r.stdout, /^ {2}\+ "Guard" +→ policies\/guard\.yaml$/m);
    assert.match(r.stderr, /policylens export: 1 of the live org's policies not exported \(marked ✗\)\n$/);
  });

  it("a file sync would not read (outside the config's include) is not written; live.url names the org", async () => {
    const cwd = workdir();
    writeFileSync(
      join(cwd, 'policylens.config.yaml'),
      `include: ['policies/**/*.json']\nlive:\n  url: ${live.url}\n`,
    );
    const keyOnly = { POLICYLENS_API_KEY: live.key };
    const yaml = await runCli(['export', 'policies'], keyOnly, cwd);
    assert.equal(yaml.status, 1, yaml.stderr);
    assert.match(
      yaml.stdout,
      /✗ "Guard" {2}not exported: sync would not read policies\/guard\.yaml \(outside the include of policylens\.config\.yaml\)/,
    );
    assert.equal(existsSync(join(cwd, 'policies')), false);
    const json = await runCli(['export', 'policies', '--format', 'json'], keyOnly, cwd);
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(readdirSync(join(cwd, 'policies')), ['cafe.json', 'guard.json']);
  });

  it('a written bundle the project config makes an error of: written, said, exit 1', async () => {
    const { key } = await live.registry.createApiKey('export-odd', 'user_123');
    const odd = { name: 'Odd', ...POLICY, ruleDefinition: { expression: 'true', extra: 1 } };
    assert.equal((await api({ url: live.url, key }, 'POST', '/policies', odd)).status, 201);
    const cwd = workdir();
    writeFileSync(join(cwd, 'policylens.config.yaml'), 'rules:\n  schema/unknown-rule-key: error\n');
    const r = await runCli(['export', 'policies'], { ...env, POLICYLENS_API_KEY: key }, cwd);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^ {2}\+ "Odd" {2}→ policies\/odd\.yaml\n/m);
    assert.match(
      r.stderr,
      /^policylens export: policies\/odd\.yaml: lint finds an error in it: .*unknown key "extra".*; sync plans nothing until it is fixed\n$/,
    );
    assert.deepEqual(readdirSync(join(cwd, 'policies')), ['odd.yaml']);
  });

  it('warnings concern the files written: a policy marked ✗ gets none (its row says why)', async () => {
    const { key } = await live.registry.createApiKey('export-warn-unwritten', 'user_123');
    const org = { url: live.url, key };
    const first = (await api(org, 'POST', '/policies', { name: 'first', ...POLICY })).body.data.id;
    for (const name of ['kept', 'second'])
      await api(org, 'POST', '/policies', { name, ...POLICY, prerequisites: [first] });
    assert.equal((await api(org, 'DELETE', `/policies/${first}`)).status, 200);
    const cwd = workdir();
    // A repository whose .gitignore ignores the file "second" would be written to.
    mkdirSync(join(cwd, '.git'));
    writeFileSync(join(cwd, '.gitignore'), 'policies/second.yaml\n');
    const r = await runCli(['export', 'policies'], { ...env, POLICYLENS_API_KEY: key }, cwd);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^ {2}\+ "kept" +→ policies\/kept\.yaml$/m);
    assert.match(r.stdout, /^ {2}✗ "second" +not exported: sync would not read policies\/second\.yaml \(/m);
    assert.equal(
      r.stderr,
      `policylens export: "kept": prerequisite "${first}" designates no policy of the live org; kept as written (sync reports it until the prerequisite is dropped)\n` +
        "policylens export: 1 of the live org's policies not exported (marked ✗)\n",
    );
    assert.deepEqual(readdirSync(join(cwd, 'policies')), ['kept.yaml']);
  });

  it('a write that fails part of the way (ulimit -f) leaves no partial file; the next export writes it', async () => {
    const { key } = await live.registry.createApiKey('export-efbig', 'user_123');
    // "Big" takes more than the 1 KiB the limit allows; the files are written in the names' order.
    const big = { ...POLICY, ruleDefinition: { expression: `true${' && true'.repeat(200)}` } };
    for (const p of [
      { name: 'Alpha', ...POLICY },
      { name: 'Big', ...big },
      { name: 'Zed', ...POLICY },
    ])
      assert.equal((await api({ url: live.url, key }, 'POST', '/policies', p)).status, 201);
    const cwd = workdir();
    const org = { ...env, POLICYLENS_API_KEY: key };
    const r = await runCli(['export', 'policies'], org, cwd, [], { fileSizeKb: 1 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    // Neither the start of big.yaml nor a temporary file is left in the folder.
    assert.deepEqual(readdirSync(join(cwd, 'policies')), ['alpha.yaml']);
    assert.match(r.stdout, /^ {2}\+ "Alpha" +→ policies\/alpha\.yaml$/m);
    assert.match(
      r.stdout,
      /^ {2}✗ "Big" +not exported: cannot write policies\/big\.yaml: file too large \(for the file system, or the file size limit of `ulimit -f`\)$/m,
    );
    assert.match(r.stdout, /^ {2}✗ "Zed" +not exported: not written: export stopped at the error above$/m);
    assert.equal(r.stderr, "policylens export: 2 of the live org's policies not exported (marked ✗)\n");
    const again = await runCli(['export', 'policies'], org, cwd);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.deepEqual(readdirSync(join(cwd, 'policies')).sort(), ['alpha.yaml', 'big.yaml', 'zed.yaml']);
  });

  it('usage errors: no folder, two folders, an unknown format: exit 2 with the synopsis', async () => {
    for (const [args, message] of [
      [['export'], /export needs one folder to write into/],
      [['export', 'a', 'b'], /export needs one folder to write into/],
      [['export', 'a', '--format', 'yml'], /unknown format "yml"; did you mean "yaml"\? \(yaml or json\)/],
    ] as const) {
      const r = await runCli([...args], env, workdir());
      assertFailed(r, 2, message);
      assert.match(r.stderr, /\nUsage: policylens export <dir>/);
    }
  });
});
