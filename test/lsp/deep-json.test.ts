// JSON nested past the depth bound gets the same single `parse/too-deep` finding, on the bracket
// that opens the level too many, in this process (analyze), in `dist/cli.js lint` and in the
// language server (`dist/server.js`); a document within the bound gets the same findings in all
// three. Before the bound (jsonDepth.ts), each process found the depth where its own stack ran out:
// 5,000 closed arrays or objects and 5,000 unclosed brackets were `parse/too-deep` at the file's
// start in lint, and schema findings or 1,000 `json/syntax` errors in the server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../server/src/core/parse/jsonDepth';
import { fileUri, LspClient } from './client';
import { findingsEverywhere } from './everywhere';

const HEAD =
  '{\n  "name": "deep",\n  "policyType": "expression",\n  "enforcementMode": "block",\n  "ruleDefinition": ';
const arrays = (n: number) => `${HEAD}${'['.repeat(n)}${']'.repeat(n)}\n}\n`;
const objects = (n: number) => `${HEAD}${'{"a":'.repeat(n)}1${'}'.repeat(n)}\n}\n`;
const CASES: [string, string][] = [
  ['5,000 closed arrays', arrays(5000)],
  ['5,000 nested objects', objects(5000)],
  ['100,000 closed arrays', arrays(100_000)],
  ['5,000 unclosed brackets', `${HEAD}${'['.repeat(5000)}\n`],
  ['one level past the bound', arrays(MAX_JSON_DEPTH)],
  ['at the bound', arrays(MAX_JSON_DEPTH - 1)],
  ['objects at the bound', objects(MAX_JSON_DEPTH - 1)],
  [
    'brackets inside strings and a comment do not count',
    `${HEAD}["${'['.repeat(5000)}"] // ${'{'.repeat(5000)}\n}\n`,
  ],
];

/** The offset of the bracket that opens level MAX_JSON_DEPTH + 1 (the root is level 1), if any. */
function crossing(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '"' || c === '\n') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '/' && text[i + 1] === '/') i = text.indexOf('\n', i);
    else if (c === '[' || c === '{') {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === ']' || c === '}') depth--;
  }
  return -1;
}

describe('JSON past the depth bound, in every process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-deep-json-'));
  const client = new LspClient();
  before(() => client.initialize({ rootUri: fileUri(dir) }));
  after(async () => {
    await client.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  CASES.forEach(([name, text], n) => {
    it(name, async () => {
      // Each file its own name: the server reports bundles of one name across its workspace.
      const path = join(dir, `deep-${n}.json`);
      const written = text.replace('"deep"', `"deep-${n}"`);
      const { engine, lint, server, lines, uri } = await findingsEverywhere(client, path, written);
      assert.deepEqual(server, lint, 'the language server and dist/cli.js lint');
      assert.deepEqual(engine, lint, 'in process and dist/cli.js lint');
      const at = crossing(written);
      if (at >= 0)
        assert.deepEqual(engine, [
          {
            code: 'parse/too-deep',
            message: 'the document is nested too deeply to analyse',
            range: { start: lines.positionAt(at), end: lines.positionAt(at + 1) },
          },
        ]);
      else assert.ok(!engine.some((f) => f.code === 'parse/too-deep'));
      client.close(uri);
    });
  });
});
