#!/usr/bin/env node
// `npm start`: the Policy Lens playground. Builds everything, starts `policylens serve` with a demo org
// whose live policies make the examples show a create, an update and a no-op, packages the extension
// and installs the .vsix into a local VS Code (code-server), opens examples/ in it with the API URL and
// a demo key set, and prints the URL to open. Ctrl+C stops everything it started.
//
// Options: --port N (code-server's port, default: a free one), --keep (keep the demo org's database
// and the VS Code profile from the last run instead of starting fresh).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { demoLivePolicies, PLAYGROUND_SETTINGS } from './demo-org.mjs';
import { ensureE2E } from './e2e-setup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const portArg = args.includes('--port') ? Number(args[args.indexOf('--port') + 1]) : undefined;
const DEMO_KEY = 'plk_demo_playground';
const DEMO_ORG = 'demo';
const playDir = join(root, '.cache', 'playground');

const say = (msg) => process.stderr.write(`[start] ${msg}\n`);

function step(title, cmd, cmdArgs) {
  say(title);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error(`${title} failed (exit ${r.status})`);
}

async function startRegistry() {
  const dataDir = join(playDir, 'registry');
  if (!keep) rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(
    process.execPath,
    [join(root, 'dist', 'registry.js'), '--port', '0', '--data-dir', dataDir, '--org', DEMO_ORG],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, POLICYLENS_SEED_KEY: DEMO_KEY },
    },
  );
  let out = '';
  const url = await new Promise((resolveUrl, reject) => {
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolveUrl(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`policylens serve exited (${code}): ${out}`)));
  });
  const api = async (method, path, body) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { 'X-API-Key': DEMO_KEY, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  };
  for (const policy of demoLivePolicies(root, say)) {
    const existing = await api('GET', `/policies?name=${encodeURIComponent(policy.name)}`);
    if (existing.json?.meta?.total > 0) continue;
    const created = await api('POST', '/policies', policy);
    if (created.status !== 201)
      throw new Error(`seeding "${policy.name}" failed: ${JSON.stringify(created.json)}`);
  }
  return { url, child };
}

async function main() {
  step('building dist/', process.execPath, ['esbuild.mjs']);
  const paths = ensureE2E();
  mkdirSync(playDir, { recursive: true });
  const vsix = join(playDir, 'policy-lens.vsix');
  // `npm run package` without its own build (dist/ was just built): the .vsix a user installs.
  step('packaging the extension', process.execPath, [
    join(root, 'scripts', 'package.mjs'),
    '--no-build',
    '--out',
    vsix,
  ]);

  // The code-server helpers are TypeScript shared with the e2e tests.
  const cs = await tsImport(
    pathToFileURL(join(root, 'test', 'e2e', 'harness', 'codeServer.ts')).href,
    import.meta.url,
  );

  say('starting policylens serve with the demo org');
  const registry = await startRegistry();
  const profileDir = join(playDir, 'vscode');
  // A fresh VS Code profile too (unless --keep): a Sign Out in an earlier run must not stick.
  if (!keep) rmSync(profileDir, { recursive: true, force: true });
  // With the recorded traffic of examples/traffic: each pending change's impact shows beside the plan.
  const settings = { 'policyLens.apiUrl': registry.url, ...PLAYGROUND_SETTINGS };
  say('installing the .vsix into code-server');
  cs.installVsix(paths, profileDir, vsix, settings);
  const server = await cs.startCodeServer({
    paths,
    workDir: profileDir,
    settings,
    port: portArg,
    // The extension moves this key into VS Code's secret storage on first start (see client/src/apiKey.ts).
    env: { POLICYLENS_API_KEY: DEMO_KEY },
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await server.stop();
    const exited = new Promise((r) => registry.child.once('exit', r));
    registry.child.kill('SIGTERM');
    await exited;
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  registry.child.once('exit', () => {
    if (!stopping) {
      say('policylens serve stopped unexpectedly');
      void stop();
    }
  });

  const url = server.workbenchUrl(join(root, 'examples'));
  console.log(`
Policy Lens playground
  VS Code:   ${url}
  live org:  ${registry.url}  (org "${DEMO_ORG}", API key ${DEMO_KEY})
Open the Policy Lens view in the activity bar: the Sync view shows creates, an update and a no-op,
each change with its impact on the recorded traffic of examples/traffic/events.jsonl.
Press Ctrl+C to stop.`);
}

main().catch((err) => {
  say(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
