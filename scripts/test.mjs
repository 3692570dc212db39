// `npm test`: build, type-check, lint, then every suite. One command, the same on a laptop and in CI.
// Usage: npm test [-- --only <substring>] [-- --skip-static]
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { buildTests, OUT } from './test-build.mjs';
import { distBuilt, RUN, writeEntries } from './test-entries.mjs';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipStatic = args.includes('--skip-static');

function run(title, cmd, cmdArgs, env = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`✗ ${title} failed (exit ${r.status}) after ${secs}s`);
    process.exit(r.status ?? 1);
  }
  console.log(`✓ ${title} (${secs}s)`);
}

/**
 * `run`, but the command runs while this script goes on; the promise settles when it succeeded.
 * A failure ends the whole run at once (the suites with it). `nice`: at the lowest priority (nice
 * 19), so that it takes the cores the suites leave idle rather than slowing them: at nice 10 the
 * three checks still took about a tenth of the CPU from the suites (634 s of suites against 599 s).
 */
function start(title, cmd, cmdArgs, { nice = false } = {}) {
  console.log(`\n▶ ${title} (in the background${nice ? ', at a lower priority' : ''})`);
  const started = Date.now();
  const [file, args] =
    nice && process.platform !== 'win32' ? ['nice', ['-n', '19', cmd, ...cmdArgs]] : [cmd, cmdArgs];
  return new Promise((resolve) => {
    spawn(file, args, { stdio: 'inherit' }).on('exit', (status) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (status !== 0) {
        console.error(`✗ ${title} failed (exit ${status}) after ${secs}s`);
        process.exit(status ?? 1);
      }
      console.log(`✓ ${title} (${secs}s)`);
      resolve();
    });
  });
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

// dist/ is built while the test files are compiled (two esbuild runs that do not depend on each
// other), and while the files that never use dist/ run (WITHOUT_DIST, below); the others start
// once it is built. The build is skipped when the sources, options and outputs are those of the
// last build (scripts/build-stamp.mjs): about 50 ms of checks instead of 2–8 s of building.
const building = start('build', process.execPath, ['esbuild.mjs', '--if-changed']);
// The four static checks (type-checks, eslint, prettier: one single-threaded process each) run
// beside the suites at the lowest priority instead of before them: the suites leave a quarter of the
// two cores idle (waiting on servers, editors, databases and timers: about 16 of 21 core-minutes
// used in a warm run), and the checks' 40 s of wall time before the first test was the part of the
// 10 minutes nobody had to wait for. A failed check still fails the run, as soon as it ends.
// Each keeps what it learnt in .cache/ (gitignored): tsc's incremental build info, eslint's and
// prettier's caches by content (no rule here reads another file: no type-aware lint). A warm run
// checks only what changed: about 10 s of CPU for the four instead of 75 s (docs/decisions/testing.md).
// A clean clone (CI) has no cache and checks everything.
const STATIC = [
  [
    'typecheck',
    [
      'typescript/bin/tsc',
      ...['-p', 'tsconfig.json', '--noEmit', '--incremental'],
      ...['--tsBuildInfoFile', '.cache/static/project.tsbuildinfo'],
    ],
  ],
  [
    'eslint',
    [
      'eslint/bin/eslint.js',
      ...['.', '--max-warnings=0', '--cache', '--cache-strategy', 'content'],
      ...['--cache-location', '.cache/static/eslint/'],
    ],
  ],
  [
    'typecheck core (no Node types)',
    [
      'typescript/bin/tsc',
      ...['-p', 'server/src/core/tsconfig.json', '--noEmit', '--incremental'],
      ...['--tsBuildInfoFile', '.cache/static/core.tsbuildinfo'],
    ],
  ],
  [
    'prettier',
    [
      'prettier/bin/prettier.cjs',
      ...['--check', '.', '--log-level', 'warn', '--cache', '--cache-strategy', 'content'],
      ...['--cache-location', '.cache/static/prettier.json'],
    ],
  ],
];
const checking = skipStatic
  ? Promise.resolve()
  : Promise.all(
      STATIC.map(([title, [bin, ...rest]]) =>
        start(title, process.execPath, [join('node_modules', bin), ...rest], { nice: true }),
      ),
    );
