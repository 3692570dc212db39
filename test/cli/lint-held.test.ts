// lint holds its files' findings only up to a budget (server/src/cli/lint/held.ts); a file past it
// keeps its counts and is linted again when the report reaches it. Whatever the budget, the report
// must be the same, byte for byte, in every format, with --quiet, suppressions, the config's
// severities, chain findings and --cache; and what is held must stay within the budget.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { errorsOnly, formatReport, FORMATS, lintFiles } from '../../server/src/cli/commands/lint';
import { Held } from '../../server/src/cli/lint/held';
import { LintCache } from '../../server/src/cli/lint/cache';
import { lintOne } from '../../server/src/cli/lint/one';
import { painter } from '../../server/src/cli/report/color';

const root = mkdtempSync(join(tmpdir(), 'policylens-held-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A bundle with `keys` unknown keys (errors, or warnings where the config says so), maybe on a cycle. */
function bundle(name: string, keys: number, o: { next?: string; suppress?: boolean } = {}): string {
  return [
    `name: ${name}`,
    'policyType: rate_limit',
    'enforcementMode: log_only',
    'ruleDefinition:',
    '  maxRequestsPerMinute: 60',
    ...(o.next ? ['prerequisites:', `  - ${o.next}`] : []),
    ...Array.from({ length: keys }, (_, k) => [
      ...(o.suppress && k % 3 === 0 ? ['# policylens-disable-next-line schema/unknown-key'] : []),
      `extra_${k}: ${k}`,
    ]).flat(),
    '',
  ].join('\n');
}

function workspace(): string {
  const dir = mkdtempSync(join(root, 'ws-'));
  mkdirSync(join(dir, 'soft'));
  // The config makes unknown keys warnings under soft/: a file's counts come after its severities.
  writeFileSync(
    join(dir, 'policylens.config.yaml'),
    "overrides:\n  - files: ['soft/**']\n    rules:\n      schema/unknown-key: warning\n",
  );
  for (let i = 0; i < 12; i++)
    writeFileSync(
      join(dir, i % 4 === 3 ? 'soft' : '.', `p${i}.yaml`),
      bundle(`p${i}`, 10 + i, { suppress: i % 5 === 0 }),
    );
  // A cycle of three, two of them with findings of their own too.
  writeFileSync(join(dir, 'ring-a.yaml'), bundle('ring-a', 7, { next: 'ring-b' }));
  writeFileSync(join(dir, 'ring-b.yaml'), bundle('ring-b', 0, { next: 'ring-c' }));
  writeFileSync(join(dir, 'ring-c.yaml'), bundle('ring-c', 9, { next: 'ring-a', suppress: true }));
  writeFileSync(join(dir, 'clean.yaml'), bundle('clean', 0));
  return dir;
}

const version = '9.9.9';
const paint = painter({}, false);

/** Every format's report of a run, then the same with --quiet. */
async function reports(dir: string, held: Held, cacheFile?: string): Promise<string[]> {
  const { results } = await lintFiles([dir], undefined, 1, {}, cacheFile, version, held);
  const out: string[] = [];
  for (const quiet of [false, true])
    for (const format of FORMATS)
      out.push(
        [...formatReport(format, quiet ? errorsOnly(results) : results, { version, paint, quiet })].join(''),
      );
  return out;
}

describe('lint under a budget of held findings', () => {
  it('reports what it reports holding everything, in every format, and holds no more than the budget', async () => {
    const dir = workspace();
    const whole = await reports(dir, new Held(Infinity, Infinity));
    assert.match(whole[1], /"errors": [1-9]/, 'the workspace has errors');
    assert.match(whole[1], /"warnings": [1-9]/, 'and warnings');
    assert.match(whole[1], /chain\/cycle/, 'and a cycle');
    for (const [findings, chars] of [
      [0, 0],
      [25, 400],
      [60, 5_000],
    ]) {
      const held = new Held(findings, chars);
      const { results } = await lintFiles([dir], undefined, 1, {}, undefined, version, held);
      assert.ok(
        results.some((r) => r.tally),
        `with ${findings} findings held, some files are linted again`,
      );
      assert.ok(held.peakFindings <= findings, `held ${held.peakFindings} findings, budget ${findings}`);
      const small = await reports(dir, new Held(findings, chars));
      for (const [i, text] of small.entries())
        assert.equal(text, whole[i], `report ${i} with ${findings} held`);
    }
  });

  it('gives the same report with --cache, cold and warm, whatever it holds', async () => {
    const dir = workspace();
    const whole = await reports(dir, new Held(Infinity, Infinity));
    const cache = join(dir, 'cache.json');
    assert.deepEqual(await reports(dir, new Held(20, 300), cache), whole, 'cold');
    assert.deepEqual(await reports(dir, new Held(20, 300), cache), whole, 'warm');
  });
});

describe('the lint cache under a budget of findings', () => {
  it('keeps results while their findings fit, and lints the others again on the next run', () => {
    const dir = workspace();
    const file = join(dir, 'cache.json');
    const paths = Array.from({ length: 12 }, (_, i) => join(dir, i % 4 === 3 ? 'soft' : '.', `p${i}.yaml`));
    const cache = LintCache.load(file, 'k');
    cache.maxFindings = 40;
    const kept: string[] = [];
    let findings = 0;
    for (const path of paths) {
      const linted = lintOne(path, undefined);
      assert.ok(linted.findings.length >= 9, path);
      if (cache.store(path, undefined, linted) !== undefined) {
        kept.push(path);
        findings += linted.findings.length;
      }
    }
    // 10 + 11 + 12 findings fit in 40; the fourth file's 13 do not, nor do any after it.
    assert.equal(kept.length, 3, kept.join(', '));
    assert.ok(findings <= 40, `${findings} findings kept`);
    cache.save();
    const again = LintCache.load(file, 'k');
    assert.deepEqual(
      paths.filter((p) => again.lookup(p, undefined)),
      kept,
    );
  });
});
