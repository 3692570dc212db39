// `policylens serve --list-keys` and `--revoke-key`, on a real PGlite data directory: keys are listed
// without their secret, a revoked key gets 401 from the registry while the others still work, and a
// revoked key given again as a seed key is refused instead of being registered anew.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { serveMain } from '../../registry/cli';
import { startRegistry } from '../../registry/index';
import { lockDataDir } from '../../registry/lock';
import { HttpLiveOrg } from '../../server/src/live/client';
import { policylensRun } from './cli';

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

  it('revokes by a prefix, says when only revoked keys have it, and wants 8 characters', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
    dirs.push(dataDir);
    const key = (await serve(dataDir, '--create-key', '--org', 'acme', '--actor', 'dan')).out;
    const id = (await serve(dataDir, '--list-keys')).out.split('\n')[1]!.split(' ')[0]!;
    const short = await serve(dataDir, '--revoke-key', key.slice(0, 6));
    assert.equal(short.status, 1);
    assert.match(short.err, /"plk_.." is too short: give at least 8 characters of the id/);
    assert.doesNotMatch(short.err, /no API key/);
    // 8 characters of the id name the key as well as the key's own first 8.
    const byId = await serve(dataDir, '--revoke-key', id.slice(0, 8).toUpperCase());
    assert.equal(byId.status, 0, byId.err);
    assert.match(byId.err, new RegExp(`^Revoked the key ${id} `));
    for (const ref of [key.slice(0, 8), id.slice(0, 13)]) {
      const again = await serve(dataDir, '--revoke-key', ref);
      assert.equal(again.status, 0, again.err);
      assert.match(again.err, new RegExp(`^The key ${id} .* was already revoked at \\d{4}-`));
    }
  });

  it('needs the registry stopped, and says so without the seed-key advice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
    dirs.push(dataDir);
    assert.equal((await serve(dataDir, '--create-key', '--org', 'acme')).status, 0);
    const unlock = lockDataDir(dataDir);
    try {
      for (const args of [['--list-keys'], ['--revoke-key', '0123456789']]) {
        const r = await serve(dataDir, ...args);
        assert.equal(r.status, 1);
        assert.match(r.err, /is in use by this process .*: the registry must be stopped to manage its keys/);
        assert.doesNotMatch(r.err, /SEED_KEY|seed/i);
      }
      // --create-key keeps its advice: the running serve can take the key as a seed key.
      assert.match((await serve(dataDir, '--create-key', '--org', 'acme')).err, /POLICYLENS_SEED_KEY/);
    } finally {
      unlock();
    }
  });

  // A field test: `POLICYLENS_SEED_KEY=short policylens serve --org acme` printed the refusal and
  // then served on, without its URL line, holding the data directory, until killed.
  it(
    'a seed key the registry refuses ends serve with 1, and frees the data directory',
    { timeout: 300_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
      dirs.push(dataDir);
      const revoked = (await serve(dataDir, '--create-key', '--org', 'acme', '--actor', 'erin')).out;
      assert.equal((await serve(dataDir, '--revoke-key', revoked.slice(0, 8))).status, 0);
      const other = (await serve(dataDir, '--create-key', '--org', 'other')).out;
      for (const [seed, why] of [
        ['short', /at least 8 characters/],
        [revoked, /That key was revoked/],
        [other, /another org/],
      ] as const) {
        const r = await policylensRun(['serve', '--port', '0', '--data-dir', dataDir, '--org', 'acme'], {
          POLICYLENS_SEED_KEY: seed,
        });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^policylens serve: the seed key was refused: /m);
        assert.match(r.stderr, why);
        assert.doesNotMatch(r.stdout, /listening/);
        // The lock went with the process: the keys can be managed at once.
        assert.equal((await serve(dataDir, '--list-keys')).status, 0);
      }
    },
  );

  it('never creates a data directory, and names an org without keys', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
    dirs.push(parent);
    const missing = join(parent, 'not', 'there');
    for (const args of [['--list-keys'], ['--revoke-key', '0123456789']]) {
      const r = await serve(missing, ...args);
      assert.equal(r.status, 2);
      assert.match(r.err, new RegExp(`the data directory ${missing} does not exist`));
      assert.equal(existsSync(missing), false);
      assert.equal(existsSync(join(parent, 'not')), false);
    }
    const empty = await serve(parent, '--list-keys');
    assert.equal(empty.status, 2);
    assert.match(empty.err, /holds no registry/);
    assert.equal(existsSync(join(parent, 'PG_VERSION')), false);

    assert.equal((await serve(parent, '--create-key', '--org', 'acme')).status, 0);
    const nope = await serve(parent, '--list-keys', '--org', 'nope');
    assert.equal(nope.status, 1);
    assert.equal(nope.out, '');
    assert.match(nope.err, /no API keys for org "nope" \(the registry has no such org\)/);
  });

  it('answers a revoked key "API key revoked", and an unknown one "Invalid API key"', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'policylens-keys-'));
    dirs.push(dataDir);
    const key = (await serve(dataDir, '--create-key', '--org', 'acme')).out;
    assert.equal((await serve(dataDir, '--revoke-key', key.slice(0, 8))).status, 0);
    const registry = await startRegistry({ dataDir, port: 0, log: () => undefined });
    try {
      for (const [k, message] of [
        [key, 'API key revoked'],
        ['plk_never-registered', 'Invalid API key'],
      ]) {
        const res = await fetch(`${registry.url}/api/v1/policies`, { headers: { 'X-API-Key': k } });
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="policylens"');
        assert.equal(((await res.json()) as { error: { message: string } }).error.message, message);
        // What sync and history print.
        const live = new HttpLiveOrg({ apiBase: `${registry.url}/api/v1`, apiKey: k, label: 'reg' });
        await assert.rejects(live.listPolicies(), (e: Error) => {
          assert.equal(
            e.message,
            `the live org reg refused the API key (401): ${message}; check POLICYLENS_API_KEY`,
          );
          return true;
        });
      }
    } finally {
      await registry.close();
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
