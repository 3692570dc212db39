/**
 * `policylens serve` dying the hard way. The CLI runs the registry as a child process; a `kill -9`
 * of the CLI must not leave that child serving on as an orphan that holds the port and the PGlite
 * directory's lock. And a lock left behind by a process that is gone, or whose pid the kernel has
 * since handed to another process, must not keep the directory locked forever.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LOCK_NAME, lockDataDir, processStartTime } from '../../registry/lock';
import { pgliteBackend, postgresBackend, type Backend } from './backends';

const cli = (): string[] =>
  existsSync('dist/cli.js') && existsSync('dist/registry.js')
    ? ['dist/cli.js']
    : ['--import', 'tsx', 'server/src/cli/main.ts'];

/** Spawns `policylens serve` and waits for its "listening on" line. */
async function serve(args: string[]): Promise<{ child: ChildProcess; url: string; port: number }> {
  const child = spawn(process.execPath, [...cli(), 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 120_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${out}`));
    });
  });
  return { child, url, port: Number(new URL(url).port) };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

/** The pids whose parent is `ppid`, from /proc. */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid) out.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0 until its parent reaps it; it serves nothing.
    return !/^\S+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function lifecycle(makeBackend: () => Backend | Promise<Backend>, label: string): void {
  describe(`policylens serve killed with SIGKILL, on ${label}`, () => {
    let backend: Backend | undefined;
    const spawned: ChildProcess[] = [];
    const orphans: number[] = [];
    after(async () => {
      for (const c of spawned) await stop(c);
      for (const pid of orphans) if (running(pid)) process.kill(pid, 'SIGKILL');
      await backend?.cleanup();
    });

    it('the registry exits with the CLI, frees the port, and a restart on that port serves the data', async () => {
      backend = await makeBackend();
      const first = await serve(['--port', '0', ...backend.flags]);
      spawned.push(first.child);
      const [registryPid] = childrenOf(first.child.pid!);
      assert.ok(registryPid, 'the CLI runs the registry as a child process');
      orphans.push(registryPid);
      assert.equal((await fetch(`${first.url}/api/v1/health`)).status, 200);

      first.child.kill('SIGKILL');
      await waitFor('the registry process has exited', () => !running(registryPid));
      await waitFor(`port ${first.port} is free`, () => portFree(first.port));
      if (backend.name === 'pglite') {
        // It stopped as on SIGTERM: the database closed, the lock released.
        assert.ok(!existsSync(join(backend.flags[1]!, LOCK_NAME)), 'the lock file was removed');
      }

      const second = await serve(['--port', String(first.port), ...backend.flags]);
      spawned.push(second.child);
      assert.equal(second.port, first.port);
      assert.equal((await fetch(`${second.url}/api/v1/health`)).status, 200);
      assert.equal(await stop(second.child), 0);
    });

    it('says so, and exits 1, when the registry itself is killed', async () => {
      backend ??= await makeBackend();
      const { child } = await serve(['--port', '0', ...backend.flags]);
      spawned.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const [registryPid] = childrenOf(child.pid!);
      assert.ok(registryPid);
      orphans.push(registryPid);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      process.kill(registryPid, 'SIGKILL');
      assert.equal(await exited, 1);
      assert.match(err, new RegExp(`the registry \\(pid ${registryPid}\\) was stopped by SIGKILL`));
    });
  });
}

lifecycle(pgliteBackend, 'PGlite');
lifecycle(postgresBackend, 'PostgreSQL');

describe('the PGlite data directory lock', () => {
  const backend = pgliteBackend();
  const dir = backend.flags[1]!;
  const lockFile = join(dir, LOCK_NAME);
  let sleeper: ChildProcess | undefined;
  after(async () => {
    sleeper?.kill('SIGKILL');
    await backend.cleanup();
  });

  it('records the pid and the start time of its owner, and refuses a second lock while it runs', () => {
    const unlock = lockDataDir(dir);
    try {
      const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; start: string };
      assert.deepEqual(owner, { pid: process.pid, start: processStartTime(process.pid) });
      assert.throws(() => lockDataDir(dir), /is in use by this process/);
    } finally {
      unlock();
    }
    assert.ok(!existsSync(lockFile));
  });

  it('takes over a lock whose pid now belongs to another process (a reused pid)', async () => {
    // A live process that is not the lock's owner: same pid, another start time.
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    await waitFor('sleep started', () => processStartTime(sleeper!.pid!) !== undefined, 5_000);
    const start = processStartTime(sleeper.pid!)!;
    writeFileSync(lockFile, JSON.stringify({ pid: sleeper.pid, start: String(Number(start) - 1) }));
    const unlock = lockDataDir(dir);
    unlock();
    // The same pid with its real start time is its owner, alive: refused.
    writeFileSync(lockFile, JSON.stringify({ pid: sleeper.pid, start }));
    assert.throws(() => lockDataDir(dir), new RegExp(`is in use by process ${sleeper.pid}`));
  });

  it('keeps the data directory private: created 0700, an open one made so', () => {
    // PGlite writes its files 0666 whatever the umask: only the directory keeps other users out.
    const fresh = join(dir, 'fresh', 'registry');
    lockDataDir(fresh)();
    assert.equal(statSync(fresh).mode & 0o777, 0o700);
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    lockDataDir(open)();
    assert.equal(statSync(open).mode & 0o777, 0o700);
  });

  it('takes over a lock whose process is gone', async () => {
    const gone = spawn('true', { stdio: 'ignore' });
    const pid = gone.pid!;
    await new Promise((r) => gone.on('exit', r));
    writeFileSync(lockFile, JSON.stringify({ pid, start: '1' }));
    lockDataDir(dir)();
    writeFileSync(lockFile, String(pid));
    lockDataDir(dir)();
    assert.ok(!existsSync(lockFile));
  });
});
