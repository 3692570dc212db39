// Diagnostics over the protocol: the same findings as lint (test/fixtures/lint), their life cycle
// (open, change, close, delete) and which files get them (globs, sniffing). Every test talks to
// `node dist/server.js --stdio`; the settings that decide which files are policies and the baseline
// command are tested in process (settings.test.ts, baseline.test.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cases } from '../support/fixtures';
import { LspClient, type Diagnostic } from './client';

const fmt = (d: Diagnostic) =>
  `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;
const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];
const CROSS_FILE = new Set([
  'chain/cycle',
  'chain/missing-prerequisite',
  'chain/unresolved-prerequisite',
  'chain/inactive-prerequisite',
  'chain/duplicate-name',
  'chain/exported-id',
]);

describe('lsp diagnostics', () => {
  const client = new LspClient();
  before(async () => {
    await client.initialize({ rootUri: 'file:///ws' });
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  describe('are the findings of lint (test/fixtures/lint)', () => {
    for (const c of cases('lint')) {
      const input = readdirSync(c.dir).find((f) => f.startsWith('input.'))!;
      const expected = JSON.parse(readFileSync(join(c.dir, 'expected.json'), 'utf8')) as {
        findings: { code: string; severity: string; message: string; range: string }[];
      };
      // Bytes that are not UTF-8 never reach a language server: the editor decodes the file.
      if (expected.findings.some((f) => f.code === 'parse/encoding')) continue;
      it(c.name, async () => {
        const uri = `file:///ws/policies/lint/${c.name}/${input}`;
        const published = client.waitForDiagnostics(uri, 1);
        // An editor decodes the byte order mark away, as the CLI does.
        client.open(uri, readFileSync(join(c.dir, input), 'utf8').replace(/^\uFEFF/, ''));
        const { diagnostics } = await published;
        client.close(uri);
        // Cross-file chain findings depend on the rest of the workspace, which lint of one file lacks.
        const ownFindings = diagnostics.filter((d) => !CROSS_FILE.has(String(d.code)));
        assert.deepEqual(
          ownFindings.map((d) => ({
            code: d.code,
            severity: SEVERITY[d.severity ?? 1],
            message: d.message,
            range: fmt(d),
          })),
          // A case with other bundles beside its input records the chain's findings too.
          expected.findings
            .filter((f) => !CROSS_FILE.has(f.code))
            .map((f) => ({
              code: f.code,
              severity: f.severity,
              message: f.message,
              range: f.range,
            })),
        );
        for (const d of diagnostics) {
          assert.equal(d.source, 'policy-lens');
          assert.match(
            d.codeDescription?.href ?? '',
            new RegExp(`/docs/findings/${String(d.code).replace('/', '-')}\\.md$`),
          );
        }
      });
    }
  });

  it('are published on open and change, and cleared on close and delete', async () => {
    const uri = 'file:///ws/policies/life.yaml';
    let next = client.waitForDiagnostics(uri, 1);
    client.open(uri, 'name: x\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n');
    assert.deepEqual((await next).diagnostics, []);
    next = client.waitForDiagnostics(uri, 2);
    client.change(uri, 'name: x\npolicyType: pii_acess\nenforcementMode: block\nruleDefinition: {}\n');
    const changed = await next;
    assert.equal(changed.version, 2);
    assert.deepEqual(
      changed.diagnostics.map((d) => d.code),
      ['schema/enum'],
    );
    // Other features may republish in between; what matters is that an empty list arrives.
    const cleared = () => client.waitForDiagnosticsWhere(uri, (p) => p.diagnostics.length === 0);
    next = cleared();
    client.close(uri);
    assert.deepEqual((await next).diagnostics, []);

    next = client.waitForDiagnostics(uri, 1);
    client.open(uri, 'name: x\n');
    assert.ok((await next).diagnostics.length > 0);
    next = cleared();
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 3 }] });
    assert.deepEqual((await next).diagnostics, []);
    client.close(uri);
  });

  it('of a burst of keystrokes end at the last version, never going back to an older one', async () => {
    const uri = 'file:///ws/policies/burst.yaml';
    const first = client.waitForDiagnostics(uri, 1);
    // A name of its own: the test before closes a bundle named "x" just before this one opens, and
    // on a loaded machine its removal from the workspace's names could come after the burst's last
    // analysis (a duplicate-name finding on the last version, gone at the next publication).
    client.open(uri, 'name: burst\npolicyType: ');
    await first;
    const start = client.diagnostics.length;
    let version = 1;
    for (const ch of 'pii_access\nenforcementMode: block\nruleDefinition: {}\n')
      version = client.type(uri, ch);
    const last = await client.waitForDiagnostics(uri, version);
    assert.equal(last.version, version);
    assert.deepEqual(last.diagnostics, []);
    const versions = client.diagnostics
      .slice(start)
      .filter((p) => p.uri === uri)
      .map((p) => p.version ?? 0);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      'published versions only increase',
    );
    client.close(uri);
  });

  it('are not published for YAML that is not a policy, and are for a sniffed policy elsewhere', async () => {
    const other = 'file:///ws/deploy/compose.yaml';
    const sniffed = 'file:///ws/config/guard.yaml';
    client.open(other, 'services: [unclosed\n');
    const published = client.waitForDiagnostics(sniffed, 1);
    client.open(sniffed, 'name: Guard\npolicyType: pii_access\n');
    const { diagnostics } = await published;
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['schema/required', 'schema/required'],
    );
    assert.equal(client.diagnostics.filter((p) => p.uri === other).length, 0);
    client.close(other);
    client.close(sniffed);
  });
});
