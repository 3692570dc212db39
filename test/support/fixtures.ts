import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures');
export const UPDATE = process.env.UPDATE_FIXTURES === '1';

/** The case folders of an area: `test/fixtures/<area>/<case>/`. */
export function cases(area: string): { name: string; dir: string }[] {
  const root = join(FIXTURES, area);
  return readdirSync(root)
    .filter((n) => statSync(join(root, n)).isDirectory())
    .sort()
    .map((name) => ({ name, dir: join(root, name) }));
}

/**
 * Compares `actual` with the JSON file next to the inputs; with UPDATE_FIXTURES=1 it rewrites the
 * file instead, and the diff is reviewed like code.
 */
export function expectJson(file: string, actual: unknown): void {
  const text = JSON.stringify(actual, null, 2) + '\n';
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) assert.fail(`missing expectation ${file}; run with UPDATE_FIXTURES=1 and review it`);
    writeFileSync(file, text);
    return;
  }
  assert.deepEqual(JSON.parse(text), JSON.parse(readFileSync(file, 'utf8')), `expectation ${file}`);
}

/** The same for a golden text file (CLI output). */
export function expectText(file: string, actual: string): void {
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) assert.fail(`missing expectation ${file}; run with UPDATE_FIXTURES=1 and review it`);
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `golden ${file}`);
}
