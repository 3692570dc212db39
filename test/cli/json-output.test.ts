// Every command's --format json output against its schema in schemas/cli/: the golden outputs of
// test/fixtures/cli, and runs of chain, sync, history and eval (a sequence) made here. Each carries
// `version` (package.json's) first, and names a path `file`, whatever the command.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { cases } from '../support/fixtures';
import { BUNDLES, inProcessRegistry, removeDir, ROOT, runCli, tempDir, writeFiles } from '../sync/harness';
import type { LiveRegistry } from '../sync/harness';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['lint', 'chain', 'sync', 'history', 'eval', 'test', 'replay'];
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
const validators = new Map<string, ValidateFunction>(
  COMMANDS.map((c) => [
    c,
    ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'cli', `${c}.schema.json`), 'utf8')) as object),
  ]),
);

/** The keys of an object, at every depth. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  return out;
}

function check(command: string, stdout: string, what: string): void {
  const json = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(Object.keys(json)[0], 'version', `${what}: version comes first`);
  assert.equal(json.version, VERSION, what);
  const validate = validators.get(command)!;
  assert.ok(validate(json), `${what}: ${ajv.errorsText(validate.errors)}`);
  for (const old of ['uri', 'uris']) assert.ok(!keysOf(json).has(old), `${what}: "${old}" is "file(s)" now`);
}

describe('JSON outputs: version, one set of key names, a schema per command (schemas/cli/)', () => {
  for (const c of cases('cli')) {
    const args = JSON.parse(readFileSync(join(c.dir, 'args.json'), 'utf8')) as string[];
    if (args[args.indexOf('--format') + 1] !== 'json' || !COMMANDS.includes(args[0])) continue;
    const file = args.includes('$OUT') ? 'output.txt' : 'stdout.txt';
    it(`golden ${c.name}`, () => check(args[0], readFileSync(join(c.dir, file), 'utf8'), c.name));
  }

  it('test: a failed case says why each policy it is about did what it did (`why`)', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'cli', 'test-failing-why-json');
    const json = JSON.parse(readFileSync(join(dir, 'stdout.txt'), 'utf8')) as {
      files: {
        cases: { failures: string[]; why?: { failure: number; status?: string; reason?: string }[] }[];
      }[];
    };
    const [first] = json.files[0].cases;
    assert.deepEqual(first.why, [
      {
        failure: 1,
        policy: 'finance-cost-cap',
        status: 'skipped',
        reason: 'prerequisite "pii-guard" is missing',
      },
    ]);
    assert.match(first.failures[first.why![0].failure], /^fired: expected "finance-cost-cap" to fire/);
    const validate = validators.get('test')!;
    const bad = structuredClone(json) as { files: { cases: { why?: object[] }[] }[] };
    bad.files[0].cases[0].why = [{ failure: 0, policy: 'x', status: 'exploded' }];
    assert.ok(!validate({ version: VERSION, ...bad }), 'the schema checks a why entry');
  });

  let live: LiveRegistry;
  let dir: string;
  before(async () => {
    live = await inProcessRegistry();
    dir = tempDir('json-bundles');
    writeFiles(dir, BUNDLES);
  });
  after(async () => {
    await live.close();
    removeDir(dir);
  });
  const env = () => ({ POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key });

  it('replay: a report with changes, examples and findings', async () => {
    const r = await runCli(
      ['replay', 'events.jsonl', '--policies', 'current', '--against', 'baseline', '--format', 'json'],
      {},
      join(ROOT, 'test', 'fixtures', 'replay', 'hostile-lines'),
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { transitions: unknown[]; findings: unknown[] };
    assert.ok(report.transitions.length && report.findings.length, 'the case has changes and findings');
    check('replay', r.stdout, 'replay');
  });

  it('chain: the whole chain, and one policy with --id', async () => {
    const whole = await runCli(['chain', 'examples/policies/chain', '--format', 'json'], {});
    check('chain', whole.stdout, 'chain');
    const one = await runCli(
      ['chain', 'examples/policies/chain', '--id', 'pii-guard', '--format', 'json'],
      {},
    );
    check('chain', one.stdout, 'chain --id');
  });

  it('sync: the plan, then what --apply applied', async () => {
    check('sync', (await runCli(['sync', dir, '--format', 'json'], env())).stdout, 'sync');
    const applied = await runCli(['sync', dir, '--apply', '--format', 'json'], env());
    assert.equal(applied.status, 0, applied.stderr);
    check('sync', applied.stdout, 'sync --apply');
    // An error is JSON on stdout too: a usage error, an org that cannot be read, a refused apply.
    for (const [args, what] of [
      [['--fingerprint', 'f'.repeat(64)], 'sync --fingerprint without --apply'],
      [['--apply', '--fingerprint', 'f'.repeat(64)], 'sync --apply --fingerprint (differs)'],
    ] as const) {
      const res = await runCli(['sync', dir, ...args, '--format', 'json'], env());
      assert.notEqual(res.status, 0, what);
      check('sync', res.stdout, what);
      assert.equal(typeof JSON.parse(res.stdout).error, 'string', what);
    }
    const unread = await runCli(['sync', dir, '--format', 'json'], {
      ...env(),
      POLICYLENS_API_KEY: 'plk_wrong',
    });
    check('sync', unread.stdout, 'sync with a key the org refuses');
  });

  it('history: a policy with --verify, and --verify alone', async () => {
    const one = await runCli(['history', 'Block PII exfiltration', '--verify', '--format', 'json'], env());
    assert.equal(one.status, 0, one.stderr);
    check('history', one.stdout, 'history');
    check('history', (await runCli(['history', '--verify', '--format', 'json'], env())).stdout, 'verify');
  });

  it('eval: one event, and a sequence', async () => {
    const events = ['eval', 'examples/mixed/agent-sentinel/local', '--format', 'json', '--event'];
    const seq = await runCli([...events, 'examples/events/refund-without-evidence.json'], {});
    check('eval', seq.stdout, 'eval of a sequence');
    assert.ok(Array.isArray((JSON.parse(seq.stdout) as { results: unknown }).results));
    const one = await runCli([...events.slice(0, 4), '--event', 'examples/events/refund-120.json'], {});
    check('eval', one.stdout, 'eval of one event');
  });
});
