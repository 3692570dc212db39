/** `policylens serve` flags: what each combination means, and the mistakes that get a usage error. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeStorage, parseServeArgs, serveMain } from '../../registry/cli';

const cwd = '/work/project';

describe('policylens serve flags', () => {
  const cases: [string[], Record<string, string | undefined>, Partial<ReturnType<typeof parseServeArgs>>][] =
    [
      [[], {}, { port: 7420, host: '127.0.0.1', storage: { dataDir: '/work/project/.policylens/registry' } }],
      [['--port', '0', '--data-dir', 'reg'], {}, { port: 0, storage: { dataDir: '/work/project/reg' } }],
      [['--port=8080', '--host=::1'], {}, { port: 8080, host: '::1' }],
      [
        ['--database-url', 'postgres://u@127.0.0.1/db'],
        {},
        { storage: { databaseUrl: 'postgres://u@127.0.0.1/db' } },
      ],
      [
        [],
        { POLICYLENS_DATABASE_URL: 'postgres://env/db' },
        { storage: { databaseUrl: 'postgres://env/db' } },
      ],
      [
        ['--data-dir', 'x'],
        { POLICYLENS_DATABASE_URL: 'postgres://env/db' },
        { storage: { dataDir: '/work/project/x' } },
      ],
      [
        ['--create-key', '--org', 'acme', '--actor', 'user_1'],
        {},
        { createKey: true, org: 'acme', actor: 'user_1' },
      ],
      [
        ['--seed-key', 'plk_demo_key', '--org', 'acme', '--app-role', 'none'],
        {},
        {
          seedKey: 'plk_demo_key',
          appRole: 'none',
          warnings: [
            'policylens serve: warning: --seed-key shows the key to every user of this machine (ps); set POLICYLENS_SEED_KEY or use --seed-key-file instead',
          ],
        },
      ],
      [
        ['--org', 'acme'],
        { POLICYLENS_SEED_KEY: ' plk_from_env\n' },
        { seedKey: 'plk_from_env', warnings: [] },
      ],
      [['--org', 'acme'], { POLICYLENS_SEED_KEY: '' }, { seedKey: undefined }],
      [
        ['--allow-host', 'registry.internal', '--allow-host=a.test,b.test'],
        {},
        { allowedHosts: ['registry.internal', 'a.test', 'b.test'] },
      ],
    ];
  for (const [argv, env, expected] of cases) {
    it(`${argv.join(' ') || '(no flags)'}${Object.keys(env).length ? ' with env' : ''}`, () => {
      const parsed = parseServeArgs(argv, cwd, env);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(parsed[k as keyof typeof parsed], v, k);
    });
  }

  const mistakes: [string[], RegExp][] = [
    [['--port', 'eighty'], /--port must be a number/],
    [['--port', '70000'], /--port must be a number/],
    [['--port'], /--port needs a value/],
    [['--data-dir', '--port', '1'], /--data-dir needs a value/],
    [['--data-dir', 'a', '--database-url', 'postgres://x/y'], /not both/],
    [
      ['--database-url', 'mysql://u:secret@db/x'],
      /--database-url must be a postgres:\/\/ or postgresql:\/\/ URL, not "mysql:\/\/…@db\/x"$/,
    ],
    [['--database-url', 'db.internal:5432/x'], /--database-url must be a postgres:\/\//],
    [['--create-key'], /needs --org/],
    [['--seed-key', 'plk_demo_key'], /needs --org/],
    [['--seed-key-file', '/nonexistent/key', '--org', 'a'], /--seed-key-file: cannot read/],
    [['--verbose'], /unknown option --verbose/],
  ];
  for (const [argv, message] of mistakes) {
    it(`refuses ${argv.join(' ')}`, () => assert.throws(() => parseServeArgs(argv, cwd, {}), message));
  }
  it('refuses a POLICYLENS_DATABASE_URL that is no PostgreSQL URL, naming the variable', () =>
    assert.throws(
      () => parseServeArgs([], cwd, { POLICYLENS_DATABASE_URL: 'sqlite:///tmp/x.db' }),
      /^Error: POLICYLENS_DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    ));

  it('a usage error prints the message, the synopsis and where the whole help is, and exits 2', async () => {
    let err = '';
    let out = '';
    const status = await serveMain(
      ['--verbose'],
      { out: (t) => (out += t), err: (t) => (err += t) },
      cwd,
      {},
    );
    assert.equal(status, 2);
    assert.equal(out, '');
    assert.match(err, /^policylens serve: unknown option --verbose\n\nUsage: policylens serve \[--port N\]/);
    assert.match(err, /\nRun `policylens serve --help` for every option\.\n$/);
    // Not the whole help: its description of the registry is left to --help.
    assert.doesNotMatch(err, /Runs the local Execlave-compatible policy registry/);
  });

  describe('--seed-key-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-seed-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    it('reads the key from the file (one trailing newline is not part of it), and the file wins over the environment', () => {
      writeFileSync(join(dir, 'key'), 'plk_from_file_01\n');
      const parsed = parseServeArgs(['--seed-key-file', join(dir, 'key'), '--org', 'acme'], cwd, {
        POLICYLENS_SEED_KEY: 'plk_from_env',
      });
      assert.equal(parsed.seedKey, 'plk_from_file_01');
      assert.deepEqual(parsed.warnings, []);
    });
    it('refuses an empty file, and the flag together with --seed-key', () => {
      writeFileSync(join(dir, 'empty'), '\n');
      assert.throws(
        () => parseServeArgs(['--seed-key-file', join(dir, 'empty'), '--org', 'a'], cwd, {}),
        /is empty/,
      );
      assert.throws(
        () =>
          parseServeArgs(
            ['--seed-key-file', join(dir, 'empty'), '--seed-key', 'plk_x_key', '--org', 'a'],
            cwd,
            {},
          ),
        /not both/,
      );
    });
  });

  it('the default data directory it creates is ignored by git; one the user made is left alone', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'policylens-serve-git-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: repo });
      const io = { out: () => undefined, err: () => undefined };
      assert.equal(await serveMain(['--create-key', '--org', 'acme'], io, repo, {}), 0);
      assert.match(readFileSync(join(repo, '.policylens', '.gitignore'), 'utf8'), /^\*$/m);
      assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }), '');
      // --data-dir elsewhere, and a .policylens/ that existed before: nothing written there.
      mkdirSync(join(repo, 'mine', '.policylens'), { recursive: true });
      assert.equal(await serveMain(['--create-key', '--org', 'acme'], io, join(repo, 'mine'), {}), 0);
      assert.throws(() => readFileSync(join(repo, 'mine', '.policylens', '.gitignore')), /ENOENT/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('never prints a database password', () => {
    assert.equal(
      describeStorage({ databaseUrl: 'postgres://app:s3cret@127.0.0.1:5432/reg' }),
      'postgres postgres://app:***@127.0.0.1:5432/reg',
    );
    assert.equal(describeStorage({ dataDir: '/tmp/reg' }), 'pglite /tmp/reg');
  });
});
