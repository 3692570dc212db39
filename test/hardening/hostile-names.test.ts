import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCliAsync, type CliRun, type JsonReport } from './support/cli';
import { report } from './support/invariants';
import { PEAK_LIMIT_MB, peakRecorder } from './support/peak';

// 5,000 bundles that share one name and 5,000 that name it as their prerequisite: a duplicate name
// (an error in each of the 5,000) under the largest fan-in. Each entry naming it resolved to its
// own list of the 5,000, and each duplicate listed the others: lint took 336 MB (990 MB and 9.3 s
// at 10,000 of each), `chain` 43 s and 2.2 GB, and `chain --format json` failed with "Invalid
// string length" after 1.2 GB. Now one list per name (core/chain/workspace.ts, report.ts), a
// junction for the name in the evaluation order (order.ts), and at most 100 files and dependents
// per JSON entry, with their totals.

const N = 5000;
const dir = mkdtempSync(join(tmpdir(), 'policylens-names-'));
const policies = join(dir, 'policies');
const peaks: Record<string, number> = {};

const yaml = (name: string, prerequisites: string[]) =>
  [
    `name: ${name}`,
    'policyType: tool_call',
    'enforcementMode: warn',
    'ruleDefinition:',
    '  tools:',
    '    - search',
    ...(prerequisites.length ? ['prerequisites:', ...prerequisites.map((p) => `  - ${p}`)] : []),
    '',
  ].join('\n');

before(() => {
  mkdirSync(policies);
  for (let i = 0; i < N; i++) {
    writeFileSync(join(policies, `same-${i}.yaml`), yaml('same', []));
    writeFileSync(join(policies, `user-${i}.yaml`), yaml(`user-${i}`, ['same']));
  }
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
  report(
    `${N.toLocaleString('en-US')} bundles sharing a name that ${N.toLocaleString('en-US')} others name: peaks ${Object.entries(
      peaks,
    )
      .map(([k, v]) => `${k} ${v} MB`)
      .join(', ')} (bound ${PEAK_LIMIT_MB} MB)`,
  );
});

/** Runs the CLI with a bounded heap and records its peak memory under `label`. */
async function run(label: string, args: string[]): Promise<CliRun> {
  const peak = peakRecorder(dir);
  const r = await runCliAsync(args, 120_000, peak.nodeArgs);
  assert.equal(r.signal, null, `${label}: killed (hang or out of memory): ${r.stderr.slice(0, 1000)}`);
  assert.equal(r.status, 1, `${label}: ${r.stderr.slice(0, 1000)}`);
  assert.equal(r.stderr, '');
  peaks[label] = peak.readMb();
  assert.ok(peaks[label] <= PEAK_LIMIT_MB, `${label}: peak ${peaks[label]} MB`);
  return r;
}

type ChainJson = {
  entries: {
    name: string;
    prerequisites: { files?: string[]; filesTotal?: number }[];
    dependents: string[];
    dependentsTotal?: number;
  }[];
  duplicateNames: string[];
};

describe('a name 5,000 bundles share, named by 5,000 others', () => {
  it(`lint: one duplicate-name error in each, under ${PEAK_LIMIT_MB} MB`, async () => {
    const rep = JSON.parse(
      (await run('lint', ['lint', policies, '--format', 'json'])).stdout,
    ) as JsonReport & {
      files: { findings: { message: string }[] }[];
    };
    assert.equal(rep.files.length, 2 * N);
    for (const f of rep.files) {
      if (basename(f.file).startsWith('user-')) assert.deepEqual(f.findings, [], f.file);
      else {
        assert.deepEqual(
          f.findings.map((x) => x.code),
          ['chain/duplicate-name'],
        );
        assert.match(
          f.findings[0].message,
          /^4999 other bundles among the files linted are also named "same"/,
        );
      }
    }
  });

  it('chain: the order and the duplicate, as text and as JSON', async () => {
    const text = (await run('chain', ['chain', policies])).stdout;
    assert.match(text, /same/);
    const json = JSON.parse(
      (await run('chain --format json', ['chain', policies, '--format', 'json'])).stdout,
    ) as ChainJson;
    assert.equal(json.entries.length, 2 * N);
    assert.deepEqual(json.duplicateNames, ['same']);
    // Every bundle called "same" comes before every bundle that waits for them.
    const firstUser = json.entries.findIndex((e) => e.name.startsWith('user-'));
    assert.equal(firstUser, N);
    const user = json.entries[firstUser];
    assert.equal(user.prerequisites[0].files?.length, 100);
    assert.equal(user.prerequisites[0].filesTotal, N);
    const same = json.entries[0];
    assert.equal(same.dependents.length, 100);
    assert.equal(same.dependentsTotal, N);
  });
});