// The longest files start first: run two at a time, the real editor (about three minutes) and the
// bench's smoke run then overlap the many short files instead of running alone at the end. Then
// the groups (SHARED, below), then the longest files of test/lsp (about 1.5–4.5 s of wall time
// each alone against 0.5–1 s for the others), then the rest by name.
const FIRST = ['e2e', 'bench', 'neovim'].map((d) => join('test', d));
const SLOW = ['bad-input', 'analysis-slices', 'scan-yields'].map((n) => join('test', 'lsp', `${n}.test.ts`));
const rank = (f) => {
  const i = FIRST.findIndex((d) => f.startsWith(d));
  return i < 0 ? FIRST.length : i;
};
const files = findTests('test')
  .filter((f) => !only || f.includes(only))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
// `node --test` given no file runs every file it finds itself, fixtures included: a `--only` that
// matches nothing (a typo, or two paths in one argument) must stop here instead.
if (!files.length) {
  console.error(`npm test: no test file under test/ has "${only ?? ''}" in its path`);
  process.exit(2);
}
// The real editor and the PostgreSQL server are installed (once; cached afterwards) before the
// suites start, as steps of their own: on a fresh machine that takes minutes, and inside a test it
// would count against the test's own timeout and compete with the other suites for the two cores.
if (files.some((f) => f.includes(join('test', 'e2e'))))
  run('set-up: the real editor (code-server, chromium; cached)', process.execPath, ['scripts/e2e-setup.mjs']);
if (files.some((f) => f.includes(join('test', 'neovim'))))
  run('set-up: Neovim from Debian (once)', process.execPath, ['scripts/neovim-setup.mjs']);
if (files.some((f) => f.includes(join('test', 'registry'))))
  run('set-up: PostgreSQL from Debian (cached)', 'bash', ['scripts/ensure-postgres.sh']);
