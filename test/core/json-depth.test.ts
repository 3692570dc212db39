// The JSON depth bound (server/src/core/parse/jsonDepth.ts) counts, before jsonc-parser runs, a depth
// never below the one jsonc-parser's visitor reaches, on valid and on broken text alike (strings,
// comments, stray and mismatched brackets, line breaks inside strings), and exactly the depth of a
// valid document; ordinary files stay far below the limit.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { visit } from 'jsonc-parser';
import { jsonDepthCrossing, MAX_JSON_DEPTH } from '../../server/src/core/parse/jsonDepth';
import { FIXTURES } from '../support/fixtures';

/** The smallest limit the text stays within. */
function counted(text: string): number {
  let limit = 0;
  while (jsonDepthCrossing(text, limit) >= 0) limit++;
  return limit;
}

/** The deepest nesting jsonc-parser's visitor reaches, with the options the careful parser uses. */
function jsoncDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  const open = (): void => {
    deepest = Math.max(deepest, ++depth);
  };
  const close = (): void => {
    depth--;
  };
  visit(
    text,
    { onObjectBegin: open, onArrayBegin: open, onObjectEnd: close, onArrayEnd: close },
    { allowTrailingComma: false, disallowComments: true },
  );
  return deepest;
}

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) jsonFiles(path, out);
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

describe('JSON depth bound', () => {
  it('is never below jsonc-parser depth on broken text', () => {
    // Cases where jsonc-parser goes on nesting after an error: a mismatched closing bracket skipped
    // up to a comma, a string cut by a line break, an escape before a quote or a line break, comments.
    const cases = [
      '[},[[',
      '{"a" ] , "b": [[',
      '["\n[[',
      '["\\\n[[',
      '["\\"[[',
      '[1 [ [',
      '[/*[*/[',
      '[// [\n[',
      '[/ [[',
      '[]]][[',
    ];
    for (const text of cases) assert.ok(counted(text) >= jsoncDepth(text), JSON.stringify(text));
    const piece = fc.constantFrom('[', '[', '{', ']', '}', '"', ',', ':', '/', '*', '\\', '\n', '1', '"k":');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const text = pieces.join('');
        assert.ok(counted(text) >= jsoncDepth(text), JSON.stringify(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is the depth of valid JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value, null, 1);
        assert.equal(counted(text), jsoncDepth(text), text);
      }),
      { numRuns: 500 },
    );
  });

  it('the limit: the bracket that opens one level too many', () => {
    // The root object is level 1: the 400th bracket inside it opens level 401.
    const text = `{"a": ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    assert.equal(jsonDepthCrossing(text), '{"a": '.length + MAX_JSON_DEPTH - 1);
    assert.equal(jsonDepthCrossing(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`), -1);
  });

  it('every JSON policy fixture and example but the deep one stays far below the limit', () => {
    const files = [...jsonFiles(FIXTURES), ...jsonFiles(join(__dirname, '..', '..', 'examples'))];
    let highest = 0;
    for (const f of files) {
      // The registry's request fixtures nest on purpose (its body limits); they are no policies.
      if (f.includes(join('lint', 'deep-json')) || f.includes(join('fixtures', 'registry'))) continue;
      highest = Math.max(highest, counted(readFileSync(f, 'utf8')));
    }
    assert.ok(highest <= 20, `highest ${highest}`);
  });
});
