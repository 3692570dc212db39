// `policylens sync --format github` against a real registry (policylens serve) on loopback: the
// annotations sit on the bundles' keys, named from the repository's root; the job summary holds the
// plan; the exit status is the text format's.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUNDLES, type LiveRegistry, registryPerFile, runCli, tempDir, writeFiles } from './harness';

let live: LiveRegistry;
const dirs: string[] = [];
registryPerFile((l) => (live = l), dirs);

/** A repository `repo` (a `.git` folder) with the seed bundles under services/agent/policies. */
async function workspace(org: string) {
  const { key } = await live.registry.createApiKey(org, 'user_123');
  const dir = tempDir('github');
  dirs.push(dir);
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  const policies = join(repo, 'services', 'agent', 'policies');
  writeFiles(policies, BUNDLES);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '# earlier step\n');
  const env = { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key, NO_COLOR: '1' };
  return { dir, repo, policies, summary, env, key };
}

/** The workflow commands of an output: level, properties and (unescaped) message. */
function commands(stdout: string) {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::'))
    .map((l) => {
      const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(l)!;
      const props = Object.fromEntries(
        (m[2] ?? '')
          .split(',')
          .filter(Boolean)
          .map((p) => {
            const [k, v] = p.split('=');
            return [k, decodeURIComponent(v)];
          }),
      );
      return { level: m[1], props, message: decodeURIComponent(m[3]) };
    });
}

/** The 1-based line of the first line of `text` that starts with `prefix`. */
function lineOf(text: string, prefix: string): string {
  return String(text.split('\n').findIndex((l) => l.startsWith(prefix)) + 1);
}

