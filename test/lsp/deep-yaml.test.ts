// YAML nested past the depth bound gets the same single `parse/too-deep` finding in this process
// (analyze), in `dist/cli.js lint` and in the language server (`dist/server.js`), on the character
// that passes the bound. Before the bound,
// each process found the depth where its own stack ran out: 1,000 unclosed braces were
// `parse/too-deep` in lint and a `yaml/syntax` error in the server, 1,000 nested block sequences
// `parse/too-deep` in lint and schema findings in the server and here.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../hardening/support/cli';
import { fileUri, LspClient } from './client';
import { findingsEverywhere } from './everywhere';

const HEAD = 'name: deep\npolicyType: expression\nenforcementMode: block\n';
/** Each text, and the line and column of the character that passes the bound of 400 (depth.ts). */
const CASES: [string, string, number, number][] = [
  // `ruleDefinition:` holds column 0 (2 of the 400), each brace adds 1: the 399th passes it.
  ['800 unclosed braces', `${HEAD}ruleDefinition: ${'{'.repeat(800)}\n`, 3, 16 + 398],
  ['1,000 unclosed braces', `${HEAD}ruleDefinition: ${'{'.repeat(1000)}\n`, 3, 16 + 398],
  ['1,500 unclosed braces', `${HEAD}ruleDefinition: ${'{'.repeat(1500)}\n`, 3, 16 + 398],
  // A bracket adds 2: the 200th.
  ['1,000 closed brackets', `${HEAD}ruleDefinition: ${'['.repeat(1000)}${']'.repeat(1000)}\n`, 3, 16 + 199],
  // Columns 0, 2 and 4 hold 6; each further entry's column 2: the 199th entry.
  [
    '1,000 nested block sequences',
    `${HEAD}ruleDefinition:\n  tools:\n    ${'- '.repeat(1000)}x\n`,
    5,
    4 + 2 * 198,
  ],
];
const expected = (line: number, character: number) => [
  {
    code: 'parse/too-deep',
    message: 'the document is nested too deeply to analyse',
    range: { start: { line, character }, end: { line, character: character + 1 } },
  },
];

describe('YAML past the depth bound, in every process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-deep-yaml-'));
  const client = new LspClient();
  before(() => client.initialize({ rootUri: fileUri(dir) }));
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  CASES.forEach(([name, text, line, character], n) => {
    const EXPECTED = expected(line, character);
    it(name, async () => {
      const path = join(dir, `deep-${n}.yaml`);
      const { engine, lint, server, status, uri } = await findingsEverywhere(client, path, text);
      assert.deepEqual(engine, EXPECTED, 'in process');
      assert.equal(status, 1);
      assert.deepEqual(lint, EXPECTED, 'dist/cli.js lint');
      assert.deepEqual(server, EXPECTED, 'the language server');
      client.close(uri);
    });
  });

  it('an event file as deep: eval refuses it with the same words', () => {
    const path = join(dir, 'event.yaml');
    writeFileSync(path, `tool: ${'{'.repeat(1000)}\n`);
    const r = runCli(['eval', join(__dirname, '..', '..', 'examples', 'policies'), '--event', path]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /event\.yaml:1:405 does not parse: the document is nested too deeply to analyse/);
  });
});
