// Protocol tests of the Preloop, Agent Sentinel and CEL editor features, as data:
// test/fixtures/dialects/lsp/<feature>/<case>/ holds an input file with the cursor marked `$0`
// (CEL and YAML block scalars use `|`, so only `$0` is used here), an optional case.json with the
// document's path, and the expected answer in expected.json (UPDATE_FIXTURES=1 rewrites it). One
// server process, spawned from dist/server.js, answers every case over real JSON-RPC.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cases, expectJson } from '../support/fixtures';
import { applyTextEdits, LspClient, positionAt, splitCursor } from './client';

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
const fmt = (r: Range) =>
  `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;

function loadCase(dir: string, name: string) {
  const input = readdirSync(dir).find((f) => f.startsWith('input.'));
  if (!input) throw new Error(`${dir} has no input file`);
  const marked = readFileSync(join(dir, input), 'utf8');
  const opts: { path?: string } = existsSync(join(dir, 'case.json'))
    ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'))
    : {};
  const { text, offset } = marked.includes('$0') ? splitCursor(marked) : { text: marked, offset: 0 };
  const uri = `file:///ws/${opts.path ?? `policies/${name}.${input.slice('input.'.length)}`}`;
  return { text, offset, uri };
}

const client = new LspClient();

before(async () => {
  await client.initialize({ rootUri: 'file:///ws' });
});

after(async () => {
  assert.equal(await client.shutdown(), 0, 'the server exits cleanly after shutdown + exit');
});

function feature(name: string, run: (c: ReturnType<typeof loadCase>) => Promise<unknown>): void {
  describe(`lsp dialects ${name} (test/fixtures/dialects/lsp/${name})`, () => {
    for (const c of cases(`dialects/lsp/${name}`)) {
      it(c.name, async () => {
        const loaded = loadCase(c.dir, c.name);
        const published = client.waitForDiagnostics(loaded.uri, 1);
        client.open(loaded.uri, loaded.text);
        await published;
        try {
          expectJson(join(c.dir, 'expected.json'), await run(loaded));
        } finally {
          client.close(loaded.uri);
        }
      });
    }
  });
}

type Item = {
  label: string;
  detail?: string;
  documentation?: { value: string };
  sortText?: string;
  textEdit?: { newText: string; range: Range };
};

feature('completion', async ({ uri, text, offset }) => {
  const list = await client.request<{ items: Item[] } | null>('textDocument/completion', {
    textDocument: { uri },
    position: positionAt(text, offset),
  });
  const items = [...(list?.items ?? [])].sort(
    (a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label),
  );
  for (const item of items)
    assert.ok(item.documentation?.value, `completion item ${item.label} has documentation`);
  return items.map((item) => ({
    label: item.label,
    ...(item.detail ? { detail: item.detail } : {}),
    insert: item.textEdit?.newText,
    replaces: item.textEdit ? fmt(item.textEdit.range) : undefined,
  }));
});

feature('hover', async ({ uri, text, offset }) => {
  const h = await client.request<{ contents: { value: string }; range?: Range } | null>(
    'textDocument/hover',
    {
      textDocument: { uri },
      position: positionAt(text, offset),
    },
  );
  return h && { range: h.range && fmt(h.range), contents: h.contents.value.split('\n') };
});

feature('definition', async ({ uri, text, offset }) => {
  const locations = await client.request<{ uri: string; range: Range }[] | null>('textDocument/definition', {
    textDocument: { uri },
    position: positionAt(text, offset),
  });
  return (locations ?? []).map((l) => ({
    uri: l.uri === uri ? 'same document' : l.uri,
    range: fmt(l.range),
  }));
});

feature('references', async ({ uri, text, offset }) => {
  const locations = await client.request<{ uri: string; range: Range }[] | null>('textDocument/references', {
    textDocument: { uri },
    position: positionAt(text, offset),
    context: { includeDeclaration: true },
  });
  return (locations ?? []).map((l) => `${l.uri === uri ? '' : l.uri}${fmt(l.range)}`);
});

feature('rename', async ({ uri, text, offset }) => {
  const position = positionAt(text, offset);
  const prepared = await client.request<{ range: Range; placeholder: string } | null>(
    'textDocument/prepareRename',
    {
      textDocument: { uri },
      position,
    },
  );
  const edit = await client.request<{ changes?: Record<string, { range: Range; newText: string }[]> } | null>(
    'textDocument/rename',
    { textDocument: { uri }, position, newName: 'renamed-x' },
  );
  let clash: string | undefined;
  try {
    await client.request('textDocument/rename', { textDocument: { uri }, position, newName: 'taken' });
  } catch (e) {
    clash = (e as Error).message;
  }
  return {
    prepared: prepared && { range: fmt(prepared.range), placeholder: prepared.placeholder },
    after: edit?.changes?.[uri] ? applyTextEdits(text, edit.changes[uri]).split('\n') : null,
    renameToTaken: clash ?? 'accepted',
  };
});

feature('codeAction', async ({ uri, text, offset }) => {
  const pos = positionAt(text, offset);
  const diagnostics = client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
  const actions = await client.request<
    {
      title: string;
      kind?: string;
      isPreferred?: boolean;
      edit?: { changes?: Record<string, { range: Range; newText: string }[]> };
    }[]
  >('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: pos, end: pos },
    context: { diagnostics },
  });
  return actions
    .filter((a) => a.kind === 'quickfix')
    .map((a) => ({
      title: a.title,
      ...(a.isPreferred ? { isPreferred: true } : {}),
      ...(a.edit?.changes?.[uri] ? { after: applyTextEdits(text, a.edit.changes[uri]).split('\n') } : {}),
    }));
});

feature('fixAll', async ({ uri }) => {
  const diagnostics = client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
  const start = { line: 0, character: 0 };
  const actions = await client.request<
    { title: string; edit?: { changes?: Record<string, { range: Range; newText: string }[]> } }[]
  >('textDocument/codeAction', {
    textDocument: { uri },
    range: { start, end: start },
    context: { diagnostics, only: ['source.fixAll'] },
  });
  const text = client.textOf(uri) ?? '';
  return actions.map((a) => ({
    title: a.title,
    after: a.edit?.changes?.[uri] ? applyTextEdits(text, a.edit.changes[uri]).split('\n') : null,
  }));
});

feature('diagnostics', async ({ uri }) => {
  const diagnostics = client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
  return diagnostics.map((d) => ({
    range: fmt(d.range),
    severity: d.severity,
    code: d.code,
    href: d.codeDescription?.href,
    message: d.message,
  }));
});

feature('documentSymbol', async ({ uri }) => {
  const symbols = await client.request<{ name: string; detail?: string }[]>('textDocument/documentSymbol', {
    textDocument: { uri },
  });
  return symbols.map((s) => ({ name: s.name, detail: s.detail }));
});
