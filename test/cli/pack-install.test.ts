/**
 * The package as a user gets it: `npm pack`, then `npm install <tarball>` into an empty directory,
 * its dependencies coming from an npm registry on loopback that serves them from this checkout's
 * node_modules (test/support/npmRegistry.ts: no network, and no npm cache that must already hold
 * their metadata), then `npx policylens lint` and `npx policylens serve` on PGlite. No clone, no
 * build, no devDependencies. Every process has a timeout and the server is killed with its whole
 * process group, so the test cannot hang.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startNpmRegistry, type NpmRegistry } from '../support/npmRegistry';

const ROOT = join(__dirname, '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/**
 * Only what runs: the bundles (the CLI's loader and engine, the server, the registry), the schemas,
 * the user docs that `--help` names, and what npm always packs (package.json, LICENSE and every README at the root, README.extension.md
 * included: npm packs READMEs whatever .npmignore says, and the extension's README must stay at the
 * root, see decisions/marketplace.md).
 */
const RUNS =
  /^(package\.json|README(\.extension)?\.md|LICENSE(\.md)?|CHANGELOG\.md|dist\/(cli|cli-engine|server|registry)\.js|dist\/policylens\.js\.br|docs\/(ci|configuration|registry|replay)\.md|schemas\/[a-z]+\/[a-z.-]+\.schema\.json)$/;

function run(cmd: string, args: string[], cwd: string, timeout: number): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' },
  });
}

/**
 * `run` without blocking this process: npm's requests go to the registry served by this process,
 * which must keep answering while npm runs.
 */
