// `policylens serve --list-keys` and `--revoke-key`, on a real PGlite data directory: keys are listed
// without their secret, a revoked key gets 401 from the registry while the others still work, and a
// revoked key given again as a seed key is refused instead of being registered anew.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { serveMain } from '../../registry/cli';
import { startRegistry } from '../../registry/index';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `policylens serve ...args` on `dataDir`; its status and what it printed. */
async function serve(dataDir: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await serveMain(
    [...args, '--data-dir', dataDir],
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    dataDir,
    {},
  );
  return { status, out: out.join('\n'), err: err.join('\n') };
}

describe('policylens serve --list-keys / --revoke-key', () => {
  it('lists keys without their secret, and a revoked key gets 401', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
    dirs.push(dataDir);
    const alice = (await serve(dataDir, '--create-key', '--org', 'acme', '--actor', 'alice')).out;
    const bob = (await serve(dataDir, '--create-key', '--org', 'acme', '--actor', 'bob')).out;
    const other = (await serve(dataDir, '--create-key', '--org', 'other', '--actor', 'carol')).out;
    assert.match(alice, /^plk_/);

    const listed = await serve(dataDir, '--list-keys');
    assert.equal(listed.status, 0, listed.err);
    const lines = listed.out.split('\n');
    assert.match(lines[0], /^ID +PREFIX +ORG +ACTOR +CREATED +REVOKED$/);
    assert.equal(lines.length, 4);
    for (const [key, actor] of [
      [alice, 'alice'],
      [bob, 'bob'],
      [other, 'carol'],
    ]) {
      assert.ok(!listed.out.includes(key), 'a key itself is never listed');
      assert.ok(
        lines.some((l) => l.includes(`${key.slice(0, 8)}…`) && l.includes(` ${actor} `) && l.endsWith(' -')),
      );
    }
    const acme = (await serve(dataDir, '--list-keys', '--org', 'acme')).out.split('\n');
    assert.equal(acme.length, 3, 'only the keys of --org');
    const aliceId = acme.find((l) => l.includes(' alice '))!.split(' ')[0];

    const revoked = await serve(dataDir, '--revoke-key', aliceId);
    assert.equal(revoked.status, 0, revoked.err);
    assert.match(
      revoked.err,
      new RegExp(`^Revoked the key ${aliceId} \\(plk_.{4}…, org "acme", actor alice\\)`),
    );
    const again = await serve(dataDir, '--revoke-key', aliceId.toUpperCase());
    assert.equal(again.status, 0);
    assert.match(again.err, /was already revoked at \d{4}-/);
    assert.match(
      (await serve(dataDir, '--list-keys', '--org', 'acme')).out,
      new RegExp(`${aliceId} .* alice +\\S+ +\\d{4}-\\d\\d-\\d\\dT`),
    );
    const unknown = await serve(dataDir, '--revoke-key', 'nope-nope');
    assert.equal(unknown.status, 1);
    assert.match(unknown.err, /no API key has the id or prefix "nope-nope"/);
    // By its first 8 characters, as listed, within its org only.
    assert.equal((await serve(dataDir, '--revoke-key', other.slice(0, 8), '--org', 'acme')).status, 1);

    const registry = await startRegistry({ dataDir, port: 0, log: () => undefined });
    try {
      const status = async (key: string) =>
        (await fetch(`${registry.url}/api/v1/policies`, { headers: { Authorization: `Bearer ${key}` } }))
          .status;
      assert.equal(await status(alice), 401);
      assert.equal(await status(bob), 200);
      assert.equal(await status(other), 200);
      // A revoked key given again (POLICYLENS_SEED_KEY on a restart) is not registered anew.
      await assert.rejects(registry.createApiKey('acme', 'alice', alice), /That key was revoked/);
      assert.equal(await status(alice), 401);
    } finally {
      await registry.close();
    }
    assert.equal((await serve(dataDir, '--revoke-key', other.slice(0, 8))).status, 0);
    const registry2 = await startRegistry({ dataDir, port: 0, log: () => undefined });
    try {
      const res = await fetch(`${registry2.url}/api/v1/policies`, { headers: { 'X-API-Key': other } });
      assert.equal(res.status, 401);
    } finally {
      await registry2.close();
    }
  });

  it('takes one of --create-key, --list-keys and --revoke-key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
    dirs.push(dataDir);
    const r = await serve(dataDir, '--list-keys', '--revoke-key', 'x');
    assert.equal(r.status, 2);
    assert.match(r.err, /one of --create-key, --list-keys and --revoke-key at a time/);
  });
});
