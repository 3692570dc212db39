import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileUri, LspClient } from '../lsp/client';
import { classify, languageOf, ParsedDocument } from '../../server/src/core/index';
import { mutation } from './support/arbitraries';
import { policyCorpus, report, runs } from './support/invariants';
import {
  assertRangesInside,
  expectedDiagnostics,
  indexed,
  probes,
  timedRequest,
  typeEdit,
  visible,
} from './support/lsp';

// Random edit sequences typed into the real language server (`dist/server.js --stdio`): insertions,
// deletions and pastes of other files' contents, sent as incremental changes, with the requests an
// editor sends in between. The server must answer each request within a bound, never log a failed
// handler, keep every diagnostic inside its document, and end with the diagnostics a fresh lint
// of the final text gives.

const corpus = policyCorpus();
// The texts a sequence starts from: those the server recognises as policies by their content under
// the extension the sequence uses. Once the server has seen it, such a document stays a policy while
// it is open, whatever the edits do to it, so each final version has diagnostics to wait for. A file the server does not
// take for a policy gets none, by design (test/lsp/detect.test.ts); starting there, nothing would
// tell a finished analysis from a missing one.
const recognised = (text: string, ext: 'yaml' | 'json'): boolean => {
  const kind = classify(new ParsedDocument(text, languageOf(`x.${ext}`)).value, text, `x.${ext}`);
  return !!kind && kind !== 'unsure';
};
const starts = corpus.flatMap((text, i) =>
  (['yaml', 'json'] as const)
    .filter((ext) => recognised(text, ext))
    .map((ext) => [i, ext === 'json'] as const),
);
const root = mkdtempSync(join(tmpdir(), 'policylens-lsp-fuzz-'));
mkdirSync(join(root, 'policies'));
const counts = { sequences: 0, edits: 0, requests: 0, crashes: 0 };

/** stderr lines and logged handler failures: each is a crash the fallback hid. */
function problemsOf(client: LspClient): string[] {
  return [
    ...client.logs.filter((l) => /failed|unhandled|uncaught/i.test(l)),
    ...client.stderr.split('\n').filter((l) => l.trim()),
  ];
}

describe('language server under random edits', () => {
  const client = new LspClient(['--stdio'], { ...process.env, NODE_OPTIONS: '--max-old-space-size=512' });
  let n = 0;

  before(async () => {
    await client.initialize({ rootUri: fileUri(root) });
    await indexed(client, fileUri(join(root, 'policies', 'warmup.yaml')));
  });
  after(async () => {
    report(
      `${counts.sequences} edit sequences, ${counts.edits} edits fuzzed through the language server, ${counts.requests} requests answered, ${counts.crashes} crashes or logged handler failures`,
    );
    assert.equal(await client.shutdown(), 0);
    rmSync(root, { recursive: true, force: true });
  });

  it('random edit sequences end in the diagnostics of a fresh lint, and every request is answered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...starts),
        fc.array(fc.tuple(mutation, fc.option(fc.nat(6), { freq: 3 }), fc.nat()), {
          minLength: 1,
          maxLength: 12,
        }),
        async ([start, json], steps) => {
          const fileName = join(root, 'policies', `fuzz-${n++}.${json ? 'json' : 'yaml'}`);
          const uri = fileUri(fileName);
          let doc = TextDocument.create(uri, json ? 'json' : 'yaml', 1, corpus[start]);
          client.open(uri, doc.getText());
          // The server has seen the opening text (a policy), so the document stays one whatever the
          // edits do; without this wait, edits sent at once could reach the first look at the file.
          await client.waitForDiagnostics(uri, 1);
          const answers: Promise<unknown>[] = [];
          for (const [m, probe, at] of steps) {
            doc = typeEdit(client, doc, m, corpus);
            counts.edits++;
            if (probe !== null) {
              const [method, params] = probes(doc, at % (doc.getText().length + 1))[probe];
              answers.push(timedRequest(client, method, params));
              counts.requests++;
            }
          }
          await Promise.all(answers);
          const published = await client.waitForDiagnostics(uri, doc.version);
          assert.equal(published.version, doc.version);
          assertRangesInside(published.diagnostics, doc, `after ${steps.length} edits`);
          assert.deepEqual(
            published.diagnostics.map(visible),
            expectedDiagnostics(doc, fileName),
            `diagnostics differ from a fresh lint of:\n${doc.getText().slice(0, 1500)}`,
          );
          client.close(uri);
          if (!client.alive || problemsOf(client).length) counts.crashes++;
          assert.deepEqual(problemsOf(client), []);
          counts.sequences++;
        },
      ),
      runs(30),
    );
    assert.ok(client.alive);
  });
});