async function runAsync(
  cmd: string,
  args: string[],
  cwd: string,
  timeout: number,
  env: Record<string, string> = {},
): Promise<Pick<SpawnSyncReturns<string>, 'error' | 'status' | 'stdout' | 'stderr'>> {
  const child = spawn(cmd, args, {
    cwd,
    timeout,
    killSignal: 'SIGKILL',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [status, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return {
    error: signal
      ? new Error(`${cmd} ${args.join(' ')} was killed (${signal}) after ${timeout} ms`)
      : undefined,
    status,
    stdout,
    stderr,
  };
}

function ok(
  r: Pick<SpawnSyncReturns<string>, 'error' | 'status' | 'stdout' | 'stderr'>,
  what: string,
): string {
  assert.equal(r.error, undefined, `${what}: ${String(r.error)}`);
  assert.equal(r.status, 0, `${what} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('the npm package, packed and installed into an empty directory', { timeout: 360_000 }, () => {
  let work: string;
  let app: string;
  let tarball: string;
  let packed: string[];
  let registry: NpmRegistry | undefined;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'cli.js')), 'dist/ is built (npm test builds first)');
    work = mkdtempSync(join(tmpdir(), 'policylens-pack-'));
    // The build already ran (npm test builds first); --ignore-scripts skips `prepare`'s second build.
    // Our package and the dependencies are packed at the same time.
    const [packing, started] = await Promise.all([
      runAsync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT, 60_000),
      startNpmRegistry(join(work, 'registry')),
    ]);
    registry = started;
    const out = ok(packing, 'npm pack');
    const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info!.filename);
    packed = info!.files.map((f) => f.path).sort();
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
    // The dependencies come from the loopback registry and nowhere else: there is no fallback to
    // the public one (tests use no network), and an empty cache of this test's own makes the run
    // the same on a fresh machine as on one whose cache holds older metadata.
    const r = await runAsync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball],
      app,
      90_000,
      {
        npm_config_registry: registry.url,
        npm_config_cache: join(work, 'npm-cache'),
      },
    );
    ok(r, 'npm install <tarball>');
  });

  after(async () => {
    await registry?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('takes every dependency from the loopback registry', () => {
    const fetched = registry!.requests.filter((p) => p.endsWith('.tgz'));
    assert.deepEqual(fetched.sort(), registry!.packages.map((p) => p.path).sort());
  });

  it('is named so that `npx <name>` runs the CLI, and is publishable', () => {
    assert.deepEqual(Object.keys(PKG.bin), [PKG.name]);
    assert.equal((PKG as { private?: boolean }).private, undefined);
  });

  it('packs only what runs', () => {
    assert.deepEqual(
      packed.filter((p) => !RUNS.test(p)),
      [],
      'files outside the allow-list',
    );
    for (const f of [
      'dist/cli.js',
      'dist/cli-engine.js',
      'dist/server.js',
      'dist/policylens.js.br',
      'dist/registry.js',
      'package.json',
    ])
      assert.ok(packed.includes(f), `${f} is packed`);
    assert.ok(
      packed.some((p) => p.startsWith('schemas/')),
      'the schemas are packed',
    );
  });

  it('installs its runtime dependencies and none of the development ones', () => {
    const modules = join(app, 'node_modules');
    for (const dep of Object.keys(PKG.dependencies))
      assert.ok(existsSync(join(modules, dep, 'package.json')), `${dep} is installed`);
    for (const dev of ['esbuild', 'typescript', 'eslint', 'ajv', 'js-yaml'])
      assert.ok(!existsSync(join(modules, dev)), `${dev} is not installed`);
  });

  it('`npx policylens --version` prints the version of package.json', () => {
    const out = ok(
      run('npx', ['--no', '--', 'policylens', '--version'], app, 30_000),
      'npx policylens --version',
    );
    assert.equal(out.trim(), PKG.version);
  });

  it('every doc a `--help` names is in the installed package', () => {
    const installed = join(app, 'node_modules', PKG.name);
    const named = new Set<string>();
    for (const command of ['lint', 'chain', 'eval', 'test', 'replay', 'sync', 'export', 'history', 'serve']) {
      const help = ok(
        run('npx', ['--no', 'policylens', command, '--help'], app, 30_000),
        `${command} --help`,
      );
      for (const m of help.matchAll(/\bdocs\/[a-z-]+\.md\b/g)) named.add(m[0]);
    }
    assert.ok(named.size > 0, 'the help texts name docs');
    for (const doc of named) assert.ok(existsSync(join(installed, doc)), `${doc} is packed`);
  });

  it('`npx policylens lint` validates and fails on broken files', () => {
    cpSync(join(ROOT, 'examples', 'policies'), join(app, 'policies'), { recursive: true });
    const good = ok(run('npx', ['--no', 'policylens', 'lint', 'policies'], app, 30_000), 'lint policies');
    assert.match(good, /7 bundles validated, 0 errors/);
    cpSync(join(ROOT, 'examples', 'broken'), join(app, 'broken'), { recursive: true });
    const bad = run('npx', ['--no', 'policylens', 'lint', 'broken'], app, 30_000);
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stdout, /schema\/enum/);
  });

  it('`npx policylens serve` runs the registry on PGlite from the installed dependencies', async () => {
    // detached: the server is the leader of its own process group (npx, the CLI and the registry
    // it spawns), so one kill reaches all of them.
    const child = spawn(
      'npx',
      ['--no', 'policylens', 'serve', '--port', '0', '--data-dir', join(work, 'db')],
      {
        cwd: app,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    };
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          // A hang guard, not a timing: PGlite's start took 50 s on this 2-core machine under load.
          () => reject(new Error(`no "listening" line in 150 s:\n${out}\n${err}`)),
          150_000,
        );
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`serve exited with ${code} before listening:\n${out}\n${err}`));
        });
      });
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { data: { status: 'ok', storage: 'pglite' } });
    } finally {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });
});

describe('package-lock.json', () => {
  it('matches package.json (a plain `npm install` leaves the tree clean)', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      name: string;
      version: string;
      packages: Record<string, { dependencies?: object; devDependencies?: object }>;
    };
    const root = lock.packages[''];
    assert.equal(lock.name, PKG.name);
    assert.equal(lock.version, PKG.version);
    assert.deepEqual(root?.dependencies ?? {}, PKG.dependencies);
    assert.deepEqual(root?.devDependencies ?? {}, PKG.devDependencies);
  });
});
