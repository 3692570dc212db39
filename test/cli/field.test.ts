// What the field test (docs/decisions/field-test.md) found using the built CLI as a new user
// would: each case here failed before its fix.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { removeDir, runCli, tempDir, writeFiles } from '../sync/harness';

describe('field test: the CLI on what users feed it', () => {
  let dir: string;
  before(() => {
    dir = tempDir('field');
    writeFiles(dir, {
      'zoneless.json': JSON.stringify({ agentId: 'a', input: 'hi', timestamp: '2026-12-01 00:30:00' }),
      'slashes.json': JSON.stringify({ agentId: 'a', input: 'hi', timestamp: '12/01/2026' }),
      'one.jsonl': JSON.stringify({ agentId: 'a', input: 'hi' }),
      'empty.json': '\uFEFF\n  \n',
      'two.jsonl': `\uFEFF${JSON.stringify({ agentId: 'a', input: 'hi' })}\r\n\n{"agentId":"a","input":"SSN 123-45-6789"}`,
      'bad.jsonl': '{"agentId":"a","input":"hi"}\n{"agentId":"a","estimatedCost":"5"}\n',
      'broken/p.json': '{\n  "name": "P",\n  "policyType": pii_access\n}\n',
      'tests/empty.policytest.yaml': '\n# nothing yet\n',
      'lines.json': '{"agentId":"a","input":"hi"}\n{"agentId":"a","input":"ho"}\n',
      'policies/p.json': JSON.stringify({
        name: 'P',
        policyType: 'pii_access',
        enforcementMode: 'monitor',
        ruleDefinition: { denied_pii_types: ['ssn'] },
      }),
    });
    mkdirSync(join(dir, 'traffic'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'init');
  });
  after(() => removeDir(dir));

  it('a timestamp without a zone is UTC, whatever the time zone of the machine', async () => {
    for (const TZ of ['UTC', 'Asia/Tokyo', 'America/New_York']) {
      const zoneless = await runCli(['eval', 'examples/policies', '--event', `${dir}/zoneless.json`], { TZ });
      assert.match(zoneless.stdout, /decision: allow {2}at 2026-12-01T00:30:00\.000Z/, `TZ=${TZ}`);
      const slashes = await runCli(['eval', 'examples/policies', '--event', `${dir}/slashes.json`], { TZ });
      assert.match(slashes.stdout, /decision: allow {2}at 2026-12-01T00:00:00\.000Z/, `TZ=${TZ}`);
    }
  });

  it('replay: an input error says what is wrong in words, in one line, exits 2, and the help says 2', async () => {
    const replay = (events: string, against = 'git:HEAD') =>
      runCli(['replay', events, '--policies', 'policies', '--against', against], {}, dir);
    const cases: [Promise<{ status: number; stderr: string }>, RegExp][] = [
      [replay('one.jsonl', 'git:no-such-ref'), /git:no-such-ref: no commit "no-such-ref" in the repository /],
      [replay('traffic'), /traffic is a folder: name its events files \(e\.g\. traffic\/\*\.jsonl/],
      [replay('missing.jsonl'), /cannot read missing\.jsonl: no such file or directory$/],
    ];
    for (const [run, message] of cases) {
      const r = await run;
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr.split('\n')[0], message);
      // The message alone: the options would not help with a file that is not there.
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /Command failed|ENOENT/);
    }
    const help = await runCli(['replay', '--help'], {}, dir);
    assert.match(help.stdout, /2 a usage error: an events file that cannot be read/);
  });

  it('replay: one event is "1 event"', async () => {
    const r = await runCli(
      ['replay', 'one.jsonl', '--policies', 'policies', '--against', 'git:HEAD'],
      {},
      dir,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {2}1 event, 1 replayed/m);
  });

  it('eval: an empty event file, a .jsonl file, and a JSON Lines file named .json', async () => {
    const evalOf = (file: string) => runCli(['eval', 'policies', '--event', file], {}, dir);
    const empty = await evalOf('empty.json');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /^policylens eval: the event empty\.json is empty\n/);
    const two = await evalOf('two.jsonl');
    assert.equal(two.status, 0, two.stderr);
    assert.equal(two.stdout.match(/^decision: /gm)?.length, 2, 'two events, the blank line skipped');
    const bad = await evalOf('bad.jsonl');
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /the event bad\.jsonl:2 is not valid .*\n {2}estimatedCost: must be number, not string/,
    );
    const lines = await evalOf('lines.json');
    assert.equal(lines.status, 2);
    assert.match(
      lines.stderr,
      /the event lines\.json:2:1 does not parse: .*one event per line\? name the file \.jsonl/,
    );
  });

  it('a policy file that does not parse is named with its line and column', async () => {
    const r = await runCli(['replay', 'one.jsonl', '--policies', 'broken', '--against', 'policies'], {}, dir);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /^policylens replay: broken\/p\.json does not parse \(line 3, column \d+: JSON syntax error/,
    );
  });

  it('test: an empty test file says it is empty', async () => {
    const r = await runCli(['test', 'tests'], {}, dir);
    assert.equal(r.status, 1);
    assert.match(
      r.stdout,
      /✗ not a valid test file:\n {6}tests\/empty\.policytest\.yaml:1:1: error: the document is empty: it must be a mapping of fields \[parse\/root-not-mapping\]\n/,
    );
  });
});
