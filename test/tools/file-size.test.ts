// The design keeps rooms small: no source file over 400 lines, and a median that stays near a
// screenful. Review alone let three files of the server grow past the limit, then two test files,
// so the rule is checked here, for the product (server/, client/, registry/) and for everything
// else we write and read as code: the tests, the bench, the scripts and the build files at the root
// (fixtures are data, not code, and are left out). The test prints the figures it measured, so a
// report can quote them without counting again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAX_LINES = 400;
const MAX_MEDIAN = 100;
const CODE = /\.(ts|mts|mjs)$/;

function sources(dir: string, depth = Infinity): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth > 0 && !['node_modules', 'fixtures'].includes(entry.name))
        out.push(...sources(path, depth - 1));
    } else if (entry.isFile() && CODE.test(entry.name)) out.push(path);
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

interface Size {
  file: string;
  lines: number;
}

const measure = (paths: string[]): Size[] =>
  paths
    .map((path) => ({ file: relative(root, path), lines: lineCount(path) }))
    .sort((a, b) => a.lines - b.lines);

/** The product's sources: the server, the client, the registry. */
const product = measure(['server', 'client', 'registry'].flatMap((dir) => sources(join(root, dir))));
/** Everything else we write as code: tests, bench, scripts, and the build files at the root. */
const tooling = measure([
  ...['test', 'bench', 'scripts'].flatMap((dir) => sources(join(root, dir))),
  ...sources(root, 0),
]);
const project = [...product, ...tooling].sort((a, b) => a.lines - b.lines);

function median(xs: number[]): number {
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

test('source files are found', () => {
  assert.ok(product.length > 50, `only ${product.length} source files under server/, client/, registry/`);
  assert.ok(tooling.length > 50, `only ${tooling.length} code files under test/, bench/, scripts/`);
  for (const file of ['scripts/test.mjs', 'test/tools/file-size.test.ts', 'bench/main.ts', 'esbuild.mjs'])
    assert.ok(
      tooling.some((s) => s.file === file),
      `${file} is not measured`,
    );
});

test(`no file of code in the project is over ${MAX_LINES} lines`, (t) => {
  const largest = project[project.length - 1];
  t.diagnostic(`largest: ${largest.file} (${largest.lines} lines)`);
  const over = project.filter((s) => s.lines > MAX_LINES).map((s) => `${s.file}: ${s.lines} lines`);
  assert.deepEqual(over, [], `split these files (one concept per file):\n${over.join('\n')}`);
});

test(`the median source file is at most ${MAX_MEDIAN} lines`, (t) => {
  const m = median(product.map((s) => s.lines));
  t.diagnostic(`median: ${m} lines over ${product.length} files of server/, client/, registry/`);
  assert.ok(m <= MAX_MEDIAN, `median file size ${m} lines > ${MAX_MEDIAN}`);
});

test(`the median file of code in the whole project is at most ${MAX_MEDIAN} lines`, (t) => {
  const m = median(project.map((s) => s.lines));
  t.diagnostic(
    `median: ${m} lines over ${project.length} files (${tooling.length} of tests, bench, scripts and build)`,
  );
  assert.ok(m <= MAX_MEDIAN, `median file size ${m} lines > ${MAX_MEDIAN}`);
});
