// The language server's workspace scan reads a policy written in UTF-16 with a byte order mark
// (Windows PowerShell 5's `>`), as VS Code and the CLI decode it (core/utf16.ts): read as UTF-8 it
// was NUL bytes, and a prerequisite it declared or a cycle it closed went unseen in the editor
// while lint reported it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { fileUri, LspClient } from './client';

const root = mkdtempSync(join(tmpdir(), 'policylens-utf16-'));
let client: LspClient | undefined;
after(() => {
  client?.kill();
  rmSync(root, { recursive: true, force: true });
});

const bundle = (name: string, prerequisite: string) =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\nprerequisites: [${prerequisite}]\n`;

it('a UTF-16 policy on disk takes part in the chain of an open one', async () => {
  writeFileSync(join(root, 'a.yaml'), bundle('policy-a', 'policy-b'));
  // Little-endian with its mark, and a big-endian copy under another name closing a second cycle.
  writeFileSync(join(root, 'b.yaml'), Buffer.from(`\uFEFF${bundle('policy-b', 'policy-a')}`, 'utf16le'));
  writeFileSync(
    join(root, 'c.yaml'),
    Buffer.from(`\uFEFF${bundle('policy-c', 'policy-a')}`, 'utf16le').swap16(),
  );
  client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '' });
  await client.initialize({ rootUri: fileUri(root) });
  const a = fileUri(join(root, 'a.yaml'));
  client.open(a, bundle('policy-a', 'policy-b'));
  const cycle = await client.waitForDiagnosticsWhere(a, (p) =>
    p.diagnostics.some((d) => d.code === 'chain/cycle'),
  );
  const message = cycle.diagnostics.find((d) => d.code === 'chain/cycle')?.message ?? '';
  assert.match(message, /policy-a → policy-b → policy-a/);
  // The big-endian file is read too: policy-c is a known name, so naming it is no missing one.
  client.change(a, bundle('policy-a', 'policy-c'));
  const next = await client.waitForDiagnosticsWhere(a, (p) =>
    p.diagnostics.some((d) => d.code === 'chain/cycle' && /policy-c/.test(d.message)),
  );
  assert.ok(!next.diagnostics.some((d) => d.code === 'chain/missing-prerequisite'));
});
