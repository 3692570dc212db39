// Protocol tests of the request features, as data: test/fixtures/lsp/<feature>/<case>/ holds an input
// file with the cursor marked (`|` or `$0`), an optional case.json, and the expected answer in
// expected.json (UPDATE_FIXTURES=1 rewrites it). One server, in this process with a virtual clock
// (test/support/inProcess.ts), answers every case over JSON-RPC.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cases, expectJson } from '../support/fixtures';
import { startInProcess } from '../support/inProcess';
import { parseDocument } from 'yaml';
import { snippetToPlain } from '../../server/src/core/index';
import { applyTextEdits, positionAt, splitCursor } from './client';

interface CaseOptions {
  /** The path of the document under the workspace root (default `policies/<case>.<ext>`). */
  path?: string;
  /** codeAction: `context.only`. */
  only?: string[];
}

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };
const fmt = (r: Range) =>
  `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;

function loadCase(dir: string, name: string, needsCursor: boolean) {
  const input = readdirSync(dir).find((f) => f.startsWith('input.'));
  if (!input) throw new Error(`${dir} has no input file`);
  const marked = readFileSync(join(dir, input), 'utf8');
  const opts: CaseOptions = existsSync(join(dir, 'case.json'))
    ? JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'))
    : {};
  const ext = input.slice('input.'.length);
  const { text, offset } = needsCursor ? splitCursor(marked) : { text: marked, offset: 0 };
  const uri = `file:///ws/${opts.path ?? `policies/${name}.${ext}`}`;
  return { text, offset, uri, opts };
}

const { client } = startInProcess();

before(async () => {
  await client.initialize({ rootUri: 'file:///ws' });
});

after(async () => {
  assert.equal(await client.shutdown(), 0, 'the server exits cleanly after shutdown + exit');
});

/** Opens a case's document and waits until the server has analysed it. */
async function openCase(uri: string, text: string): Promise<void> {
  const isPolicyPath = /\/policies\/|\.policy\./.test(uri);
  const published = isPolicyPath ? client.waitForDiagnostics(uri, 1) : undefined;
  client.open(uri, text);
  await published;
}

function feature(
  name: string,
  needsCursor: boolean,
  run: (c: ReturnType<typeof loadCase>) => Promise<unknown>,
): void {
  describe(`lsp ${name} (test/fixtures/lsp/${name})`, () => {
    for (const c of cases(`lsp/${name}`)) {
      it(c.name, async () => {
        const loaded = loadCase(c.dir, c.name, needsCursor);
        await openCase(loaded.uri, loaded.text);
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
  additionalTextEdits?: { newText: string; range: Range }[];
};

/**
 * Accepting any item must leave the text well formed, where it was (a JSON case whose text is a
 * whole object, a YAML case that parses): a JSON key or value accepted between two members once
 * left them without the comma between, and a key in a YAML flow mapping over several lines was
 * written in block style (field tests).
 */
function assertAcceptedJson(uri: string, text: string, items: Item[]): void {
  const yaml = /\.ya?ml$/.test(uri);
  if (yaml ? parseDocument(text).errors.length > 0 : !uri.endsWith('.json') || !/\}\s*$/.test(text)) return;
  for (const it of items) {
    if (!it.textEdit) continue;
    const edits = [it.textEdit, ...(it.additionalTextEdits ?? [])].map((e) => ({
      ...e,
      newText: snippetToPlain(e.newText),
    }));
    const accepted = applyTextEdits(text, edits);
    if (yaml)
      assert.deepEqual(
        parseDocument(accepted).errors.map((e) => e.message),
        [],
        `accepting ${it.label} gives YAML:\n${accepted}`,
      );
    else assert.doesNotThrow(() => JSON.parse(accepted), `accepting ${it.label} gives JSON:\n${accepted}`);
  }
}

feature('completion', true, async ({ uri, text, offset }) => {
  const list = await client.request<{ items: Item[] } | null>('textDocument/completion', {
    textDocument: { uri },
    position: positionAt(text, offset),
  });
  const items = [...(list?.items ?? [])].sort(
    (a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label),
  );
  for (const it of items) assert.ok(it.documentation?.value, `completion item ${it.label} has documentation`);
  assertAcceptedJson(uri, text, items);
  return items.map((it) => ({
    label: it.label,
    ...(it.detail ? { detail: it.detail } : {}),
    insert: it.textEdit?.newText,
    replaces: it.textEdit ? fmt(it.textEdit.range) : undefined,
    ...(it.additionalTextEdits?.length
      ? { also: it.additionalTextEdits.map((e) => `${fmt(e.range)} ${JSON.stringify(e.newText)}`) }
      : {}),
  }));
});

feature('hover', true, async ({ uri, text, offset }) => {
  const h = await client.request<{ contents: { value: string }; range?: Range } | null>(
    'textDocument/hover',
    {
      textDocument: { uri },
      position: positionAt(text, offset),
    },
  );
  return h && { range: h.range && fmt(h.range), contents: h.contents.value.split('\n') };
});

feature('codeAction', true, async ({ uri, text, offset, opts }) => {
  const pos = positionAt(text, offset);
  const diagnostics = client.diagnostics.filter((d) => d.uri === uri).at(-1)?.diagnostics ?? [];
  const actions = await client.request<
    {
      title: string;
      kind?: string;
      isPreferred?: boolean;
      edit?: { changes?: Record<string, { range: Range; newText: string }[]> };
      command?: { command: string; arguments?: unknown[] };
    }[]
  >('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: pos, end: pos },
    context: { diagnostics, ...(opts.only ? { only: opts.only } : {}) },
  });
  return actions.map((a) => ({
    title: a.title,
    kind: a.kind,
    ...(a.isPreferred ? { isPreferred: true } : {}),
    ...(a.edit?.changes?.[uri] ? { after: applyTextEdits(text, a.edit.changes[uri]).split('\n') } : {}),
    ...(a.command ? { command: a.command.command } : {}),
  }));
});

interface Symbol {
  name: string;
  detail?: string;
  kind: number;
  range: Range;
  selectionRange: Range;
  children?: Symbol[];
}
const samePosition = (a: Range['start'], b: Range['start']) =>
  a.line === b.line && a.character === b.character;
/**
 * A symbol as data; `selection` is where the name is written when that is not where the symbol
 * starts (a key's is its start): the policy's name, a list item's `name` or `id`.
 */
const symbolTree = (s: Symbol, root = false): unknown => ({
  name: s.name,
  ...(s.detail ? { detail: s.detail } : {}),
  kind: s.kind,
  range: fmt(s.range),
  ...(root || !samePosition(s.selectionRange.start, s.range.start)
    ? { selection: fmt(s.selectionRange) }
    : {}),
  ...(s.children?.length ? { children: s.children.map((c) => symbolTree(c)) } : {}),
});

feature('documentSymbol', false, async ({ uri }) => {
  const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  // LSP forbids an empty or blank symbol name.
  const names = (list: Symbol[]): string[] => list.flatMap((s) => [s.name, ...names(s.children ?? [])]);
  for (const name of names(symbols)) assert.ok(name.trim(), `symbol name ${JSON.stringify(name)}`);
  return symbols.map((s) => symbolTree(s, true));
});

feature('foldingRange', false, async ({ uri }) => {
  const ranges = await client.request<{ startLine: number; endLine: number }[]>('textDocument/foldingRange', {
    textDocument: { uri },
  });
  return ranges.map((r) => `${r.startLine + 1}-${r.endLine + 1}`);
});
