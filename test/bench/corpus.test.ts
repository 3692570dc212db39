// The benchmark corpus must be reproducible and its planted errors must be real schema errors
// (and the only ones), or the bench's correctness checks would prove nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { editedText } from '../../bench/cli-scenario';
import { buildBigBundle, buildWorkspace, ensureWorkspace, ERROR_KINDS } from '../../bench/corpus';
import { freshFor, EditableDoc, spreadLines } from '../../bench/edits';
import { floorValidator } from '../../bench/floor-validator';
import { percentile } from '../../bench/stats';

const repo = join(import.meta.dirname ?? __dirname, '../..');

test('the same seed generates byte-identical workspaces', () => {
  const a = buildWorkspace(300, 42);
  const b = buildWorkspace(300, 42);
  assert.deepEqual(a.texts, b.texts);
  assert.notDeepEqual(buildWorkspace(300, 43).texts, a.texts);
});

test('a workspace mixes YAML and JSON, plants about 10% errors and at least one cycle', () => {
  const { files } = buildWorkspace(1000, 7);
  const json = files.filter((f) => f.format === 'json').length;
  const broken = files.filter((f) => f.error).length;
  assert.ok(json > 200 && json < 400, `json files: ${json}`);
  assert.ok(broken > 60 && broken < 140, `broken files: ${broken}`);
  assert.ok(files.some((f) => f.inCycle));
  assert.deepEqual(new Set(files.flatMap((f) => (f.error ? [f.error] : []))), new Set(ERROR_KINDS));
});

test('a long bundle has exactly the requested number of lines', () => {
  for (const n of [1000, 5000]) {
    const { text, patternLines } = buildBigBundle(n);
    assert.equal(text.split('\n').length - 1, n);
    assert.equal(patternLines[1], n - 1);
  }
});

test('the floor (js-yaml + one ajv validator) finds exactly the planted errors, compiled or precompiled', () => {
  // A private folder: the smoke test may be generating bench/corpus/ at the same time.
  const dir = mkdtempSync(join(tmpdir(), 'bench-corpus-'));
  const ws = ensureWorkspace(20, dir);
  for (const precompiled of [[], [floorValidator()]]) {
    const r = spawnSync(process.execPath, [
      join(repo, 'bench/floor.mjs'),
      join(repo, 'schemas/execlave/policy-bundle.schema.json'),
      join(ws.root, 'policies'),
      ...precompiled,
    ]);
    assert.equal(r.status, 0, r.stderr.toString());
    const out = JSON.parse(r.stdout.toString()) as { files: number; invalid: number };
    assert.equal(out.files, 20);
    assert.equal(out.invalid, ws.files.filter((f) => f.error).length);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the warm floor reads only what changed since its last run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-corpus-'));
  const ws = ensureWorkspace(20, dir);
  const run = () => {
    const r = spawnSync(process.execPath, [
      join(repo, 'bench/floor-warm.mjs'),
      join(ws.root, 'policies'),
      join(dir, 'floor-cache.json'),
    ]);
    assert.equal(r.status, 0, r.stderr.toString());
    return JSON.parse(r.stdout.toString()) as { files: number; changed: number; bytes: number };
  };
  const first = run();
  assert.equal(first.files, 20);
  assert.equal(first.changed, 20);
  assert.deepEqual(run(), { files: 20, changed: 0, bytes: 0 });
  const file = join(ws.root, ws.files[3]!.path);
  appendFileSync(file, '# edited\n');
  assert.deepEqual(run(), { files: 20, changed: 1, bytes: statSync(file).size });
  rmSync(dir, { recursive: true, force: true });
});

test('each edit breaks a new line and restores the previous one', () => {
  const doc = new EditableDoc('patterns:\n  - "a"\n  - "b"\n');
  assert.equal(doc.breakLine(1).length, 1);
  const second = doc.breakLine(2);
  assert.equal(second.length, 2);
  assert.equal(doc.text(), 'patterns:\n  - "a"\n  - 10002\n');
  const err = (line: number) => ({
    range: { start: { line, character: 0 }, end: { line, character: 1 } },
    message: '',
    severity: 1,
  });
  assert.equal(freshFor(2, 1)([err(2)]), true);
  assert.equal(freshFor(2, 1)([err(1), err(2)]), false, 'a stale error on the previous line is not fresh');
  assert.deepEqual(spreadLines(10, 19, 5), [11, 13, 15, 17, 19]);
});

test('percentiles are nearest-rank samples', () => {
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95), 10);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('the cached-lint scenario changes its file without changing what it says', () => {
  const json = '{\n  "name": "hub"\n}\n';
  const a = editedText(json, true, 0);
  const b = editedText(a, true, 1);
  assert.notEqual(a, b, 'each run sees a changed file');
  assert.equal(editedText(b, true, 0), a, 'the edits alternate');
  for (const t of [a, b]) assert.deepEqual(JSON.parse(t), { name: 'hub' });
  // A file an earlier version of the hook broke with a YAML comment is repaired.
  assert.deepEqual(JSON.parse(editedText(`${json}# bench-edit 1\n`, true, 1)), { name: 'hub' });
  const yaml = 'name: hub\n';
  assert.equal(editedText(yaml, false, 1), 'name: hub\n# bench-edit 1\n');
  assert.equal(editedText(editedText(yaml, false, 1), false, 0), 'name: hub\n# bench-edit 0\n');
});
