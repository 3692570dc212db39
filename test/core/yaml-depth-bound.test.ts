// The shortcut of the YAML depth bound (server/src/core/parse/depth.ts, `depthBoundFits`): when it
// says a text cannot pass a limit, the full scan must agree. Checked at every limit from 0 up to
// the text's own bound, where the shortcut is most tempted to be wrong, on random texts made of the
// characters the scan reads and on every YAML file of the fixtures and the repository's examples.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { depthBoundFits, scanDepthCrossing, yamlDepthCrossing } from '../../server/src/core/parse/depth';

const REPO = join(__dirname, '..', '..');

/** The shortcut never answers "fits" where the scan crosses, at any limit up to past the text's bound. */
function checkAllLimits(text: string): number {
  let skipped = 0;
  let crossing = 0;
  for (let limit = 0; crossing >= 0 && limit < 2 * text.length + 8; limit++) {
    crossing = scanDepthCrossing(text, limit);
    if (depthBoundFits(text, limit)) {
      skipped++;
      assert.equal(crossing, -1, `limit ${limit}: ${JSON.stringify(text.slice(0, 200))}`);
    }
    assert.equal(yamlDepthCrossing(text, limit), crossing);
  }
  return skipped;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** Characters the scan treats specially, with some text and line breaks between them. */
const CHARS = [
  ' ',
  ' ',
  '  ',
  '\n',
  '\n',
  '\r\n',
  '\t',
  'a',
  'key',
  '-',
  ':',
  '?',
  ',',
  '#',
  '[',
  ']',
  '{',
  '}',
];
const MORE = ['"', "'", '\\', '|', '>', '|2', '>-', '&a', '*a', '!t', '---', '...'];

describe('yaml depth bound: the shortcut', () => {
  it('never skips a text the scan finds too deep, on random texts', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CHARS, ...MORE), { maxLength: 120 }), (parts) => {
        checkAllLimits(parts.join(''));
      }),
      { numRuns: 3000 },
    );
  });

  it('never skips a text the scan finds too deep, on nested shapes', () => {
    const nested = fc.array(fc.constantFrom('[', '{', '- ', 'k: ', '  ', '\n', '? ', ', ', ']', '}'), {
      maxLength: 200,
    });
    fc.assert(
      fc.property(nested, (parts) => void checkAllLimits(parts.join(''))),
      { numRuns: 2000 },
    );
  });

  it('never skips a fixture or example the scan finds too deep, and skips the ordinary ones', () => {
    const files = yamlFiles(join(REPO, 'test', 'fixtures')).concat(yamlFiles(join(REPO, 'examples')));
    assert.ok(files.length > 50, `${files.length} YAML files`);
    let skippedAtDefault = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      checkAllLimits(text.slice(0, 4000));
      if (depthBoundFits(text, 400)) skippedAtDefault++;
    }
    // The point of the shortcut: most policies never need the scan.
    assert.ok(skippedAtDefault > files.length / 2, `${skippedAtDefault} of ${files.length}`);
  });
});
