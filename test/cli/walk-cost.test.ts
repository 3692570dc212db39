import assert from 'node:assert/strict';
import fs, { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { collectPolicyFiles } from '../../server/src/cli/files';

// The directory walk of `lint` follows symlinked directories once: it knows each directory it has
// walked. Knowing one costs a stat, whatever its depth. Costs are counted (the stats and real paths
// the walk asks for), not timed.

const dir = mkdtempSync(join(tmpdir(), 'policylens-walk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const POLICY =
  'name: deep\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [search]\n';

/**
 * Runs `fn` while counting what the file system is asked to resolve: a stat or lstat is one lookup,
 * a real path one lookup per component of the path, as both Node's realpathSync and the C
 * library's realpath (realpathSync.native) lstat every ancestor.
 */
function countLookups<T>(fn: () => T): { result: T; lookups: number } {
  type Call = (...args: unknown[]) => unknown;
  let lookups = 0;
  const counting =
    (call: Call, cost: (path: unknown) => number): Call =>
    (...args) => {
      lookups += cost(args[0]);
      return call(...args);
    };
  const one = () => 1;
  const components = (path: unknown) => String(path).split(sep).filter(Boolean).length;
  const original = { statSync: fs.statSync, lstatSync: fs.lstatSync, realpathSync: fs.realpathSync };
  Object.assign(fs, {
    statSync: counting(original.statSync as Call, one),
    lstatSync: counting(original.lstatSync as Call, one),
    realpathSync: Object.assign(counting(original.realpathSync as Call, components), {
      native: counting(original.realpathSync.native as Call, components),
    }),
  });
  try {
    return { result: fn(), lookups };
  } finally {
    Object.assign(fs, original);
  }
}

describe('the walk of a deep directory', () => {
  it('a chain of 200 directories costs a few lookups per directory, not one per ancestor', () => {
    // Each directory's real path lstat'ed all its ancestors: a chain of d directories cost d²/2
    // lookups, and lint of a 1,000-deep chain took 14 s.
    const depth = 200;
    const root = join(dir, 'deep');
    const leaf = join(root, ...Array<string>(depth).fill('d'));
    mkdirSync(leaf, { recursive: true });
    writeFileSync(join(leaf, 'policy.yaml'), POLICY);
    const { result, lookups } = countLookups(() => collectPolicyFiles([root]));
    assert.deepEqual(
      result.map((f) => f.display),
      [[...Array<string>(depth).fill('d'), 'policy.yaml'].join(sep)],
    );
    assert.ok(lookups <= 3 * (depth + 1), `${lookups} lookups for ${depth + 1} directories`);
  });
});

describe('symlinked directories in the walk', () => {
  it('a symlink back up ends, and two symlinks to one directory walk it once', () => {
    const root = join(dir, 'links');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    writeFileSync(join(root, 'a', 'b', 'policy.yaml'), POLICY);
    symlinkSync(root, join(root, 'a', 'b', 'up'), 'dir');
    symlinkSync(join(root, 'a'), join(root, 'again'), 'dir');
    symlinkSync(join(root, 'a'), join(root, 'z-once-more'), 'dir');
    const files = collectPolicyFiles([root, join(root, 'a')]);
    assert.deepEqual(
      files.map((f) => f.display),
      [['a', 'b', 'policy.yaml'].join(sep)],
    );
  });
});
