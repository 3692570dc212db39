// A client that opens a whole workspace at once (the bench's "open all" scenario) while the chain
// index reads the same workspace from disk: what the scan may skip, what it may reuse, and that the
// diagnostics do not depend on which came first. Every test talks to `node dist/server.js --stdio`.
import assert from 'node:assert/strict';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cases } from '../support/fixtures';
import { fileUri, LspClient, type Diagnostic } from './client';

/**
 * The scan waits for a quiet editor before each batch; a long quiet moment keeps a machine that
 * stalls from letting the scan in between two opens of one burst. The scan starts after at most
 * four quiet moments whatever happens; on this 2-core machine with other suites running, the 268
 * opens took longer than 4 × 400 ms, so the moment is 1.5 s (the test waits for it once).
 */
const ENV = { ...process.env, POLICYLENS_SCAN_QUIET_MS: '1500' };

/** One workspace with the chain fixtures (cycles, duplicates, missing links) and the lint cases. */
function buildWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-open-all-'));
  for (const c of cases('chain'))
    cpSync(join(c.dir, 'workspace'), join(dir, 'chain', c.name), { recursive: true });
  mkdirSync(join(dir, 'policies'));
  for (const c of cases('lint')) {
    const input = readdirSync(c.dir).find((f) => f.startsWith('input.'));
    if (input) cpSync(join(c.dir, input), join(dir, 'policies', `${c.name}${input.slice('input'.length)}`));
  }
  return dir;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}

