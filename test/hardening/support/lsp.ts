import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyze,
  ChainIndex,
  chainPolicyOf,
  fileChainFindings,
  LineIndex,
} from '../../../server/src/core/index';
import type { Diagnostic, LspClient } from '../../lsp/client';
import { editFor, type Mutation } from './arbitraries';

/** A response later than this is a hang, not slowness: the bound is generous on a loaded machine. */
export const RESPONSE_BOUND_MS = 10_000;

/** Sends a request and fails when no answer (result or error) arrives within the bound. */
export async function timedRequest(client: LspClient, method: string, params: unknown): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${method}: no answer within ${RESPONSE_BOUND_MS} ms (alive: ${client.alive})`)),
      RESPONSE_BOUND_MS,
    );
  });
  try {
    return await Promise.race([client.request(method, params), bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every diagnostic range is a valid range of the document: lines that exist, characters on them. */
export function assertRangesInside(diags: readonly Diagnostic[], doc: TextDocument, context: string): void {
  const text = doc.getText();
  for (const d of diags) {
    const { start, end } = d.range;
    for (const p of [start, end]) {
      assert.ok(
        p.line >= 0 && p.line < doc.lineCount,
        `${context}: ${d.code} line ${p.line} of ${doc.lineCount}`,
      );
      // Round-tripping through offsetAt clamps a character past the line's end; equal means inside.
      const back = doc.positionAt(doc.offsetAt(p));
      assert.deepEqual(back, p, `${context}: ${d.code} position ${JSON.stringify(p)} is not inside its line`);
    }
    assert.ok(doc.offsetAt(start) <= doc.offsetAt(end), `${context}: ${d.code} range is reversed`);
    assert.ok(doc.offsetAt(end) <= text.length, context);
  }
}

/** What a user sees of a diagnostic: code, severity, message, range. */
export function visible(d: Diagnostic): unknown {
  return { code: d.code, severity: d.severity, message: d.message, range: d.range };
}

const SEVERITY = { error: 1, warning: 2, info: 3, hint: 4 } as const;

/**
 * The diagnostics a fresh lint of the text gives, with ranges as the client counts them: analyze()
 * plus the cross-file chain findings of a workspace that holds this one file (its prerequisites
 * name bundles that do not exist), which is what the server sees when no other file is open.
 */
export function expectedDiagnostics(doc: TextDocument, fileName: string): unknown[] {
  const a = analyze(doc.getText(), { fileName });
  // Placed as the engine places them: a leading U+FEFF is no column (core/text.ts: editors drop the
  // mark from their buffers, so line 1 is counted without it), where TextDocument counts it.
  const lines = new LineIndex(doc.getText());
  const policy = a.doc ? chainPolicyOf(doc.uri, a.doc, a.dialect.id) : undefined;
  const chain = policy ? fileChainFindings(new ChainIndex([policy]), doc.uri) : [];
  return [...a.findings, ...chain].map((f) =>
    visible({
      code: f.code,
      severity: SEVERITY[f.severity],
      message: f.message,
      range: { start: lines.positionAt(f.span.start), end: lines.positionAt(f.span.end) },
    }),
  );
}

/** Requests an editor sends while the user types, at a given offset of the document. */
export function probes(doc: TextDocument, offset: number): [string, unknown][] {
  const td = { textDocument: { uri: doc.uri } };
  const position = doc.positionAt(offset);
  return [
    ['textDocument/hover', { ...td, position }],
    ['textDocument/completion', { ...td, position }],
    ['textDocument/documentSymbol', td],
    ['textDocument/foldingRange', td],
    ['textDocument/codeLens', td],
    ['textDocument/definition', { ...td, position }],
    [
      'textDocument/codeAction',
      { ...td, range: { start: position, end: position }, context: { diagnostics: [], only: ['quickfix'] } },
    ],
  ];
}

/**
 * Resolves once the server has indexed the workspace (its chain findings start after that). The
 * scan starts with the first policy document, so a throw-away one is opened and closed.
 */
export async function indexed(client: LspClient, warmupUri: string): Promise<void> {
  client.open(warmupUri, 'name: warmup\n');
  await client.waitForDiagnostics(warmupUri, 1);
  for (let i = 0; i < RESPONSE_BOUND_MS / 50; i++) {
    if (client.logs.some((l) => l.startsWith('chain: indexed'))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  client.close(warmupUri);
  assert.ok(
    client.logs.some((l) => l.startsWith('chain: indexed')),
    `the server did not index the workspace within ${RESPONSE_BOUND_MS} ms`,
  );
}

/**
 * Applies a random edit to the document as an editor types it: the new version, sent to the server
 * as an incremental `didChange`.
 */
export function typeEdit(
  client: LspClient,
  doc: TextDocument,
  m: Mutation,
  corpus: readonly string[],
): TextDocument {
  const e = editFor(doc.getText(), m, corpus);
  const change = { range: { start: doc.positionAt(e.start), end: doc.positionAt(e.end) }, text: e.newText };
  const next = TextDocument.update(doc, [change], doc.version + 1);
  client.notify('textDocument/didChange', {
    textDocument: { uri: doc.uri, version: next.version },
    contentChanges: [change],
  });
  return next;
}
