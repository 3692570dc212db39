// The design keeps rooms small: no source file of the server, the client or the registry over
// 400 lines, and a median that stays near a screenful. Review alone let three files grow past the
// limit, so the rule is checked here. The test prints the figures it measured, so a report can
// quote them without counting again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAX_LINES = 400;
const MAX_MEDIAN = 100;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...sources(path));
    } else if (entry.isFile() && entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** Lines as `wc -l` counts them: a last line without a newline still counts. */
function lineCount(path: string): number {
  const text = readFileSync(path, 'utf8');
  if (!text) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

const sizes = ['server', 'client', 'registry']
  .flatMap((dir) => sources(join(root, dir)))
  .map((path) => ({ file: relative(root, path), lines: lineCount(path) }))
  .sort((a, b) => a.lines - b.lines);

function median(xs: number[]): number {
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

test('source files are found', () => {
  assert.ok(sizes.length > 50, `only ${sizes.length} source files under server/, client/, registry/`);
});

test(`no source file is over ${MAX_LINES} lines`, (t) => {
  const largest = sizes[sizes.length - 1];
  t.diagnostic(`largest: ${largest.file} (${largest.lines} lines)`);
  const over = sizes.filter((s) => s.lines > MAX_LINES).map((s) => `${s.file}: ${s.lines} lines`);
  assert.deepEqual(over, [], `split these files (one concept per file):\n${over.join('\n')}`);
});

test(`the median source file is at most ${MAX_MEDIAN} lines`, (t) => {
  const m = median(sizes.map((s) => s.lines));
  t.diagnostic(`median: ${m} lines over ${sizes.length} files`);
  assert.ok(m <= MAX_MEDIAN, `median file size ${m} lines > ${MAX_MEDIAN}`);
});
