// The language server places findings with the tree that js-yaml's events give on the fast path
// (server/src/core/parse/events.ts) instead of a second parse by the `yaml` package: that is what
// keeps a keystroke in a 5,000-line bundle cheap. Both trees must be identical, or a finding would
// move between `policylens lint` and the editor. This compares them on every YAML fixture, on each
// fixture with one line deleted, and on prefixes of it (the states of a file while it is typed).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AstNode } from '../../server/src/core/index';
import { parseFast } from '../../server/src/core/parse/fast';
import { parseYamlPositioned } from '../../server/src/core/parse/yaml';
import { FIXTURES } from '../support/fixtures';

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

/** The tree without parent links, as comparable JSON. */
function shape(n: AstNode | null): unknown {
  if (!n) return n;
  switch (n.type) {
    case 'object':
      return {
        o: [n.offset, n.end, n.flow],
        p: n.properties.map((p) => [shape(p.key), shape(p.value), p.offset, p.end]),
      };
    case 'array':
      return { a: [n.offset, n.end, n.flow], i: n.items.map(shape) };
    case 'alias':
      return ['alias', n.value, n.offset, n.end];
    default:
      return [n.type, n.value, n.style, n.offset, n.end];
  }
}

/**
 * The fast path's own tree, from the events it parsed (as the server gets it); undefined when the
 * fast path does not apply (the careful path builds the tree then).
 */
function fastTree(text: string): AstNode | null | undefined {
  return parseFast(text, 'yaml')?.tree?.();
}

/** Each text takes the fast path, and its tree is the `yaml` package's. */
function sameTreesOnTheFastPath(texts: string[]): void {
  for (const v of texts) {
    const fast = fastTree(v);
    assert.notEqual(fast, undefined, `the fast path takes ${JSON.stringify(v)}`);
    assert.deepEqual(shape(fast ?? null), shape(parseYamlPositioned(v).root), `tree of ${JSON.stringify(v)}`);
  }
}

describe('positioned tree from js-yaml events', () => {
  // Block scalars whose last lines hold only spaces: blank when no deeper than the block's
  // indentation, content when deeper (the state of a CEL expression while it is typed).
  it('block scalars ending in lines of spaces', () => {
    const texts = [
      'a: |\n  x &&\n   ',
      'a: |\n  x &&\n   \n',
      'a: |\n  x &&\n\n   ',
      'a: |\n  x\n  ',
      'a: >\n  x\n   ',
      'a:\n  - |\n    x\n     ',
      'a: |\n  x\n   \nb: 1\n',
      'a: |\n  x\n  \nb: 1\n',
    ];
    sameTreesOnTheFastPath(texts);
  });

  // A collection whose last value is missing (`key:`) owns the comment and blank lines after it
  // (the state of a file while a value is typed under a comment: an evaluator fixture found it).
  it('a missing last value followed by comments', () => {
    const texts = [
      'a:\n  # c',
      'a:\n\n# c\n\n',
      'a: # c\n# d\n',
      'a:\n# c\n\n# d',
      'a:\n\n\n',
      'l:\n  - a:\n  # c\n\nb: 1',
      'l:\n  a:\n  # c\n\n  # d\n\nb: 1',
      'l:\n  a:\n\n  # c\n   \nb: 1',
      'l:\n  - b: 1\n    c:\n      # co',
    ];
    sameTreesOnTheFastPath(texts);
  });

  // Fixtures repeat one another (a policy copied into several cases) and a variant of one file can
  // be another's (deleting either of two blank lines): each distinct text is compared once, by the
  // first file that yields it.
  const compared = new Set<string>();
  for (const file of yamlFiles(FIXTURES)) {
    const name = file.slice(FIXTURES.length + 1);
    it(name, () => {
      const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const lines = text.split('\n');
      const variants = [text];
      for (let i = 0; i < lines.length; i++)
        variants.push([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
      for (let n = 1; n < text.length; n += 11) variants.push(text.slice(0, n));
      for (const v of variants) {
        if (compared.has(v)) continue;
        compared.add(v);
        const fast = fastTree(v);
        if (fast === undefined) continue;
        assert.deepEqual(
          shape(fast),
          shape(parseYamlPositioned(v).root),
          `tree of ${JSON.stringify(v.slice(0, 120))}…`,
        );
      }
    });
  }
});