/** Resolves once a log line matches. */
async function logged(client: LspClient, re: RegExp): Promise<string> {
  for (let waited = 0; waited < 30_000; waited += 20) {
    const line = client.logs.find((l) => re.test(l));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line ${re}: ${client.logs.join('\n')}`);
}

/** Waits until no diagnostics were published for `quietMs`, then returns the latest of each URI. */
async function settled(client: LspClient, quietMs = 500): Promise<Map<string, Diagnostic[]>> {
  let count = -1;
  while (count !== client.diagnostics.length) {
    count = client.diagnostics.length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
  const latest = new Map<string, Diagnostic[]>();
  for (const p of client.diagnostics) latest.set(p.uri, p.diagnostics);
  return latest;
}

/** Diagnostics as comparable text: place, code, message and the places of related information. */
function describeAll(dir: string, all: Map<string, Diagnostic[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [uri, diagnostics] of [...all].sort(([a], [b]) => a.localeCompare(b)))
    out[relative(dir, decodeURIComponent(uri.replace(/^file:\/\//, '')))] = diagnostics.map((d) =>
      JSON.stringify([d.range, d.severity, d.code, d.message, d.relatedInformation ?? []]).replaceAll(
        fileUri(dir),
        '<ws>',
      ),
    );
  return out;
}

describe('opening every file of a workspace at once', () => {
  let dir: string;
  let files: string[];
  let texts: string[];
  /** The diagnostics when every file is opened before the scan starts. */
  let openedFirst: Record<string, string[]>;

  before(() => {
    dir = buildWorkspace();
    files = filesUnder(dir);
    texts = files.map((f) => readFileSync(f, 'utf8'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes the open documents from their analyses: the scan reads and parses none of them', async () => {
    const client = new LspClient(['--stdio'], ENV);
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      files.forEach((f, i) => client.open(fileUri(f), texts[i]));
      const line = await logged(client, /^chain: indexed/);
      assert.match(line, new RegExp(`of ${files.length} YAML/JSON files`));
      assert.match(line, /\(0 read from disk, 0 of them parsed;/);
      openedFirst = describeAll(dir, await settled(client));
      // The workspace has something of every kind, so the comparison below means something.
      const codes = new Set(Object.values(openedFirst).flatMap((ds) => ds.map((d) => JSON.parse(d)[2])));
      for (const code of ['chain/cycle', 'chain/duplicate-name', 'chain/missing-prerequisite', 'schema/enum'])
        assert.ok(codes.has(code), `${code} in ${[...codes].join(' ')}`);
      // Every file but the few that are not policies (empty, only comments, not a mapping).
      assert.ok(Object.keys(openedFirst).length >= files.length - 10, `${Object.keys(openedFirst).length}`);
    } finally {
      await client.shutdown();
    }
  });

  it('publishes the same diagnostics when the files are opened after the scan parsed them', async () => {
    assert.ok(openedFirst, 'runs after the test above');
    const client = new LspClient(['--stdio'], ENV);
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      // One open document starts the scan; the others are opened once it has parsed them.
      client.open(fileUri(files[0]), texts[0]);
      const line = await logged(client, /^chain: indexed/);
      assert.match(
        line,
        new RegExp(`\\(${files.length - 1} read from disk, ${files.length - 1} of them parsed;`),
      );
      files.forEach((f, i) => i > 0 && client.open(fileUri(f), texts[i]));
      assert.deepEqual(describeAll(dir, await settled(client)), openedFirst);
    } finally {
      await client.shutdown();
    }
  });

  it('analyses the buffer, not the scan\u2019s parse of the file, when they differ', async () => {
    const client = new LspClient(['--stdio'], ENV);
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      const file = join(dir, 'chain', 'cycle-3', 'sanitise-input.yaml');
      const text = readFileSync(file, 'utf8');
      assert.match(text, /enforcementMode: block/);
      const other = files.find((f) => f !== file)!;
      client.open(fileUri(other), readFileSync(other, 'utf8'));
      await logged(client, /^chain: indexed/);
      client.open(fileUri(file), text.replace('enforcementMode: block', 'enforcementMode: blok'));
      const published = await client.waitForDiagnostics(fileUri(file), 1);
      assert.ok(
        published.diagnostics.some((d) => d.code === 'schema/enum' && /enforcementMode/.test(d.message)),
        JSON.stringify(published.diagnostics.map((d) => d.message)),
      );
    } finally {
      await client.shutdown();
    }
  });
});

describe('a file the scan parsed, opened under a dialect a setting forces', () => {
  it('leaves the chain when the dialect has no prerequisites, as if it had been opened first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-open-dialect-'));
    const client = new LspClient(['--stdio'], ENV);
    try {
      const a = join(dir, 'a.yaml');
      const b = join(dir, 'b.yaml');
      writeFileSync(
        a,
        'name: a\npolicyType: expression\nenforcementMode: monitor\nruleDefinition:\n  expression: "true"\nprerequisites:\n  - b\n',
      );
      writeFileSync(
        b,
        'name: b\npolicyType: expression\nenforcementMode: monitor\nruleDefinition:\n  expression: "true"\n',
      );
      const dialects = { '**/b.yaml': 'preloop' };
      client.settings = { dialects };
      await client.initialize({ rootUri: fileUri(dir), initializationOptions: { dialects } });
      client.open(fileUri(a), readFileSync(a, 'utf8'));
      await logged(client, /^chain: indexed 2 bundles/);
      const missing = (p: { diagnostics: Diagnostic[] }) =>
        p.diagnostics.some((d) => d.code === 'chain/missing-prerequisite');
      const waiting = client.waitForDiagnosticsWhere(fileUri(a), missing);
      // The scan read b.yaml as a bundle; opened, it is a Preloop document and its name is no target.
      client.open(fileUri(b), readFileSync(b, 'utf8'));
      await waiting;
    } finally {
      await client.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settings that arrive again unchanged', () => {
  it('do not re-analyse and re-publish the open documents; a change does', async () => {
    const client = new LspClient();
    try {
      await client.initialize({ rootUri: 'file:///ws' });
      const uri = 'file:///ws/policies/a.yaml';
      client.open(uri, 'name: a\npolicyType: expression\nenforcementMode: nope\n');
      await client.waitForDiagnostics(uri, 1);
      await settled(client, 300);
      const before = client.diagnostics.length;
      client.notify('workspace/didChangeConfiguration', { settings: { policyLens: {} } });
      await settled(client, 300);
      assert.equal(client.diagnostics.length, before, 'the same settings publish nothing');
      // `a.yaml` read as a Preloop document gets other findings: the change is applied.
      client.notify('workspace/didChangeConfiguration', {
        settings: { policyLens: { dialects: { '**/a.yaml': 'preloop' } } },
      });
      const next = await client.waitForDiagnostics(uri);
      assert.ok(next.diagnostics.every((d) => d.message !== '') && client.diagnostics.length > before);
    } finally {
      await client.shutdown();
    }
  });
});
