// The language server places findings with the tree that js-yaml's events give on the fast path
// (server/src/core/parse/events.ts) instead of a second parse by the `yaml` package: that is what
// keeps a keystroke in a 5,000-line bundle cheap. Both trees must be identical, or a finding would
// move between `policylens lint` and the editor. This compares them on every YAML fixture, on each
// fixture with one line deleted, and on prefixes of it (the states of a file while it is typed).
//
// The fast path's trees are built on every run; the `yaml` package's trees of the fixtures' variants
// are stored, as one short hash per variant, in test/fixtures/lsp/positioned-trees.json (parsing the
// 9,800 variants again took about 2 s of CPU per run, most of this file's cost). The stored trees
// belong to the reference parser's sources and version (`reference` below): when either changes,
// or a fixture's text does, that fixture is compared with a fresh parse and the last test fails
// until UPDATE_FIXTURES=1 rewrites the file (docs/decisions/testing.md).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { AstNode } from '../../server/src/core/index';
import { parseFast } from '../../server/src/core/parse/fast';
import { parseYamlPositioned } from '../../server/src/core/parse/yaml';
import { FIXTURES, UPDATE } from '../support/fixtures';

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

/** A short hash of a text: 72 bits, 12 characters. */
const digest = (text: string): string => createHash('sha256').update(text).digest('base64url').slice(0, 12);

/** The reference parser as this run has it: its package's version and our sources around it. */
function reference(): string {
  const root = join(__dirname, '..', '..');
  const yamlVersion = (
    JSON.parse(readFileSync(join(root, 'node_modules', 'yaml', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const sources = [
    'server/src/core/parse/yaml.ts',
    'server/src/core/text.ts',
    'test/lsp/positioned-tree.test.ts',
  ];
  return digest([yamlVersion, ...sources.map((f) => readFileSync(join(root, f), 'utf8'))].join('\0'));
}

interface StoredTrees {
  reference: string;
  /** Per fixture (path under test/fixtures): its text's hash and its variants' trees' hashes. */
  files: Record<string, { text: string; trees: string }>;
}

const TREES = join(FIXTURES, 'lsp', 'positioned-trees.json');
const REFERENCE = reference();
const loaded: StoredTrees = existsSync(TREES)
  ? (JSON.parse(readFileSync(TREES, 'utf8')) as StoredTrees)
  : { reference: '', files: {} };
const stored = loaded.reference === REFERENCE && !UPDATE ? loaded.files : {};
const referenceTree = (v: string): unknown => shape(parseYamlPositioned(v).root);

/** What the file holds after this run: the stored trees that are still current, and fresh ones. */
const current: StoredTrees['files'] = {};

/** A fixture's text, each text with one line deleted, and its prefixes, in that order. */
function variantsOf(text: string): string[] {
  const lines = text.split('\n');
  const variants = [text];
  for (let i = 0; i < lines.length; i++)
    variants.push([...lines.slice(0, i), ...lines.slice(i + 1)].join('\n'));
  for (let n = 1; n < text.length; n += 11) variants.push(text.slice(0, n));
  return variants;
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
  // be another's (deleting either of two blank lines): each distinct text's fast tree is built once,
  // by the first file that yields it.
  const fastHashes = new Map<string, string | undefined>();
  const fastHash = (v: string): string | undefined => {
    if (!fastHashes.has(v)) {
      const fast = fastTree(v);
      fastHashes.set(v, fast === undefined ? undefined : digest(JSON.stringify(shape(fast))));
    }
    return fastHashes.get(v);
  };
  for (const file of yamlFiles(FIXTURES)) {
    const name = file.slice(FIXTURES.length + 1);
    it(name, () => {
      const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const variants = variantsOf(text);
      const textHash = digest(text);
      const kept = stored[name]?.text === textHash ? stored[name].trees : undefined;
      // Without a current stored tree, every variant is parsed by the reference parser now.
      const trees = kept ?? variants.map((v) => digest(JSON.stringify(referenceTree(v)))).join('');
      current[name] = { text: textHash, trees };
      variants.forEach((v, i) => {
        const fast = fastHash(v);
        if (fast === undefined || fast === trees.slice(i * 12, i * 12 + 12)) return;
        // The trees differ: the fresh reference tree tells where.
        const fastShape = shape(fastTree(v) ?? null);
        assert.deepEqual(fastShape, referenceTree(v), `tree of ${JSON.stringify(v.slice(0, 120))}…`);
        assert.fail(`the stored tree of ${name}'s variant ${i} is not the reference parser's`);
      });
    });
  }

  // Last: the stored trees are those of this reference parser and of these fixtures' texts.
  it('the stored reference trees are current (UPDATE_FIXTURES=1 rewrites them)', () => {
    const texts = new Map(
      yamlFiles(FIXTURES).map((f) => [
        f.slice(FIXTURES.length + 1),
        readFileSync(f, 'utf8').replace(/^\uFEFF/, ''),
      ]),
    );
    if (UPDATE) {
      const files: StoredTrees['files'] = {};
      for (const [name, text] of texts)
        files[name] = current[name] ?? {
          text: digest(text),
          trees: variantsOf(text)
            .map((v) => digest(JSON.stringify(referenceTree(v))))
            .join(''),
        };
      writeFileSync(TREES, JSON.stringify({ reference: REFERENCE, files }, null, 2) + '\n');
      return;
    }
    const outOfDate = `${TREES} is out of date: run this file with UPDATE_FIXTURES=1 and review the diff`;
    assert.equal(loaded.reference, REFERENCE, `${outOfDate} (the reference parser changed)`);
    assert.deepEqual(Object.keys(loaded.files).sort(), [...texts.keys()].sort(), `${outOfDate} (fixtures)`);
    for (const [name, text] of texts)
      assert.equal(loaded.files[name]!.text, digest(text), `${outOfDate} (${name})`);
  });
});
