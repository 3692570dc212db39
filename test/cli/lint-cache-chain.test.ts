import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * `lint --cache` keeps the cross-file (chain) findings of the last run as well as each file's own.
 * Whatever changes between two runs (a file's text with the same facts, a prerequisite, a name, a
 * rename, a deletion, the config, the engine), the warm run reports exactly what a cold run does.
 * The fixtures are the chain's (a three-policy cycle, duplicate names, a missing prerequisite).
 */
const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

describe('lint --cache and the chain', () => {
  let dir: string;
  let cli = join(DIST, 'cli.js');
  const lint = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, 'lint', '.', '--format', 'json', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const cacheFile = () => join(dir, '.policylens-cache', 'lint.json');
  /** Cached and uncached runs agree; the cold report is returned. */
  const same = (why: string) => {
    const cold = lint();
    const warm = lint('--cache');
    assert.deepEqual(warm, cold, why);
    // Twice: the second warm run takes the cross-file findings from the cache.
    assert.deepEqual(lint('--cache'), cold, `${why}, again`);
    return cold.stdout;
  };
  const file = (name: string) => join(dir, name);
  const edit = (name: string, from: string | RegExp, to: string) => {
    const text = readFileSync(file(name), 'utf8');
    assert.match(text, typeof from === 'string' ? new RegExp(from.replace(/[[\]]/g, '\\$&')) : from);
    writeFileSync(file(name), text.replace(from, to));
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pl-cache-chain-'));
    for (const f of ['cycle-3', 'duplicate-names', 'missing-link'])
      cpSync(join(ROOT, 'test', 'fixtures', 'chain', f, 'workspace'), join(dir, f), { recursive: true });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports the cycle, the duplicates and the missing link, cold and warm', () => {
    const out = same('a cold cache');
    for (const code of ['chain/cycle', 'chain/duplicate-name', 'chain/missing-prerequisite'])
      assert.match(out, new RegExp(code), code);
  });

  it('places the findings again when a file moves its lines but keeps its facts', () => {
    const before = lint('--cache').stdout;
    edit('cycle-3/escalate-review.yml', 'name: escalate-review', '# moved down\n\nname: escalate-review');
    const after = same('two lines added above the cycle');
    assert.notEqual(after, before, 'the positions moved');
  });

  it('gives the same text and SARIF reports, whose positions come from the kept line starts', () => {
    for (const format of ['text', 'sarif']) {
      const cold = lint('--format', format);
      lint('--cache', '--format', format);
      assert.deepEqual(lint('--cache', '--format', format), cold, format);
    }
  });

  it('follows a changed prerequisite, a changed name, a rename and a deletion', () => {
    edit('cycle-3/sanitise-input.yaml', '  - classify-intent', '  - pii-scan');
    assert.doesNotMatch(same('the cycle broken'), /chain\/cycle/);
    edit('cycle-3/sanitise-input.yaml', '  - pii-scan', '  - classify-intent');
    assert.match(same('the cycle back'), /chain\/cycle/);
    edit('duplicate-names/guard-b.json', '"name": "guard"', '"name": "guard-b"');
    same('a duplicate renamed');
    renameSync(file('cycle-3/pii-scan.yaml'), file('cycle-3/pii-scan-renamed.yaml'));
    same('a file renamed');
    unlinkSync(file('cycle-3/classify-intent.json'));
    assert.doesNotMatch(same('a file of the cycle deleted'), /chain\/cycle/);
  });

  it('follows a file touched without a change, the config and the forced dialect', () => {
    const later = new Date(Date.now() + 5000);
    utimesSync(file('missing-link/cost-gate.json'), later, later);
    same('a touched file');
    writeFileSync(file('policylens.config.yaml'), 'rules:\n  chain/missing-prerequisite: off\n');
    assert.doesNotMatch(same('a chain rule turned off'), /chain\/missing-prerequisite/);
    unlinkSync(file('policylens.config.yaml'));
    assert.deepEqual(lint('--cache', '--dialect', 'preloop'), lint('--dialect', 'preloop'));
    same('back to detection');
  });

  it('uses what it kept, and drops it when the engine changes', () => {
    lint('--cache');
    // A finding the engine never makes, planted in the cache: the same engine reports it (the
    // cache is used), another build of it does not (the cache is dropped).
    const cached = readFileSync(cacheFile(), 'utf8');
    assert.match(cached, /is not a policy among the files linted/);
    writeFileSync(cacheFile(), cached.replaceAll('is not a policy among the files linted', 'PLANTED'));
    assert.match(lint('--cache').stdout, /PLANTED/);
    const other = mkdtempSync(join(tmpdir(), 'pl-cache-engine-'));
    try {
      cpSync(DIST, other, { recursive: true });
      writeFileSync(
        join(other, 'cli-engine.js'),
        `${readFileSync(join(DIST, 'cli-engine.js'), 'utf8')}\n// rebuilt\n`,
      );
      cli = join(other, 'cli.js');
      assert.doesNotMatch(lint('--cache').stdout, /PLANTED/);
      same('another engine');
    } finally {
      cli = join(DIST, 'cli.js');
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('starts afresh from a cache cut short', () => {
    const cached = readFileSync(cacheFile(), 'utf8');
    writeFileSync(cacheFile(), cached.slice(0, cached.length / 2));
    same('half a cache');
    writeFileSync(cacheFile(), cached.split('\n').slice(0, 2).join('\n'));
    same('a cache without its chain');
  });

  it('appends what a run changed, and skips an appended line that was cut short', () => {
    same('a cache written whole');
    const whole = readFileSync(cacheFile(), 'utf8');
    edit('missing-link/cost-gate.json', '"name"', '"description": "appended",\n  "name"');
    same('one file changed');
    const grown = readFileSync(cacheFile(), 'utf8');
    assert.equal(grown.slice(0, whole.length), whole, 'the file was appended to, not rewritten');
    assert.match(grown.slice(whole.length), /cost-gate\.json/);
    appendFileSync(cacheFile(), '{"e": {"' + file('missing-link/cost-gate.json') + '": {"s": 1');
    edit('cycle-3/pii-scan-renamed.yaml', 'ssn', 'email');
    same('a damaged line, then another change');
  });
});

describe('lint --cache with more cross-file findings than it keeps', () => {
  // 520 policies that each name 20 others (deterministically, the schema's most): one cycle
  // through all of them and 10,400 cycle findings. Keeping them made a cache of 135 MB at 5,000
  // such policies, read, rewritten and held by every run (13-15 s and 1.3 GB against 4.5 s
  // without the cache); past 10,000 findings the cache keeps none and a run finds them again.
  let dir: string;
  const lint = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(DIST, 'cli.js'), 'lint', '.', '--format', 'json', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 1 << 28,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const n = 520;
  const bundle = (i: number) =>
    [
      `name: dense-${i}`,
      'policyType: cost_limit',
      'enforcementMode: block',
      'ruleDefinition:',
      '  maxCostPerDay: 10',
      'prerequisites:',
      ...Array.from({ length: 20 }, (_, k) => `  - dense-${(i + 1 + k * 26) % n}`),
      '',
    ].join('\n');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pl-cache-dense-'));
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `dense-${i}.yaml`), bundle(i));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps no cross-file findings past its bound, and reports what a cold run does', () => {
    const cold = lint();
    const report = JSON.parse(cold.stdout) as { summary: { errors: number } };
    assert.equal(report.summary.errors, n * 20);
    assert.deepEqual(lint('--cache'), cold, 'a first run with the cache');
    const cache = readFileSync(join(dir, '.policylens-cache', 'lint.json'), 'utf8');
    assert.equal(cache.split('\n')[2], 'null', 'no cross-file findings kept');
    assert.ok(cache.length < 2_000_000, `a cache of ${cache.length} bytes`);
    appendFileSync(join(dir, 'dense-7.yaml'), '# a comment\n');
    assert.deepEqual(lint('--cache'), cold, 'one file changed, its facts the same');
    assert.deepEqual(lint('--cache'), cold, 'nothing changed');
  });
});
