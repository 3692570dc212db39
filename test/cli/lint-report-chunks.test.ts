// lint's reports are written in chunks as they are made: 5,000 files with 500 findings each made a
// JSON report longer than V8 lets one string be, and `lint --format json` died with "Invalid string
// length". Each chunk holds at most one file's findings, and the chunks together are, byte for
// byte, the report as one JSON.stringify (the golden outputs of test/fixtures/cli pin the bytes).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Finding } from '../../server/src/core/index';
import { writeAtomically } from '../../server/src/cli/lint/fix';
import { formatGithubChunks } from '../../server/src/cli/report/github';
import { formatGitlabChunks } from '../../server/src/cli/report/gitlab';
import { formatJsonChunks, ITEMS, jsonChunks } from '../../server/src/cli/report/json';
import { formatSarifChunks } from '../../server/src/cli/report/sarif';
import { formatTextChunks } from '../../server/src/cli/report/text';
import { painter } from '../../server/src/cli/report/color';
import { coalesce, type FileResult } from '../../server/src/cli/report/types';
import { fromCwd } from '../../server/src/cli/commands/lint';
import { relative, sep } from 'node:path';
import { runCli } from '../support/cli';

const root = mkdtempSync(join(tmpdir(), 'policylens-chunks-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A file's result with `n` findings; messages with quotes, newlines and non-ASCII text. */
function file(name: string, n: number, extra: Partial<FileResult> = {}): FileResult {
  const findings: Finding[] = Array.from({ length: n }, (_, i) => ({
    code: i % 3 ? 'schema/unknown-key' : 'chain/missing-prerequisite',
    severity: i % 3 ? 'error' : 'warning',
    message: `unknown key "k${i}"${i % 4 ? '' : ' —\nsee "docs"\u2028 ✓'}`,
    span: { start: i * 10, end: i * 10 + 4 },
    ...(i % 2 ? { path: `k${i}` } : {}),
    ...(i % 5 ? {} : { fixes: [{ title: `Remove "k${i}"`, edits: [] }] }),
  }));
  const lines = { positionAt: (o: number) => ({ line: Math.floor(o / 10), character: o % 10 }) };
  return { file: name, dialect: 'execlave', dialectLabel: 'Execlave', findings, lines, ...extra };
}

/** Reports to check, as data: each a list of files. */
const CORPORA: Record<string, FileResult[]> = {
  'no file': [],
  'one clean file': [file('clean.yaml', 0)],
  'several files, unreadable and clean ones among them': [
    file('a.yaml', 7),
    file('b.yaml', 0, { readError: "EACCES: permission denied, open 'b.yaml'" }),
    file('c.json', 0),
    file('d/e.yaml', 40, { dialect: 'preloop', dialectLabel: 'Preloop' }),
    file('f "quoted".yaml', 1),
  ],
  'many files with many findings': Array.from({ length: 30 }, (_, i) => file(`p${i}.yaml`, 20 + i)),
};

/**
 * Each format's chunks, what marks one finding in them, whether an unreadable file is marked too
 * (SARIF has no result for it), and whether they are a JSON document.
 */
interface Format {
  chunks(results: FileResult[]): Iterable<string>;
  mark: RegExp;
  unreadable: boolean;
  json: boolean;
}
const FORMATS: Record<string, Format> = {
  json: {
    chunks: (r) => formatJsonChunks(r, '9.9.9', (x) => x.file),
    mark: /"(severity|error)": /g,
    unreadable: true,
    json: true,
  },
  sarif: {
    chunks: (r) => formatSarifChunks(r, '9.9.9', (x) => x.file),
    mark: /"ruleId": /g,
    unreadable: true,
    json: true,
  },
  gitlab: {
    chunks: (r) => formatGitlabChunks(r, (x) => x.file),
    mark: /"fingerprint": /g,
    unreadable: true,
    json: true,
  },
  github: {
    chunks: (r) => formatGithubChunks(r, (x) => x.file),
    mark: /^::/gm,
    unreadable: true,
    json: false,
  },
  text: {
    chunks: (r) => formatTextChunks(r, { paint: painter({}, false), pathOf: (x) => x.file }),
    mark: /: (error|warning): |unreadable: /g,
    unreadable: true,
    json: false,
  },
};

describe('lint reports in chunks', () => {
  for (const [format, f] of Object.entries(FORMATS))
    for (const [name, results] of Object.entries(CORPORA))
      it(`${format}, ${name}: no chunk holds more than one file's findings; nothing is lost`, () => {
        const chunks = [...f.chunks(results)];
        const count = (s: string) => s.match(f.mark)?.length ?? 0;
        const marks = (r: FileResult) => r.findings.length + (f.unreadable && r.readError ? 1 : 0);
        const most = Math.max(0, ...results.map(marks));
        for (const c of chunks) assert.ok(count(c) <= most, `a ${format} chunk holds ${count(c)} > ${most}`);
        const whole = chunks.join('');
        assert.equal(
          count(whole),
          results.reduce((n, r) => n + marks(r), 0),
        );
        // The whole is JSON.stringify(report, null, 2) + '\n', byte for byte.
        if (f.json) assert.equal(whole, JSON.stringify(JSON.parse(whole), null, 2) + '\n');
      });

  // jsonChunks itself: a document with its long array anywhere, and that array in groups (some
  // empty) gives JSON.stringify of the document with the array in place.
  const DOCS: { name: string; doc: (items: unknown) => unknown; groups: object[][] }[] = [
    { name: 'the array alone, empty', doc: (items) => items, groups: [] },
    { name: 'the array alone, empty groups', doc: (items) => items, groups: [[], []] },
    {
      name: 'the array alone',
      doc: (items) => items,
      groups: [[{ a: 1 }], [], [{ b: 'x\ny "z"' }, { c: [1, 2, { d: null }], e: {} }], [[], [3]]],
    },
    {
      name: 'deep inside, between other keys',
      doc: (items) => ({ version: '1', runs: [{ tool: { rules: [1, { id: 'r' }] }, results: items }], n: 2 }),
      groups: [[{ k: '\u2028✓' }], [{ k: 2 }, { k: { deep: [{ deeper: [] }] } }]],
    },
    {
      name: 'deep inside, empty',
      doc: (items) => ({ a: { b: { c: items, d: [] } } }),
      groups: [[]],
    },
  ];
  for (const d of DOCS)
    it(`jsonChunks: ${d.name}`, () => {
      const chunks = [...jsonChunks(d.doc(ITEMS) as object, d.groups, (g) => g)];
      assert.equal(chunks.join(''), JSON.stringify(d.doc(d.groups.flat()), null, 2) + '\n');
    });

  it('jsonChunks: a document without the array is a mistake, not a report', () => {
    assert.throws(() => [...jsonChunks({ a: [] }, [[{}]], (g) => g)], /ITEMS/);
  });

  // A write per file's chunk was a system call and a pass through Node's stream each: 5,000 files
  // made 5,005 writes. The pieces are the same text, each (but the last) at least `size` long,
  // and none holds more than one chunk past it.
  const PIECES: { name: string; chunks: string[]; size: number }[] = [
    { name: 'no chunk', chunks: [], size: 8 },
    { name: 'empty chunks', chunks: ['', '', ''], size: 8 },
    { name: 'small chunks', chunks: ['abc', 'de', 'f', 'ghij', 'k', 'lmnopq', 'r'], size: 5 },
    { name: 'a chunk longer than a piece', chunks: ['a', 'b'.repeat(20), 'c', 'd'], size: 4 },
    { name: 'chunks of exactly a piece', chunks: ['abcd', 'efgh', 'ij'], size: 4 },
  ];
  for (const p of PIECES)
    it(`coalesce: ${p.name}`, () => {
      const pieces = [...coalesce(p.chunks, p.size)];
      assert.equal(pieces.join(''), p.chunks.join(''));
      pieces.slice(0, -1).forEach((x) => assert.ok(x.length >= p.size, `a piece of ${x.length} < ${p.size}`));
      const longest = Math.max(0, ...p.chunks.map((c) => c.length));
      pieces.forEach((x) => assert.ok(x.length < p.size + longest, `a piece of ${x.length}`));
      assert.ok(pieces.every((x) => x.length > 0));
    });

  it('fromCwd: the same path as relative() for paths under, beside and above the current directory', () => {
    const cwd = process.cwd();
    const paths = [
      `${cwd}/a.yaml`,
      `${cwd}/dir/b.yaml`,
      `${cwd}/.hidden/c.yaml`,
      `${cwd}/dir/./d.yaml`,
      `${cwd}/dir/../e.yaml`,
      `${cwd}//f.yaml`,
      `${cwd}/dir/`,
      `${cwd}`,
      `${cwd}-sibling/g.yaml`,
      `${cwd.slice(0, cwd.lastIndexOf('/'))}/h.yaml`,
      '/elsewhere/i.yaml',
      `${cwd}/..`,
      `${cwd}/x/..`,
    ];
    for (const path of paths) assert.equal(fromCwd(path), relative(cwd, path).split(sep).join('/'), path);
  });

  it('writeAtomically writes the chunks, and a failure half-way leaves the old file and no temporary', () => {
    const dir = join(root, 'atomic');
    mkdirSync(dir);
    const path = join(dir, 'report.json');
    writeAtomically(path, ['{', '"a"', ': 1', '}\n']);
    assert.equal(readFileSync(path, 'utf8'), '{"a": 1}\n');
    function* failing() {
      yield 'half of a new report';
      throw new Error('the formatter failed');
    }
    assert.throws(() => writeAtomically(path, failing()), /the formatter failed/);
    assert.equal(readFileSync(path, 'utf8'), '{"a": 1}\n');
    assert.deepEqual(readdirSync(dir), ['report.json']);
  });

  it('lint of 300 files with 60 unknown keys each: the whole report on stdout and in --output', () => {
    const dir = join(root, 'policies');
    mkdirSync(dir);
    for (let i = 0; i < 300; i++) {
      let text = `name: Policy ${i}\npolicyType: cost_limit\nenforcementMode: block\nruleDefinition:\n  max_cost_per_execution: 5.0\n  daily_budget: 50.0\n`;
      for (let k = 0; k < 60; k++) text += `extra_key_${k}: ${k}\n`;
      writeFileSync(join(dir, `p${String(i).padStart(3, '0')}.yaml`), text);
    }
    type Report = { files: { findings: unknown[] }[]; summary: { files: number; errors: number } };
    const check = (text: string, what: string) => {
      const report = JSON.parse(text) as Report;
      assert.equal(report.files.length, 300, what);
      assert.ok(
        report.files.every((f) => f.findings.length === 60),
        what,
      );
      assert.deepEqual([report.summary.files, report.summary.errors], [300, 18_000], what);
    };
    const out = runCli(['lint', dir, '--format', 'json']);
    assert.equal(out.status, 1, out.stderr);
    check(out.stdout, 'stdout');
    const output = join(root, 'report.json');
    const toFile = runCli(['lint', dir, '--format', 'json', '--output', output]);
    assert.equal(toFile.status, 1, toFile.stderr);
    assert.equal(toFile.stdout, '');
    assert.equal(readFileSync(output, 'utf8'), out.stdout);
    const sarif = runCli(['lint', dir, '--format', 'sarif']);
    const log = JSON.parse(sarif.stdout) as { runs: { results: unknown[] }[] };
    assert.equal(log.runs[0].results.length, 18_000);
  });
});
