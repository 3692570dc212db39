// YAML whose value nests past the depth bound only once its aliases are resolved (an anchor used
// inside another deep structure, a chain of such anchors, an alias inside its own anchor) gets one
// `parse/too-deep` on the alias, the same in this process (analyze), in `dist/cli.js lint` and in
// the language server; `sync` leaves the bundle out. The text's bound (depth.ts) does not see
// through aliases: before, lint and the server called such files valid, and `sync` died with
// "Maximum call stack size exceeded" on a chain 2,376 levels deep and on a cycle. An alias bomb
// (billion laughs) stays `yaml/alias-limit` everywhere; aliases within the bound stay analysed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI } from '../hardening/support/cli';
import { serve, type Serve } from '../hardening/support/registry';
import { fileUri, LspClient } from './client';
import { findingsEverywhere } from './everywhere';

const head = (name: string) => `name: ${name}\npolicyType: expression\nenforcementMode: block\n`;
/** `depth` flow mappings around `inner`. */
const nest = (depth: number, inner: string) => `${'{k: '.repeat(depth)}${inner}${'}'.repeat(depth)}`;
const TOO_DEEP = 'the document is nested too deeply to analyse';

/** Name, text, and the alias (its first occurrence after `after`) the finding is on, or undefined. */
const CASES: [string, string, { alias: string; after: string; message: string } | undefined][] = [
  [
    'an anchor 300 deep used inside another 300-deep structure',
    `${head('deep-300')}metadata:\n  inner: &deep ${nest(300, '1')}\nruleDefinition:\n  expression: "true"\n  context: ${nest(300, '*deep')}\n`,
    { alias: '*deep', after: 'context', message: `${TOO_DEEP}: the alias *deep takes it past 400 levels` },
  ],
  [
    'a chain of six anchors 396 deep (2,376 levels)',
    `${head('deep-chain')}metadata:\n  x0: &a0 ${nest(396, '1')}\n${[1, 2, 3, 4, 5]
      .map((i) => `  x${i}: &a${i} ${nest(396, `*a${i - 1}`)}\n`)
      .join('')}ruleDefinition:\n  expression: "true"\n  context: *a5\n`,
    { alias: '*a0', after: 'x1', message: `${TOO_DEEP}: the alias *a0 takes it past 400 levels` },
  ],
  [
    'an alias inside its own anchor',
    `${head('cycle')}metadata: &meta\n  owner: team\n  self: *meta\nruleDefinition:\n  expression: "true"\n`,
    {
      alias: '*meta',
      after: 'self',
      message: `${TOO_DEEP}: the alias *meta is inside its own anchor, so its value nests without end`,
    },
  ],
  [
    'an anchor 150 deep used 200 deep: within the bound',
    `${head('within')}metadata:\n  inner: &deep ${nest(150, '1')}\nruleDefinition:\n  expression: "true"\n  context: ${nest(200, '*deep')}\n`,
    undefined,
  ],
  [
    'billion laughs (9 levels)',
    `${head('laughs')}metadata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n${'bcdefghi'
      .split('')
      .map((c, i) => `  ${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]\n`)
      .join('')}ruleDefinition:\n  expression: "true"\n`,
    undefined,
  ],
];

describe('YAML past the depth bound through its aliases, in every process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-alias-depth-'));
  const client = new LspClient();
  before(() => client.initialize({ rootUri: fileUri(dir) }));
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  CASES.forEach(([name, text, expected], n) => {
    it(name, async () => {
      const path = join(dir, `alias-${n}.yaml`);
      const { engine, lint, server, lines, uri } = await findingsEverywhere(client, path, text);
      // The editor's requests on the file are answered, at the last alias (the deepest value), and
      // no handler fails: the positioned tree keeps aliases as leaves.
      const td = { textDocument: { uri } };
      const position = lines.positionAt(text.lastIndexOf('*') + 1);
      const logged = client.logs.length;
      await Promise.all([
        client.request('textDocument/hover', { ...td, position }),
        client.request('textDocument/completion', { ...td, position }),
        client.request('textDocument/documentSymbol', td),
        client.request('textDocument/foldingRange', td),
        client.request('textDocument/codeAction', {
          ...td,
          range: { start: position, end: position },
          context: { diagnostics: [] },
        }),
      ]);
      const failures = client.logs.slice(logged).filter((m) => /fail|call stack|RangeError/i.test(m));
      assert.deepEqual(failures, [], 'handler failures logged');
      client.close(uri);
      assert.deepEqual(server, lint, 'the language server and dist/cli.js lint');
      assert.deepEqual(engine, lint, 'in process and dist/cli.js lint');
      if (expected) {
        const at = text.indexOf(expected.alias, text.indexOf(expected.after));
        const range = { start: lines.positionAt(at), end: lines.positionAt(at + expected.alias.length) };
        assert.deepEqual(engine, [{ code: 'parse/too-deep', message: expected.message, range }]);
      } else {
        const codes = engine.map((f) => f.code);
        assert.ok(!codes.includes('parse/too-deep'), codes.join());
        if (name.startsWith('billion')) assert.deepEqual(codes, ['yaml/alias-limit']);
      }
    });
  });

  describe('sync', () => {
    const KEY = 'pl_alias_depth_test_key_0123456789';
    let registry: Serve;
    before(async () => {
      registry = await serve(['--data-dir', join(dir, 'registry'), '--org', 'acme'], {
        POLICYLENS_SEED_KEY: KEY,
      });
    });
    after(() => registry.stop());

    it('leaves the bundles out that lint reports, instead of running out of stack', () => {
      const bundles = join(dir, 'bundles');
      mkdirSync(bundles);
      writeFileSync(join(bundles, 'chain.yaml'), CASES[1][1]);
      writeFileSync(join(bundles, 'cycle.yaml'), CASES[2][1]);
      const r = spawnSync(process.execPath, [CLI, 'sync', bundles, '--url', registry.url], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, POLICYLENS_API_KEY: KEY },
      });
      assert.doesNotMatch(r.stdout + r.stderr, /call stack/);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout + r.stderr, /the alias \*a0 takes it past 400 levels/);
      assert.match(r.stdout + r.stderr, /the alias \*meta is inside its own anchor/);
    });
  });
});
