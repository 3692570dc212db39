// The depth bound taken before either YAML parser runs (server/src/core/parse/depth.ts): ordinary
// documents stay far below it, however long or deeply indented their scalars; nesting past it is
// refused, the same `parse/too-deep` through the fast and the careful path.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../server/src/core/index';
import { ParsedDocument } from '../../server/src/core/parse';
import { MAX_YAML_DEPTH, yamlMayNestDeeper } from '../../server/src/core/parse/depth';
import { parseYamlPositioned } from '../../server/src/core/parse/yaml';

const REPO = join(__dirname, '..', '..');
const HEAD = 'name: deep\npolicyType: expression\nenforcementMode: block\n';

/** The smallest limit the text stays within. */
function bound(text: string): number {
  let b = 0;
  while (yamlMayNestDeeper(text, b)) b++;
  return b;
}

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** The finding, on the character that opens the level too many. */
const tooDeep = (start: number) => ({
  code: 'parse/too-deep',
  severity: 'error',
  message: 'the document is nested too deeply to analyse',
  span: { start, end: start + 1 },
});

describe('YAML depth bound', () => {
  it('every YAML fixture and example stays far below the limit', () => {
    const files = [...yamlFiles(join(REPO, 'test', 'fixtures')), ...yamlFiles(join(REPO, 'examples'))];
    assert.ok(files.length > 100, `${files.length} files`);
    let highest = 0;
    for (const f of files) highest = Math.max(highest, bound(readFileSync(f, 'utf8')));
    assert.ok(highest <= 40, `highest bound ${highest}`);
  });

  it('ordinary documents: deep indentation inside block scalars, long flow lists, stray quotes and brackets', () => {
    const deepCel = Array.from(
      { length: 300 },
      (_, i) => ' '.repeat(4 + i) + `(a[${i}] == "it's" || b['{'] # [[`,
    ).join('\n');
    const cases: [string, string][] = [
      [
        'a literal CEL expression indented 300 levels inside',
        `${HEAD}ruleDefinition:\n  expression: |\n${deepCel}\n    && true\n`,
      ],
      [
        'the same folded, with chomping and an indentation indicator',
        `${HEAD}ruleDefinition:\n  expression: >-2\n${deepCel}\n`,
      ],
      [
        'a flow list of 20,000 items',
        `${HEAD}ruleDefinition:\n  tools: [${Array.from({ length: 20_000 }, (_, i) => `t${i}`).join(', ')}]\n`,
      ],
      [
        'a flow mapping of 5,000 keys over many lines',
        `${HEAD}ruleDefinition: {\n${Array.from({ length: 5000 }, (_, i) => `  k${i}: [${i}, {x: "]]"}]`).join(',\n')}\n}\n`,
      ],
      [
        '10,000 block list items of quoted patterns with unbalanced brackets',
        `${HEAD}ruleDefinition:\n  patterns:\n${Array.from({ length: 10_000 }, (_, i) => `    - "[[[{ ${i}"\n    - '{{[ ''${i}'`).join('\n')}\n`,
      ],
      [
        'plain scalars and comments with brackets',
        `${HEAD}# [[[[[[[[[[\nruleDefinition:\n  a: x[[[[[[[[[[[[[[[[[[[[\n  b: it's [[[[ # {{{{{{{{\n  c: "multi\n    line [[[[[[ string"\n  d: 'another\n    [[[[[[[['\n`,
      ],
      [
        'pretty-printed flow nesting 20 levels',
        `${HEAD}ruleDefinition:\n  x: ${'[\n'.repeat(20)}1${'\n]'.repeat(20)}\n`,
      ],
    ];
    for (const [name, text] of cases) {
      const b = bound(text);
      assert.ok(b <= 60, `${name}: bound ${b}`);
      assert.ok(
        !analyze(text, { fileName: 'p.yaml' }).findings.some((f) => f.code === 'parse/too-deep'),
        name,
      );
    }
  });

  it('the bound is at least the depth of each kind of nesting', () => {
    assert.ok(bound(`x: ${'{'.repeat(50)}`) >= 50);
    assert.ok(bound(`x: ${'['.repeat(50)}${']'.repeat(50)}`) >= 50);
    assert.ok(bound(`x:\n  ${'- '.repeat(50)}x\n`) >= 50);
    const maps = Array.from({ length: 50 }, (_, i) => ' '.repeat(i) + 'k:').join('\n');
    assert.ok(bound(maps) >= 50);
    const zeroIndented = Array.from(
      { length: 25 },
      (_, i) => ' '.repeat(2 * i) + 'k:\n' + ' '.repeat(2 * i) + '- ',
    ).join('');
    assert.ok(bound(zeroIndented + 'x\n') >= 50);
    // What a quote, a block scalar or a flow collection left open ends at an unindented line, as
    // the yaml package's lexer ends it: the lines after it are counted.
    for (const opener of ['"unclosed', "'unclosed", '|', '>', '[a,'])
      assert.ok(bound(`a:\n  b: ${opener}\n${'['.repeat(300)}\n`) >= 300, opener);
  });

  it('past the limit: one parse/too-deep from the fast path, the careful path and analyze()', () => {
    // Each text with the offset the bound passes the limit at: `ruleDefinition:` holds column 0
    // (2 of the 400), a brace adds 1, a bracket 2, each further column of entries 2.
    const at = (text: string, marker: string, nth: number) => text.split(marker, nth).join(marker).length;
    const braces = `${HEAD}ruleDefinition: ${'{'.repeat(MAX_YAML_DEPTH + 1)}\n`;
    const brackets = `${HEAD}ruleDefinition: ${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}\n`;
    const entries = `${HEAD}ruleDefinition:\n  tools:\n    ${'- '.repeat(MAX_YAML_DEPTH / 2)}x\n`;
    const many = `${HEAD}ruleDefinition:\n  tools:\n    ${'- '.repeat(10_000)}x\n`;
    const deep: [string, number][] = [
      [braces, at(braces, '{', MAX_YAML_DEPTH - 1)],
      [brackets, at(brackets, '[', MAX_YAML_DEPTH / 2)],
      [entries, at(entries, '- ', MAX_YAML_DEPTH / 2 - 1)],
      [many, at(many, '- ', MAX_YAML_DEPTH / 2 - 1)],
    ];
    for (const [text, offset] of deep) {
      const TOO_DEEP = tooDeep(offset);
      assert.deepEqual(new ParsedDocument(text, 'yaml').parseFindings, [TOO_DEEP]);
      assert.deepEqual(parseYamlPositioned(text).findings, [TOO_DEEP]);
      const findings = analyze(text, { fileName: 'p.yaml' }).findings;
      assert.deepEqual(
        findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, span: f.span })),
        [TOO_DEEP],
      );
    }
  });
});