// The files of these folders run as bundles compiled before the run (test-build.mjs: about a second
// of tsx per file saved); bench, e2e and neovim still run from their sources through tsx (each runs
// for minutes, and a second of tsx is lost in them). A folder joins the list once its files pass as
// bundles.
const BUNDLED = ['lsp', 'core', 'tools', 'cli', 'sync', 'hardening', 'registry'].map((d) => join('test', d));
const bundled = files.filter((f) => BUNDLED.some((d) => f.startsWith(d)));
// Files that run the language server in this process (or no server at all) share a process: each
// process costs about half a second of CPU before its first test (node, the test runner, the
// bundle's modules and schemas), more than most of these files' tests. The tests of a group run one
// after the other, in the order of its files, as in one file; each test still has a server of its
// own. A file that changes process.env, or whose timing depends on a quiet event loop, stays alone
// or comes before the files that leave work behind: after playground's replay of the examples'
// traffic, scan-priority took 19 s of CPU in the same process instead of 1.3 s
// (docs/decisions/testing.md).
const SHARED = {
  'test/lsp/in-process.group': [
    'baseline',
    'client-capabilities',
    'detect',
    'early-documents',
    'features',
    'gitignore-scan',
    'in-process',
    'language-adoption',
    'open-all',
    'policy-coverage',
    'policy-test-files',
    'positioned-tree',
    'scan-priority',
    'settings',
    'suppress',
  ],
  // The files with a registry in process: one registry (one PGlite) for the group, an org for each
  // file (test/support/sharedRegistry.ts). impact last, and nothing timing-sensitive after playground.
  'test/lsp/live.group': ['api-key-handover', 'config-live-url', 'sync-plan', 'playground', 'impact'],
  // The short files that spawn dist/server.js (0.5–1 s of wall time each): the fixed cost of a
  // test process is theirs as much as the in-process files', 3.4–3.6 s of CPU apart against
  // 2.6–2.7 s as one group (load 6–7). Each still talks to a server process of its own.
  'test/lsp/spawned.group': [
    'chain',
    'config',
    'diagnostics',
    'dialects',
    'policy-tests',
    'transport',
    'watching',
  ],
};
// The groups whose files never spawn dist/: they start while it is still being built (the
// in-process group is the longest file of test/lsp, 3.3 s of wall time alone, and dist/ takes
// 2–5 s to build). test/lsp/serverProcess.ts refuses to spawn the server in their process.
const WITHOUT_DIST = ['test/lsp/in-process.group'];
// Each group's files that this run has, in the order listed.
const shared = new Map();
for (const [group, names] of Object.entries(SHARED)) {
  const members = names
    .map((name) => join('test', 'lsp', `${name}.test.ts`))
    .filter((f) => bundled.includes(f));
  if (members.length) shared.set(group, members);
}
const grouped = new Set([...shared.values()].flat());
const alone = bundled.filter((f) => !grouped.has(f));
const compiling = Date.now();
const outputs = bundled.length ? await buildTests(alone, shared) : [];
const bundles = new Map(alone.map((f, i) => [f, outputs[i]]));
[...shared.values()].forEach((members, i) => {
  for (const f of members) bundles.set(f, outputs[alone.length + i]);
});
console.log(
  `\n✓ ${outputs.upToDate ? 'up to date:' : 'compiled'} ${bundled.length} test files into ${outputs.length} bundles (${((Date.now() - compiling) / 1000).toFixed(1)}s)`,
);
/** A tsx file's stand-in: it registers tsx in its own process (as `--import tsx`), then loads it. */
function shim(file) {
  const out = join(OUT, file.replace(/\.ts$/, '.mjs'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `await import('tsx');\nawait import(${JSON.stringify(pathToFileURL(resolve(file)).href)});\n`,
  );
  return out;
}
const ordered = files.map((f) => bundles.get(f) ?? shim(f));
// The tests' temporary files go to memory when the machine has a memory file system at /dev/shm
// (Linux) and TMPDIR was not chosen: on this machine's disk, writing scan-yields' 2,500 bundles took
// 1.4 s of system time against 0.02 s in memory, and every test that makes a workspace, a git
// repository or a PGlite directory pays the same way (docs/decisions/testing.md). Removed afterwards.
const MIN_MEMORY_TMP = 4 * 1024 ** 3;
function memoryTmp() {
  if (process.platform !== 'linux' || process.env.TMPDIR) return undefined;
  try {
    accessSync('/dev/shm', constants.W_OK);
    // A container's /dev/shm is often 64 MB: the suites write a few hundred MB at their peak
    // (PGlite data directories, bench corpora, git repositories), so only a roomy one is used.
    const { bavail, bsize } = statfsSync('/dev/shm');
    if (bavail * bsize < MIN_MEMORY_TMP) return undefined;
    const dir = mkdtempSync('/dev/shm/policylens-tests-');
    // Open to every user, sticky, as /tmp is: hostile-paths runs the CLI as another user.
    chmodSync(dir, 0o1777);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  } catch {
    return undefined;
  }
}
const tmp = memoryTmp();
const longFirst = files.filter((f) => rank(f) < FIRST.length).length;
const order = [
  ...new Set([
    ...ordered.slice(0, longFirst),
    ...outputs.slice(alone.length),
    ...SLOW.filter((f) => files.includes(f)).map((f) => bundles.get(f) ?? shim(f)),
    ...ordered.slice(longFirst),
  ]),
];
const entries = writeEntries(RUN, order, new Set(WITHOUT_DIST.map((g) => join(OUT, `${g}.js`))));
const title = `node --test (${files.length} files)`;
console.log(`\n▶ ${title}`);
const started = Date.now();
const testing = spawn(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-concurrency=2', ...entries],
  {
    stdio: 'inherit',
    env: { ...process.env, ...(tmp ? { TMPDIR: tmp } : {}) },
  },
);
// A failed build ends this script (start): the files still waiting for dist/ end with it.
process.on('exit', () => {
  if (testing.exitCode === null && testing.signalCode === null) testing.kill();
});
building.then(() => distBuilt(RUN));
const [status] = await once(testing, 'exit');
await building;
await checking;
const secs = ((Date.now() - started) / 1000).toFixed(1);
if (status !== 0) {
  console.error(`✗ ${title} failed (exit ${status}) after ${secs}s`);
  process.exit(status ?? 1);
}
console.log(`✓ ${title} (${secs}s)`);
