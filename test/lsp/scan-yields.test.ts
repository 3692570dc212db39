// The workspace scan never holds the language server for long: it parses in short slices and lets
// the requests that arrived meanwhile be answered in between, so completion works while a large
// folder is being indexed (requests a little apart, as typing sends them). Talks to `node dist/server.js --stdio` over a generated workspace.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, it } from 'node:test';
import { buildWorkspace } from '../../bench/corpus';
import { fileUri, LspClient, positionAt } from './client';

let dir = '';
let probe = { uri: '', text: '' };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'policylens-scan-'));
  // Enough bundles that parsing them takes many slices even on a fast machine.
  const { files, texts } = buildWorkspace(2500, 14);
  files.forEach((f, i) => {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, texts[i]!);
  });
  probe = { uri: fileUri(join(dir, files[0]!.path)), text: texts[0]! };
});

after(() => rmSync(dir, { recursive: true, force: true }));

it('answers completion between the slices of the workspace scan', async () => {
  const client = new LspClient(['--stdio']);
  try {
    await client.initialize({ rootUri: fileUri(dir) });
    // Opening a bundle starts the scan; the completion is at its enforcementMode value.
    client.open(probe.uri, probe.text);
    const at = positionAt(probe.text, probe.text.indexOf('enforcementMode: ') + 'enforcementMode: '.length);
    const phases: string[] = [];
    const phase = () =>
      client.logs.some((l) => l.startsWith('chain: indexed'))
        ? 'indexed'
        : client.logs.some((l) => l.startsWith('chain: parsing'))
          ? 'parsing'
          : 'reading';
    for (let k = 0; k < 100_000 && phase() !== 'indexed'; k++) {
      const list = await client.request<{ items: { label: string }[] } | { label: string }[]>(
        'textDocument/completion',
        { textDocument: { uri: probe.uri }, position: at },
      );
      const items = Array.isArray(list) ? list : list.items;
      assert.ok(
        items.some((i) => i.label === 'block'),
        'completion offers the enum values',
      );
      phases.push(phase());
      // A pause longer than the scan's quiet moment (30 ms): a completion pauses the scan until the
      // editor is quiet (scan-priority.test.ts), so back-to-back requests would hold it still.
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const during = phases.filter((p) => p === 'parsing').length;
    // Before the slices, a quiet editor let the scan parse every file in one block: no answer could
    // come between its first and its last file. (The count allows for one answer read together
    // with the log line that starts the parse.)
    assert.ok(during >= 3, `answers while parsing: ${during} of ${phases.length}`);
  } finally {
    await client.shutdown();
  }
});
