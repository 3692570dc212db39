// One file's findings as each process gives them: analyze() in this process, `dist/cli.js lint`
// and the language server (`dist/server.js`, over stdio). The tests of one answer for one file
// (deep YAML and JSON, aliases, `!!binary`) compare the three.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { analyze } from '../../server/src/core/index';
import { LineIndex } from '../../server/src/core/text';
import { runCli } from '../hardening/support/cli';
import { fileUri, type LspClient } from './client';

/** A finding as the three show it: code, message and a zero-based range. */
export interface Seen {
  code: unknown;
  message: unknown;
  range: unknown;
}

export interface Everywhere {
  engine: Seen[];
  lint: Seen[];
  server: Seen[];
  /** The lint run's exit status. */
  status: number | null;
  lines: LineIndex;
  uri: string;
}

/**
 * Writes `text` at `path` and reads its findings in the three processes; the document is left open
 * in the server (the caller may send requests on it, then closes it).
 */
export async function findingsEverywhere(client: LspClient, path: string, text: string): Promise<Everywhere> {
  writeFileSync(path, text);
  const lines = new LineIndex(text);
  const engine = analyze(text, { fileName: path }).findings.map((f) => ({
    code: f.code,
    message: f.message,
    range: { start: lines.positionAt(f.span.start), end: lines.positionAt(f.span.end) },
  }));

  const r = runCli(['lint', path, '--format', 'json']);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const report = JSON.parse(r.stdout) as { files: { findings: Record<string, unknown>[] }[] };
  const lint = report.files[0].findings.map(({ code, message, range }) => ({ code, message, range }));

  const uri = fileUri(path);
  const published = client.waitForDiagnostics(uri, 1);
  client.open(uri, text);
  const server = (await published).diagnostics.map(({ code, message, range }) => ({ code, message, range }));
  return { engine, lint, server, status: r.status, lines, uri };
}
