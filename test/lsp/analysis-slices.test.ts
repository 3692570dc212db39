// A document that takes seconds to analyse (here 1 MB of unknown keys, one finding each) is analysed
// in slices: requests on the other documents are answered between them, and its diagnostics are
// those of the analysis in one go. Talks to `node dist/server.js --stdio`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { analyze, MAX_FINDINGS_PER_FILE } from '../../server/src/core/index';
import { unknownKeysToTheLimit } from '../hardening/support/hostile';
import { fileUri, LspClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'policylens-slices-'));
after(() => rmSync(dir, { recursive: true, force: true }));

it('answers hovers on another document while a costly one is analysed', async () => {
  const { text } = unknownKeysToTheLimit(1024 * 1024);
  const client = new LspClient(['--stdio']);
  try {
    await client.initialize({ rootUri: fileUri(dir) });
    const small = fileUri(join(dir, 'policies', 'small.yaml'));
    const big = fileUri(join(dir, 'policies', 'many-keys.json'));
    client.open(small, 'name: small\npolicyType: tool_call\nenforcementMode: block\n');
    await client.waitForDiagnostics(small, 1);
    client.open(big, text);
    const bigPublished = () => client.diagnostics.some((p) => p.uri === big);
    let before = 0;
    let total = 0;
    for (; total < 100_000 && !bigPublished(); total++) {
      const hover = await client.request<{ contents: unknown } | null>('textDocument/hover', {
        textDocument: { uri: small },
        position: { line: 1, character: 3 },
      });
      assert.ok(hover, 'the hover of policyType has content');
      if (!bigPublished()) before++;
    }
    // In one block of seconds, at most the hover that arrived before the analysis started would be
    // answered before the diagnostics. (The count allows for that one, and one read together with
    // the diagnostics.)
    assert.ok(before >= 3, `hovers answered while the big document was analysed: ${before} of ${total}`);
    const { diagnostics: published } = await client.waitForDiagnostics(big, 1);
    const expected = analyze(text, { fileName: join(dir, 'policies', 'many-keys.json') }).findings;
    assert.equal(published.length, MAX_FINDINGS_PER_FILE + 1);
    assert.deepEqual(
      published.map((d) => d.code),
      expected.map((f) => f.code),
    );
    assert.deepEqual(
      published.map((d) => d.message),
      expected.map((f) => f.message),
    );
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
});
