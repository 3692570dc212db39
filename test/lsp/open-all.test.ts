// A client that opens a whole workspace at once (the bench's "open all" scenario) while the chain
// index reads the same workspace from disk: what the scan may skip, what it may reuse, and that the
// diagnostics do not depend on which came first. The server runs in this process (memory files, a
// virtual clock): a test stops the clock to open a burst of files before the scan may start, where
// a spawned server needed a 1.5 s quiet moment that a loaded machine could still overrun.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { cases } from '../support/fixtures';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';
import type { Diagnostic } from './client';

const WS = 'file:///ws';

/** One workspace with the chain fixtures (cycles, duplicates, missing links) and the lint cases. */
function buildWorkspace(): Record<string, string> {
  const files: Record<string, string> = {};
  const copy = (from: string, to: string) => {
    for (const name of readdirSync(from, { withFileTypes: true }))
      if (name.isDirectory()) copy(join(from, name.name), `${to}/${name.name}`);
      else files[`${to}/${name.name}`] = readFileSync(join(from, name.name), 'utf8');
  };
  for (const c of cases('chain')) copy(join(c.dir, 'workspace'), `/ws/chain/${c.name}`);
  for (const c of cases('lint')) {
    const input = readdirSync(c.dir).find((f) => f.startsWith('input.'));
    if (input)
      files[`/ws/policies/${c.name}${input.slice('input'.length)}`] = readFileSync(
        join(c.dir, input),
        'utf8',
      );
  }
  return files;
}

/** Resolves once a log line matches. */
async function logged(s: InProcessServer, re: RegExp): Promise<string> {
  await s.client.until(() => s.client.logs.some((l) => re.test(l)), `a log line ${re}`);
  return s.client.logs.find((l) => re.test(l))!;
}

/** Once the server has nothing left to do, the latest diagnostics of each URI. */
async function settled(s: InProcessServer): Promise<Map<string, Diagnostic[]>> {
  await idle(s);
  const latest = new Map<string, Diagnostic[]>();
  for (const p of s.client.diagnostics) latest.set(p.uri, p.diagnostics);
  return latest;
}

/** Diagnostics as comparable text: place, code, message and the places of related information. */
function describeAll(all: Map<string, Diagnostic[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [uri, diagnostics] of [...all].sort(([a], [b]) => a.localeCompare(b)))
    out[decodeURIComponent(uri.slice(`${WS}/`.length))] = diagnostics.map((d) =>
      JSON.stringify([d.range, d.severity, d.code, d.message, d.relatedInformation ?? []]).replaceAll(
        WS,
        '<ws>',
      ),
    );
  return out;
}

/** A server on the workspace, its clock stopped: nothing is scheduled to run before `start()`. */
async function stopped(files: Record<string, string>, init: object = {}): Promise<InProcessServer> {
  const s = startInProcess({ files });
  s.clock.stop();
  await s.client.initialize({ rootUri: WS, ...init });
  return s;
}

/** The messages sent so far have been handled: the server answers in their order. */
async function handled(s: InProcessServer, uri: string): Promise<void> {
  await s.client.request('textDocument/foldingRange', { textDocument: { uri } });
}

