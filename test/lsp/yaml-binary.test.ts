// `!!binary` gets the same answer in this process (analyze), in `dist/cli.js lint` and in the
// language server. The `yaml` package decodes the tag with `Buffer` in its Node build (the CLI's
// bundle), which skips characters that are not base64, and with `atob` in its browser build (the
// server's and the extension's bundle), which throws: invalid base64 was a `yaml/syntax` error in
// the server and no finding in lint. Now the tag is read by the parse layer (yamlBinary.ts): the
// value is its base64 text, and text that is not base64 is `yaml/invalid-binary` on the value.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isBase64 } from '../../server/src/core/parse/yamlBinary';
import { fileUri, LspClient } from './client';
import { findingsEverywhere } from './everywhere';

const head = (name: string) => `name: ${name}\npolicyType: expression\nenforcementMode: block\n`;
const rule = 'ruleDefinition:\n  expression: "true"\n';
const MESSAGE = '!!binary: the value is not base64 (letters, digits, "+" and "/", then at most two "=")';

/** Name, text, and the value the one finding is on (undefined: no finding at all). */
const CASES: [string, string, string | undefined][] = [
  ['invalid base64', `${head('bad')}metadata:\n  logo: !!binary "not*base64!"\n${rule}`, '"not*base64!"'],
  ['a lone last character', `${head('lone')}metadata:\n  logo: !!binary aGVsbG8gd\n${rule}`, 'aGVsbG8gd'],
  [
    'invalid base64 in a block scalar',
    `${head('block')}metadata:\n  logo: !!binary |\n    aGVs\n    b%G8=\n${rule}`,
    '|\n    aGVs\n    b%G8=\n',
  ],
  [
    'the verbatim tag',
    `${head('verbatim')}metadata:\n  logo: !<tag:yaml.org,2002:binary> "@@@@"\n${rule}`,
    '"@@@@"',
  ],
  // A `%YAML 1.1` directive brings that version's schema, whose own `!!binary` (Buffer in one
  // build, atob in the other) was found before ours.
  [
    'under a %YAML 1.1 directive',
    `%YAML 1.1\n---\n${head('yaml11')}metadata:\n  logo: !!binary "not*base64!"\n${rule}`,
    '"not*base64!"',
  ],
  // The tag written with an escape, or through a %TAG prefix: no `binary` in the text.
  ['an escaped tag', `${head('escaped')}metadata:\n  logo: !!bin%61ry "@@@@"\n${rule}`, '"@@@@"'],
  [
    'a %TAG prefix',
    `%TAG !x! tag:yaml.org,2002:bin\n---\n${head('prefixed')}metadata:\n  logo: !x!ary "@@@@"\n${rule}`,
    '"@@@@"',
  ],
  [
    'valid base64 over lines',
    `${head('good')}metadata:\n  logo: !!binary |\n    aGVsbG8g\n    d29ybGQ=\n${rule}`,
    undefined,
  ],
  [
    'valid base64 without its padding',
    `${head('unpadded')}metadata:\n  logo: !!binary aGVsbG8\n${rule}`,
    undefined,
  ],
  // The value is the base64 text, a string: a field that wants a string takes it in every build.
  [
    'a binary name',
    `name: !!binary aGVsbG8=\npolicyType: expression\nenforcementMode: block\n${rule}`,
    undefined,
  ],
];

describe('!!binary, in every process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-binary-'));
  const client = new LspClient();
  before(() => client.initialize({ rootUri: fileUri(dir) }));
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  CASES.forEach(([name, text, value], n) => {
    it(name, async () => {
      const path = join(dir, `binary-${n}.yaml`);
      const { engine, lint, server, lines, uri } = await findingsEverywhere(client, path, text);
      client.close(uri);
      assert.deepEqual(server, lint, 'the language server and dist/cli.js lint');
      assert.deepEqual(engine, lint, 'in process and dist/cli.js lint');
      if (value === undefined) assert.deepEqual(engine, []);
      else {
        const at = text.indexOf(value);
        const range = { start: lines.positionAt(at), end: lines.positionAt(at + value.length) };
        assert.deepEqual(engine, [{ code: 'yaml/invalid-binary', message: MESSAGE, range }]);
      }
    });
  });

  it('the base64 check accepts what atob accepts', () => {
    const samples = [
      '',
      'aGVsbG8=',
      'aGVsbG8',
      'aGVsbA==',
      'aGVsbA',
      'a',
      'aGVsbG8gd',
      'ab=c',
      'ab==',
      'a===',
      '+/+/',
      '-_',
    ];
    for (let i = 0; i < 300; i++) {
      const alphabet = 'ABCab019+/=-_*';
      let s = '';
      for (let k = (i * 7) % 11; k > 0; k--) s += alphabet[(i * 31 + k * 17) % alphabet.length];
      samples.push(s);
    }
    for (const s of samples) {
      let expected = true;
      try {
        atob(s);
      } catch {
        expected = false;
      }
      assert.equal(isBase64(s), expected, JSON.stringify(s));
    }
  });
});
