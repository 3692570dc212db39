// The benchmark's smoke run: `npm run bench -- --quick` end to end, against the real servers, with
// no timing assertions. It checks that the bench still works and that its comparison is sound: the
// peer really reports the planted schema errors, and a peer configured without the schema is caught.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkServer } from '../../bench/check';
import { ensureCheckWorkspace } from '../../bench/corpus';
import { yamlLs } from '../../bench/servers';

const repo = join(import.meta.dirname ?? __dirname, '../..');
const hasServer = existsSync(join(repo, 'dist/server.js'));

interface Results {
  servers: string[];
  rows: {
    scenario: string;
    bName: string;
    a?: { n: number };
    b?: { n: number };
    ratio: number | null;
    target?: number;
  }[];
  raw: { checks: Record<string, { planted: number; plantedFlagged: number; validFlagged: number }> };
}

test('npm run bench -- --quick runs every scenario and writes the results', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
  try {
    const r = spawnSync(process.execPath, [join(repo, 'bench/run.mjs'), '--quick', '--out', out], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(r.status, 0, `bench failed:\n${r.stderr.slice(-3000)}`);
    assert.match(r.stdout, /open one small file → diagnostics/);
    const date = new Date().toISOString().slice(0, 10);
    const md = readFileSync(join(out, `${date}-quick.md`), 'utf8');
    assert.match(md, /\| Scenario \| Metric \|/);
    const json = JSON.parse(readFileSync(join(out, `${date}-quick.json`), 'utf8')) as Results;

    // The peer flagged every planted error and nothing else; so did Policy Lens when it is built.
    for (const name of hasServer ? ['yaml-ls', 'policylens'] : ['yaml-ls']) {
      const c = json.raw.checks[name];
      assert.ok(c, `no check for ${name}`);
      assert.equal(c.plantedFlagged, c.planted);
      assert.equal(c.validFlagged, 0);
    }
    const scenarios = new Set(json.rows.map((row) => row.scenario));
    for (const s of [
      'open one small file',
      'edits of a 1,000-line bundle',
      'completion',
      'completion while the folder is indexed',
      'hover',
      'open all 20',
      'one edit, 20-file',
      'edits of a 1,000-line bundle, 20 bundles indexed',
      'lint 20 files',
    ]) {
      assert.ok(
        [...scenarios].some((x) => x.includes(s)),
        `missing scenario ${s}`,
      );
    }
    // Every row has its baseline side; with the server built, every row is a real comparison.
    for (const row of json.rows) {
      const baselineIsUs = row.bName.startsWith('Policy Lens');
      if (hasServer || !baselineIsUs)
        assert.ok(row.b && row.b.n > 0, `no baseline samples in ${row.scenario}`);
      if (hasServer) assert.ok(row.a && row.a.n > 0, `no Policy Lens samples in ${row.scenario}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a peer that validates nothing is caught before anything is timed', async () => {
  const blind = yamlLs();
  blind.settings = { ...blind.settings, yaml: { ...(blind.settings.yaml as object), schemas: {} } };
  await assert.rejects(
    checkServer(blind, ensureCheckWorkspace(), 3000),
    /did not report the planted schema errors/,
  );
});
