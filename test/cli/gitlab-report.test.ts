/**
 * GitLab's Code Quality report (its golden output: test/fixtures/cli/lint-gitlab): the shape GitLab reads,
 * and fingerprints that are unique in a report and do not change when a finding's line moves
 * (GitLab compares them with the target branch's report to show new and fixed issues).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { lintFiles } from '../../server/src/cli/commands/lint';
import { formatGitlab, type CodeQualityIssue } from '../../server/src/cli/report/gitlab';

const ROOT = join(__dirname, '..', '..');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function report(paths: string[], base: string): Promise<CodeQualityIssue[]> {
  const { results } = await lintFiles(paths, undefined, 1);
  return JSON.parse(formatGitlab(results, (r) => relative(base, r.path))) as CodeQualityIssue[];
}

describe('lint report for GitLab Code Quality', () => {
  it('has the fields GitLab requires, with unique fingerprints', async () => {
    const issues = await report([join(ROOT, 'examples', 'broken')], ROOT);
    assert.ok(issues.length >= 10);
    for (const i of issues) {
      assert.ok(i.description && i.check_name, JSON.stringify(i));
      assert.match(i.fingerprint, /^[0-9a-f]{32}$/);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity));
      assert.match(i.location.path, /^examples\/broken\/[\w-]+\.(json|yaml)$/);
      assert.ok(i.location.lines.begin >= 1 && i.location.lines.end >= i.location.lines.begin);
    }
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
  });

  it('keeps each fingerprint when lines move, and when another file has the same findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-gitlab-'));
    dirs.push(dir);
    cpSync(join(ROOT, 'examples', 'broken', 'extra-keys.yaml'), join(dir, 'a.yaml'));
    const before = await report([dir], dir);
    // Three lines of comments on top.
    const text = readFileSync(join(dir, 'a.yaml'), 'utf8');
    writeFileSync(join(dir, 'a.yaml'), `# one\n# two\n# three\n${text}`);
    const moved = await report([dir], dir);
    assert.deepEqual(
      moved.map((i) => [i.fingerprint, i.location.lines.begin - 3]),
      before.map((i) => [i.fingerprint, i.location.lines.begin]),
    );
    // The same findings in another file (another policy name: no duplicate-name finding).
    writeFileSync(join(dir, 'b.yaml'), text.replace('Rate limit external calls', 'Another rate limit'));
    const two = await report([dir], dir);
    assert.equal(new Set(two.map((i) => i.fingerprint)).size, two.length);
    assert.deepEqual(
      two.filter((i) => i.location.path === 'a.yaml').map((i) => i.fingerprint),
      moved.map((i) => i.fingerprint),
    );
  });
});