describe('opening every file of a workspace at once', () => {
  const workspace = buildWorkspace();
  const paths = Object.keys(workspace)
    .filter((p) => /\.(ya?ml|json)$/.test(p))
    .sort();
  const uri = (path: string) => URI.file(path).toString();
  /** The diagnostics when every file is opened before the scan starts. */
  let openedFirst: Record<string, string[]>;

  /** A server that received every file's `didOpen` before its clock (and so its scan) started. */
  async function openedBeforeTheScan(): Promise<InProcessServer> {
    const s = await stopped(workspace);
    for (const p of paths) s.client.open(uri(p), workspace[p]);
    await handled(s, uri(paths[0]));
    s.clock.start();
    return s;
  }

  it('indexes the open documents from their analyses: the scan reads and parses none of them', async () => {
    const s = await openedBeforeTheScan();
    try {
      const line = await logged(s, /^chain: indexed/);
      assert.match(line, new RegExp(`of ${paths.length} YAML/JSON files`));
      assert.match(line, /\(0 read from disk, 0 of them parsed;/);
      openedFirst = describeAll(await settled(s));
      // The workspace has something of every kind, so the comparison below means something.
      const codes = new Set(Object.values(openedFirst).flatMap((ds) => ds.map((d) => JSON.parse(d)[2])));
      for (const code of ['chain/cycle', 'chain/duplicate-name', 'chain/missing-prerequisite', 'schema/enum'])
        assert.ok(codes.has(code), `${code} in ${[...codes].join(' ')}`);
      // Every file but the few that are not policies (empty, only comments, not a mapping).
      assert.ok(Object.keys(openedFirst).length >= paths.length - 10, `${Object.keys(openedFirst).length}`);
    } finally {
      await s.client.shutdown();
    }
  });

  it('publishes a file with nothing of its own to report once, when its cross-file findings are known', async () => {
    const s = await openedBeforeTheScan();
    try {
      await settled(s);
      const byUri = new Map<string, Diagnostic[][]>();
      for (const p of s.client.diagnostics) byUri.set(p.uri, [...(byUri.get(p.uri) ?? []), p.diagnostics]);
      // A file on a cycle and clean on its own was published empty, then again with its cycle.
      const once = [...byUri].filter(([, all]) => !all[0].length || all.length === 1);
      for (const [u, all] of once) assert.equal(all.length, 1, `${u}: ${JSON.stringify(all)}`);
      const chainOnly = once.filter(
        ([, [first]]) => first.length && first.every((d) => /^chain\//.test(String(d.code))),
      );
      assert.ok(chainOnly.some(([, [first]]) => first.some((d) => d.code === 'chain/cycle')));
      // Nothing is lost: a file with nothing to report at all still gets its (empty) publication.
      assert.ok(once.some(([, [first]]) => !first.length));
      const policies = Object.keys(openedFirst).map((p) => `${WS}/${p}`);
      for (const u of policies) assert.ok(byUri.has(u), `${u} published`);
    } finally {
      await s.client.shutdown();
    }
  });

  it('publishes the same diagnostics when the files are opened after the scan parsed them', async () => {
    assert.ok(openedFirst, 'runs after the test above');
    const s = await stopped(workspace);
    try {
      // One open document starts the scan; the others are opened once it has parsed them.
      s.client.open(uri(paths[0]), workspace[paths[0]]);
      s.clock.start();
      const line = await logged(s, /^chain: indexed/);
      assert.match(
        line,
        new RegExp(`\\(${paths.length - 1} read from disk, ${paths.length - 1} of them parsed;`),
      );
      paths.forEach((p, i) => i > 0 && s.client.open(uri(p), workspace[p]));
      assert.deepEqual(describeAll(await settled(s)), openedFirst);
    } finally {
      await s.client.shutdown();
    }
  });

  it('analyses the buffer, not the scan\u2019s parse of the file, when they differ', async () => {
    const s = await stopped(workspace);
    try {
      const file = '/ws/chain/cycle-3/sanitise-input.yaml';
      const text = workspace[file];
      assert.match(text, /enforcementMode: block/);
      const other = paths.find((p) => p !== file)!;
      s.client.open(uri(other), workspace[other]);
      s.clock.start();
      await logged(s, /^chain: indexed/);
      s.client.open(uri(file), text.replace('enforcementMode: block', 'enforcementMode: blok'));
      const published = await s.client.waitForDiagnostics(uri(file), 1);
      assert.ok(
        published.diagnostics.some((d) => d.code === 'schema/enum' && /enforcementMode/.test(d.message)),
        JSON.stringify(published.diagnostics.map((d) => d.message)),
      );
    } finally {
      await s.client.shutdown();
    }
  });
});

describe('a file a setting forces to another dialect, in the scan and opened', () => {
  it('is no bundle of the chain, before it is opened and after', async () => {
    const a =
      'name: a\npolicyType: expression\nenforcementMode: monitor\nruleDefinition:\n  expression: "true"\nprerequisites:\n  - b\n';
    const b =
      'name: b\npolicyType: expression\nenforcementMode: monitor\nruleDefinition:\n  expression: "true"\n';
    const dialects = { '**/b.yaml': 'preloop' };
    const s = startInProcess({ files: { '/ws/a.yaml': a, '/ws/b.yaml': b } });
    try {
      s.client.settings = { dialects };
      await s.client.initialize({ rootUri: WS, initializationOptions: { dialects } });
      const missing = (p: { diagnostics: Diagnostic[] }) =>
        p.diagnostics.some((d) => d.code === 'chain/missing-prerequisite');
      const waiting = s.client.waitForDiagnosticsWhere(`${WS}/a.yaml`, missing);
      s.client.open(`${WS}/a.yaml`, a);
      // The scan reads b.yaml as the setting says, a Preloop document: its name is no target.
      await logged(s, /^chain: indexed 1 bundles/);
      await waiting;
      // Opened, it stays one: a.yaml's prerequisite is still missing after the document is analysed.
      s.client.open(`${WS}/b.yaml`, b);
      await s.client.waitForDiagnostics(`${WS}/b.yaml`, 1);
      await idle(s);
      const last = s.client.diagnostics.filter((p) => p.uri === `${WS}/a.yaml`).at(-1)!;
      assert.ok(missing(last), JSON.stringify(last.diagnostics.map((d) => d.message)));
    } finally {
      await s.client.shutdown();
    }
  });
});

describe('settings that arrive again unchanged', () => {
  it('do not re-analyse and re-publish the open documents; a change does', async () => {
    const s = startInProcess();
    try {
      await s.client.initialize({ rootUri: WS });
      const doc = `${WS}/policies/a.yaml`;
      s.client.open(doc, 'name: a\npolicyType: expression\nenforcementMode: nope\n');
      await s.client.waitForDiagnostics(doc, 1);
      await idle(s);
      const before = s.client.diagnostics.length;
      s.client.notify('workspace/didChangeConfiguration', { settings: { policyLens: {} } });
      await idle(s);
      assert.equal(s.client.diagnostics.length, before, 'the same settings publish nothing');
      // `a.yaml` read as a Preloop document gets other findings: the change is applied.
      s.client.notify('workspace/didChangeConfiguration', {
        settings: { policyLens: { dialects: { '**/a.yaml': 'preloop' } } },
      });
      const next = await s.client.waitForDiagnostics(doc);
      assert.ok(next.diagnostics.every((d) => d.message !== '') && s.client.diagnostics.length > before);
    } finally {
      await s.client.shutdown();
    }
  });
});
