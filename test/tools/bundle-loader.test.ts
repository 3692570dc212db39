// The one bundle of the extension and the language server, packed with brotli, and its two loaders
// (server/src/boot/): the packed file is the bundle, the extension's loader leaves the server's side
// unevaluated (and the reverse), and the server inflates the bundle once and compiles it through
// V8's code cache, both kept once per bundle, with the same answers with and without them; CEL's
// library is evaluated only when an expression is checked, and the modules of Node's the server
// defers only when something uses them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { brotliDecompressSync } from 'node:zlib';
import { readPacked } from '../../server/src/boot/bundle';
import { runInWorker } from '../../server/src/lsp/impact/worker';
import { LspClient } from '../lsp/client';

const DIST = join(__dirname, '..', '..', 'dist');
const BROKEN = 'name: guard\npolicyType: pii_access\nenforcementMode: allow\nruleDefinition: {}\n';
/** A policy with a CEL expression, whose check needs CEL's library (loaded on its first use). */
const CEL =
  "name: freeze\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: 'phase == ''pre'' &&'\n";

describe('the packed bundle and its loaders', () => {
  const home = mkdtempSync(join(tmpdir(), 'policylens-bundle-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const cacheFiles = () => {
    try {
      return readdirSync(join(home, 'policylens', 'v8')).filter((n) => n.endsWith('-server.bin'));
    } catch {
      return [];
    }
  };

  it('packs exactly the bundle that dist/ holds unpacked, after a line that names its hash', () => {
    const { sha256, packed } = readPacked(join(DIST, 'policylens.js.br'));
    const text = readFileSync(join(DIST, 'policylens.js'));
    assert.ok(brotliDecompressSync(packed).equals(text));
    assert.equal(sha256, createHash('sha256').update(text).digest('base64url'));
  });

  it("the extension's loader evaluates neither side until VS Code activates it", () => {
    // Outside VS Code there is no `vscode` module: requiring it would throw. The server's side would
    // start listening on the standard input and keep the process alive.
    const r = spawnSync(
      process.execPath,
      [
        '-e',
        `const m = require(${JSON.stringify(join(DIST, 'extension.js'))}); console.log(Object.keys(m).sort().join(','))`,
      ],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, XDG_CACHE_HOME: home } },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'activate,deactivate');
  });

  it('the server writes its code cache once and answers the same with it', async () => {
    const run = async () => {
      const c = new LspClient(['--stdio'], { ...process.env, XDG_CACHE_HOME: home });
      try {
        await c.initialize();
        const uri = 'file:///ws/policies/guard.yaml';
        c.open(uri, BROKEN);
        const { diagnostics } = await c.waitForDiagnostics(uri);
        const started = c.logs.find((l) => l.includes('initialized at')) ?? '';
        // The loader writes a missing cache 3 s after the start (boot/bundle.ts).
        for (let waited = 0; !cacheFiles().length && waited < 20_000; waited += 200)
          await new Promise((r) => setTimeout(r, 200));
        return { diagnostics, started };
      } finally {
        await c.shutdown();
      }
    };
    const first = await run();
    assert.match(first.started, /inflated in [\d.]+ ms, compiled [\d.]+ ms \(without a code cache/);
    assert.equal(cacheFiles().length, 1);
    const second = await run();
    assert.match(
      second.started,
      /its text read from the cache in [\d.]+ ms, compiled [\d.]+ ms \(with the code cache/,
    );
    const texts = readdirSync(join(home, 'policylens', 'v8')).filter((n) => n.endsWith('.js'));
    assert.equal(texts.length, 1, 'the inflated text is kept once');
    assert.deepEqual(second.diagnostics, first.diagnostics);
    assert.ok(
      first.diagnostics.some((d) => d.code === 'schema/enum'),
      JSON.stringify(first.diagnostics),
    );
    assert.equal(cacheFiles().length, 1, 'the second start wrote nothing');
  });

  it("checks a policy's CEL expression, with CEL's library evaluated at its first use", async () => {
    // The engine's CEL library is a stand-in until an expression is checked (esbuild.mjs lazyCel).
    const c = new LspClient(['--stdio'], { ...process.env, XDG_CACHE_HOME: home });
    try {
      await c.initialize();
      c.open('file:///ws/policies/freeze.yaml', CEL);
      const { diagnostics } = await c.waitForDiagnostics('file:///ws/policies/freeze.yaml');
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['cel/syntax'],
        JSON.stringify(diagnostics),
      );
    } finally {
      await c.shutdown();
    }
  });

  it("a later start loads none of Node's deferred modules", async () => {
    // A preload that writes, as the process ends, which of Node's modules it loaded. With it the
    // cache is another one (the cache's name includes Node's flags): the first start writes it.
    const report = join(home, 'modules.txt');
    const preload = join(home, 'modules.js');
    writeFileSync(
      preload,
      `process.once('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, process.moduleLoadList.join('\\n')));`,
    );
    const start = async (wait: boolean) => {
      const c = new LspClient(['--stdio'], { ...process.env, XDG_CACHE_HOME: home }, ['--require', preload]);
      try {
        await c.initialize();
        c.open('file:///ws/policies/guard.yaml', BROKEN);
        await c.waitForDiagnostics('file:///ws/policies/guard.yaml');
        const before = cacheFiles().length;
        for (let waited = 0; wait && cacheFiles().length === before && waited < 20_000; waited += 200)
          await new Promise((r) => setTimeout(r, 200));
        return c.logs.find((l) => l.includes('initialized at')) ?? '';
      } finally {
        await c.shutdown();
      }
    };
    await start(true);
    assert.match(await start(false), /its text read from the cache .* \(with the code cache/);
    // Neither the server's start nor its first analysis needed these (boot/server.ts DEFERRED).
    const loaded = readFileSync(report, 'utf8').split('\n');
    for (const m of ['child_process', 'crypto', 'readline', 'worker_threads', 'zlib'])
      assert.ok(
        !loaded.includes(`NativeModule ${m}`),
        `${m} is loaded only when used: ${loaded.filter((l) => l.startsWith('NativeModule')).join(' ')}`,
      );
  });

  it("runs the impact's replay on a worker thread started from the server's loader", async () => {
    // The worker is dist/server.js again: it must know itself as the worker without the modules
    // the server defers, then load worker_threads, readline and zlib as the replay uses them.
    const run = await runInWorker(
      join(DIST, 'server.js'),
      { files: [], baseline: [], variants: [{ id: 'v', sources: [] }], examples: 0 },
      new AbortController().signal,
    );
    assert.equal(run.error, undefined);
    assert.ok(run.reports.v, JSON.stringify(run));
  });
});
