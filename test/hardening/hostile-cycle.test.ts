import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileUri, LspClient } from '../lsp/client';
import { runCliAsync, type JsonReport } from './support/cli';
import { report } from './support/invariants';
import { PEAK_LIMIT_MB, peakOfRunningMb, peakRecorder } from './support/peak';

// One prerequisite cycle through every policy of a 5,000-file workspace (ring-0 → ring-1 → … →
// ring-4999 → ring-0). Each file's entry closes a cycle 5,000 long: breadcrumbs that named it all
// took lint 26 s, 2.7 GB and a 347 MB report, and with this suite's 256 MB heap lint aborted. A
// breadcrumb now names 18 policies and counts the rest (core/chain/breadcrumb.ts).

const N = 5000;
const dir = mkdtempSync(join(tmpdir(), 'policylens-ring-'));
const policies = join(dir, 'policies');
const figures = { lintPeakMb: 0, reportKb: 0, serverPeakMb: 0 };

const bundle = (i: number) =>
  [
    `name: ring-${i}`,
    'policyType: tool_call',
    'enforcementMode: warn',
    'ruleDefinition:',
    '  tools:',
    '    - search',
    'prerequisites:',
    `  - ring-${(i + 1) % N}`,
    '',
  ].join('\n');

before(() => {
  mkdirSync(policies);
  for (let i = 0; i < N; i++) writeFileSync(join(policies, `ring-${i}.yaml`), bundle(i));
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(
    `a cycle through ${N.toLocaleString('en-US')} policies: lint peak ${figures.lintPeakMb} MB, report ${figures.reportKb} KB, server peak ${figures.serverPeakMb} MB (bound ${PEAK_LIMIT_MB} MB)`,
  );
});

/** What a breadcrumb of this ring must read from `ring-i`: 18 policies, the other 4,983 counted. */
function assertBreadcrumb(message: string, i: number): void {
  const names = message.replace(/^cycle: /, '').split(' → ');
  assert.equal(names.length, 19, message);
  assert.equal(names[0], `ring-${i}`);
  assert.equal(names[1], `ring-${(i + 1) % N}`);
  assert.equal(names[names.length - 1], `ring-${i}`);
  assert.ok(names.includes('… 4,983 more …'), message);
}

describe('a prerequisite cycle through 5,000 policies', () => {
  it(`lint reports it in every file, under ${PEAK_LIMIT_MB} MB`, async () => {
    const peak = peakRecorder(dir);
    const r = await runCliAsync(['lint', policies, '--format', 'json'], 120_000, peak.nodeArgs);
    assert.equal(r.signal, null, `killed (hang or out of memory): ${r.stderr.slice(0, 1000)}`);
    assert.equal(r.status, 1, r.stderr.slice(0, 1000));
    figures.lintPeakMb = peak.readMb();
    figures.reportKb = Math.round(Buffer.byteLength(r.stdout) / 1024);
    const rep = JSON.parse(r.stdout) as JsonReport & {
      files: { findings: { code: string; message: string }[] }[];
    };
    assert.equal(rep.files.length, N);
    for (const f of rep.files) {
      const i = Number(/ring-(\d+)\.yaml$/.exec(f.file)![1]);
      assert.deepEqual(
        f.findings.map((x) => x.code),
        ['chain/cycle'],
        f.file,
      );
      assertBreadcrumb(f.findings[0].message, i);
    }
    assert.ok(figures.lintPeakMb <= PEAK_LIMIT_MB, `lint peak ${figures.lintPeakMb} MB`);
  });

  it('the language server underlines it in an open file, under the same bound', async () => {
    const client = new LspClient(['--stdio'], { ...process.env, NODE_OPTIONS: '--max-old-space-size=512' });
    try {
      await client.initialize({ rootUri: fileUri(dir) });
      const i = 2500;
      const uri = fileUri(join(policies, `ring-${i}.yaml`));
      client.open(uri, readFileSync(join(policies, `ring-${i}.yaml`), 'utf8'));
      // The cycle is found once the workspace is scanned; until then the file is clean.
      const published = await client.waitForDiagnosticsWhere(uri, (p) =>
        p.diagnostics.some((x) => x.code === 'chain/cycle'),
      );
      const cycle = published.diagnostics.find((x) => x.code === 'chain/cycle')!;
      assertBreadcrumb(cycle.message, i);
      assert.ok((cycle.relatedInformation ?? []).length <= 12);
      figures.serverPeakMb = peakOfRunningMb(client.proc!.pid!);
      assert.ok(figures.serverPeakMb <= PEAK_LIMIT_MB, `server peak ${figures.serverPeakMb} MB`);
    } finally {
      assert.equal(await client.shutdown(), 0);
    }
  });
});