describe('policylens sync --format github', () => {
  it('annotates each change on its bundle, from the repository root, and writes the job summary', async () => {
    const { dir, policies, summary, env } = await workspace('gh-plan');
    const r = await runCli(
      ['sync', policies, '--format', 'github', '--exit-code'],
      { ...env, GITHUB_STEP_SUMMARY: summary },
      dir,
    );
    assert.equal(r.status, 2, r.stderr);
    // The log reads as the text format's, then the annotations.
    assert.match(r.stdout, /^Plan for org "gh-plan" at 127\.0\.0\.1:\d+:\n/);
    assert.match(r.stdout, /\n3 changes pending\. Re-run with --apply to apply\.\n::notice /);
    const notices = commands(r.stdout);
    assert.equal(notices.length, 3);
    const pii = notices.find((c) => c.props.file === 'services/agent/policies/data-access.yaml')!;
    assert.equal(pii.level, 'notice');
    assert.equal(pii.props.line, '1');
    assert.equal(pii.props.col, '1');
    assert.match(pii.message, /^\+ create "Block PII exfiltration" in org "gh-plan" at 127\.0\.0\.1:\d+$/);
    const json = notices.find((c) => c.props.file === 'services/agent/policies/production-guardrails.json')!;
    // The JSON bundle's name is on its second line, after the `{`.
    assert.equal(json.props.line, '2');
    assert.equal(json.props.col, '3');
    // The summary is appended to (earlier steps' parts stay), as markdown holding the plan text.
    const md = readFileSync(summary, 'utf8');
    assert.match(md, /^# earlier step\n### policylens sync\n\n```text\nPlan for org "gh-plan"/);
    assert.match(
      md,
      /\+ create {2}"Block PII exfiltration" {12}\(repo\/services\/agent\/policies\/data-access\.yaml\)\n/,
    );
    assert.match(md, /3 changes pending\. Re-run with --apply to apply\.\n```\n\n$/);

    const applied = await runCli(['sync', policies, '--format', 'github', '--apply'], env, dir);
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(applied.stdout, /\nApplied:\n {2}✓ created/);
    assert.ok(commands(applied.stdout).every((c) => c.level === 'notice' && /\napplied \(/.test(c.message)));

    // An update sits on the key it changes, with the field diff in the message.
    const data = BUNDLES['data-access.yaml'].replace('log_only', 'block');
    writeFiles(policies, { 'data-access.yaml': data });
    const updated = await runCli(['sync', policies, '--format', 'github'], env, dir);
    assert.equal(updated.status, 0, updated.stderr);
    const [update, ...rest] = commands(updated.stdout);
    assert.equal(rest.length, 0, 'no-ops are not annotated');
    assert.deepEqual(update.props, {
      file: 'services/agent/policies/data-access.yaml',
      line: lineOf(data, 'enforcementMode:'),
      col: '1',
      endLine: lineOf(data, 'enforcementMode:'),
      endColumn: String('enforcementMode'.length + 1),
      title: 'policylens sync: update',
    });
    assert.match(
      update.message,
      /^~ update "Block PII exfiltration" in .*\n {2}enforcementMode: "log_only" → "block"$/,
    );
  });

  it('puts a plan problem on the key it concerns and exits as the text format does', async () => {
    const { dir, policies, summary, env } = await workspace('gh-problem');
    const rate = BUNDLES['rate-limit.yaml'].replace(
      'prerequisites: [Block PII exfiltration]',
      'prerequisites:\n  - Block PII exfiltration\n  - Nobody declares this',
    );
    writeFiles(policies, { 'rate-limit.yaml': rate });
    const text = await runCli(['sync', policies, '--exit-code'], env, dir);
    const r = await runCli(
      ['sync', policies, '--format', 'github', '--exit-code'],
      { ...env, GITHUB_STEP_SUMMARY: summary },
      dir,
    );
    assert.equal(text.status, 1);
    assert.equal(r.status, text.status);
    const errors = commands(r.stdout).filter((c) => c.level === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].props.file, 'services/agent/policies/rate-limit.yaml');
    assert.equal(errors[0].props.line, lineOf(rate, '  - Nobody'));
    assert.equal(errors[0].props.col, '5');
    assert.match(errors[0].message, /prerequisite "Nobody declares this" is neither a live policy/);
    assert.match(readFileSync(summary, 'utf8'), /! prerequisite "Nobody declares this"/);

    // --apply refuses the plan: the refusal is an error too, and nothing is written.
    const apply = await runCli(['sync', policies, '--format', 'github', '--apply'], env, dir);
    assert.equal(apply.status, 1);
    assert.match(
      apply.stdout,
      /^::error title=policylens sync::the plan has problems \(marked !\); nothing was applied\.$/m,
    );
  });

  it('warns of a delete without a file, and says what failed before any plan', async () => {
    const { dir, policies, env } = await workspace('gh-prune');
    assert.equal((await runCli(['sync', policies, '--apply'], env, dir)).status, 0);
    writeFiles(policies, {
      'rate-limit.yaml': BUNDLES['rate-limit.yaml'].replace(
        'name: Rate limit external calls',
        'name: Rate limit',
      ),
    });
    const text = await runCli(['sync', policies, '--prune', '--exit-code'], env, dir);
    const r = await runCli(['sync', policies, '--prune', '--format', 'github', '--exit-code'], env, dir);
    assert.equal(r.status, text.status);
    assert.equal(r.status, 2);
    const del = commands(r.stdout).find((c) => c.level === 'warning')!;
    assert.deepEqual(del.props, { title: 'policylens sync: delete' });
    // The bundle was renamed, nothing else: the warning says so (the rename hint).
    assert.match(
      del.message,
      /^- delete "Rate limit external calls" in .* \(no bundle declares it\)\n\(looks like a rename to "Rate limit" \(repo\/services\/agent\/policies\/rate-limit\.yaml\): its history stays under id [0-9a-f-]{36}; Execlave has no rename\)$/,
    );

    // An invalid bundle: an error on its file, and no plan.
    writeFiles(policies, {
      'bad.yaml': 'name: bad\npolicyType: tool_call\nenforcementMode: allow\nruleDefinition: {}\n',
    });
    const invalid = await runCli(['sync', policies, '--format', 'github'], env, dir);
    assert.equal(invalid.status, 1);
    const [bad] = commands(invalid.stdout);
    assert.equal(bad.props.file, 'services/agent/policies/bad.yaml');
    assert.match(bad.message, /enforcementMode/);
    // An org that cannot be read: one error, the text format's status.
    rmSync(join(policies, 'bad.yaml'));
    const down = await runCli(
      ['sync', policies, '--format', 'github', '--exit-code'],
      { ...env, POLICYLENS_API_URL: 'http://127.0.0.1:1', POLICYLENS_RETRIES: '0' },
      dir,
    );
    assert.equal(down.status, 1);
    assert.match(down.stdout, /^::error title=policylens sync::live org 127\.0\.0\.1:1 is unreachable/m);
  });
  it('annotates every bundle a problem concerns: both duplicates, the bundle naming a deleted policy', async () => {
    const { dir, policies, env } = await workspace('gh-both');
    writeFiles(policies, { 'copy/data-access.yaml': BUNDLES['data-access.yaml'] });
    const dup = await runCli(['sync', policies, '--format', 'github'], env, dir);
    assert.equal(dup.status, 1);
    const named = commands(dup.stdout).filter(
      (c) => c.level === 'error' && /also declared by/.test(c.message),
    );
    assert.deepEqual(named.map((c) => [c.props.file, c.props.line, c.props.col]).sort(), [
      ['services/agent/policies/copy/data-access.yaml', '1', '1'],
      ['services/agent/policies/data-access.yaml', '1', '1'],
    ]);
    rmSync(join(policies, 'copy'), { recursive: true });

    // Prune the policy rate-limit.yaml still names: the delete's error sits on that prerequisites item.
    assert.equal((await runCli(['sync', policies, '--apply'], env, dir)).status, 0);
    const rate = BUNDLES['rate-limit.yaml'].replace(
      'prerequisites: [Block PII exfiltration]',
      'prerequisites:\n  - Block PII exfiltration',
    );
    writeFiles(policies, { 'rate-limit.yaml': rate });
    rmSync(join(policies, 'data-access.yaml'));
    const pruned = await runCli(['sync', policies, '--prune', '--format', 'github'], env, dir);
    assert.equal(pruned.status, 1);
    const still = commands(pruned.stdout).find((c) => /still names it as a prerequisite/.test(c.message))!;
    assert.match(
      still.message,
      /^- delete "Block PII exfiltration": "Rate limit external calls" still names it/,
    );
    assert.equal(still.props.file, 'services/agent/policies/rate-limit.yaml');
    assert.equal(still.props.line, lineOf(rate, '  - Block PII'));
    assert.equal(still.props.col, '5');
  });

  it('says in the job summary why a sync failed before any plan', async () => {
    const { dir, policies, summary, env } = await workspace('gh-failed');
    const cases: [Record<string, string>, RegExp][] = [
      [{ POLICYLENS_API_KEY: 'plk_wrong' }, /refused the API key \(401\)/],
      [
        { POLICYLENS_API_URL: 'http://127.0.0.1:1', POLICYLENS_RETRIES: '0' },
        /127\.0\.0\.1:1 is unreachable/,
      ],
    ];
    for (const [extra, why] of cases) {
      writeFileSync(summary, '# earlier step\n');
      const r = await runCli(
        ['sync', policies, '--format', 'github'],
        { ...env, ...extra, GITHUB_STEP_SUMMARY: summary },
        dir,
      );
      assert.equal(r.status, 1, r.stderr);
      const [error] = commands(r.stdout);
      assert.match(error.message, why);
      // The summary says the sync failed, with the ::error's message in a fence, after earlier parts.
      const md = readFileSync(summary, 'utf8');
      const fenced = `\`\`\`text\n${error.message}\n\`\`\`\n\n`;
      assert.ok(md.startsWith('# earlier step\n### policylens sync\n\n'), md);
      assert.match(md, /The sync failed; no plan was made\./);
      assert.ok(md.endsWith(fenced), md);
    }

    // Invalid bundles: the summary lists each, and a name with backticks cannot end the fence.
    writeFileSync(summary, '');
    writeFiles(policies, {
      'bad```.yaml': 'name: bad\npolicyType: tool_call\nenforcementMode: allow\nruleDefinition: {}\n',
    });
    const invalid = await runCli(
      ['sync', policies, '--format', 'github'],
      { ...env, GITHUB_STEP_SUMMARY: summary },
      dir,
    );
    assert.equal(invalid.status, 1);
    const md = readFileSync(summary, 'utf8');
    assert.match(
      md,
      /The sync failed; no plan was made\.\*\*\n\n````text\n1 invalid bundle: fix it \(policylens lint\) before sync\.\n✗ \S*bad```\.yaml — invalid: .*enforcementMode.*\n````\n\n$/,
    );
  });
});

describe('the job summary of sync', () => {
  it('fences the plan with more backticks than any name holds', async () => {
    const { planSummaryMarkdown } = await import('../../server/src/cli/sync/github');
    const md = planSummaryMarkdown('Plan:\n  + create  "a ```` b"  (x.yaml)\n');
    assert.equal(md, '### policylens sync\n\n`````text\nPlan:\n  + create  "a ```` b"  (x.yaml)\n`````\n\n');
  });
});
