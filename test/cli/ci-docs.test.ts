/**
 * docs/ci.md is run, not only read: every fenced block is a complete CI file (named in its first
 * line) that is parsed, checked for what its CI needs, and executed in a temporary repository
 * with the package installed from this built checkout instead of npm (`policylens@<version>`
 * becomes the checkout's path; `uses: policy-lens/policy-lens@v<version>` runs ./action.yml).
 * GitHub workflows run through test/support/actions.ts, GitLab jobs as their runner's bash does,
 * pre-commit configs through test/support/precommit.ts. The README's CI section is checked to be
 * the copy of the marked part of docs/ci.md.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runSteps, type Step } from '../support/actions';
import {
  BROKEN_AT,
  ciRepo,
  FILES,
  git,
  installCheckout,
  removeAll,
  ROOT,
  runnerEnv,
  VERSION,
  writeTree,
} from '../support/ciRepo';
import { ACTION, runOurAction, show, UPLOAD, uploadSarif, type Uploaded } from '../support/ourAction';
import { HOOKS, runHook } from '../support/precommit';
import { sarifErrors } from '../support/sarif';
import { inProcessRegistry, type LiveRegistry } from '../sync/harness';

const DOC = readFileSync(join(ROOT, 'docs', 'ci.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const REPO_URL = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } }
).repository.url.replace(/\.git$/, '');
const OUR_ACTION = `policy-lens/policy-lens@v${VERSION}`;

interface Snippet {
  file: string;
  text: string;
  // Parsed YAML: read field by field, and every field read is asserted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  doc: any;
}

const SNIPPETS: Snippet[] = [...DOC.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => {
  assert.equal(m[1], 'yaml', `every block of docs/ci.md is a YAML file:\n${m[2]}`);
  const file = /^# (\S+)\n/.exec(m[2]!)?.[1];
  assert.ok(file, `a block names its file in its first line:\n${m[2]}`);
  return { file, text: m[2]!, doc: parse(m[2]!) as unknown };
});
const ofKind = (re: RegExp) => SNIPPETS.filter((s) => re.test(s.file));

/** The docs pin `policylens@<version>`: it must be this version, and becomes this checkout. */
function localInstall(run: string): string {
  for (const m of run.matchAll(/\bpolicylens@(\S+)/g)) assert.equal(m[1], VERSION, 'the pinned version');
  return run.replace(/\bpolicylens@\S+/g, ROOT);
}

const scratch: string[] = [];
after(() => scratch.forEach(removeAll));

function place(files: Record<string, string>) {
  const { root, repo, temp } = ciRepo(files);
  scratch.push(root);
  return { repo, temp, prefix: join(root, 'npm') };
}

describe('docs/ci.md', () => {
  it('has the set-ups it promises, each a complete file', () => {
    assert.deepEqual(
      SNIPPETS.map((s) => s.file),
      [
        '.github/workflows/policies.yml',
        '.github/workflows/policy-drift.yml',
        '.github/workflows/policies.yml',
        '.gitlab-ci.yml',
        '.pre-commit-config.yaml',
      ],
    );
  });

  it("is copied into the README's CI section, between the same markers", () => {
    const part = (text: string, name: string) => {
      const m = /<!-- ci:start -->\n([\s\S]*?)<!-- ci:end -->/.exec(text);
      assert.ok(m, `${name} has <!-- ci:start --> … <!-- ci:end -->`);
      return m[1];
    };
    assert.equal(part(README, 'README.md'), part(DOC, 'docs/ci.md'));
  });

  it('documents every input of the action, with its default', () => {
    const rows = new Map(
      [...DOC.matchAll(/^\| `([\w-]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]),
    );
    assert.deepEqual([...rows.keys()].sort(), Object.keys(ACTION.inputs).sort());
    for (const [name, input] of Object.entries(ACTION.inputs))
      assert.equal(rows.get(name), input.default ? `\`${input.default}\`` : '(empty)', `default of ${name}`);
    for (const name of Object.keys(ACTION.outputs)) assert.match(DOC, new RegExp(`\`${name}\``));
  });
});

describe('docs/ci.md: GitHub Actions workflows, run', { timeout: 900_000 }, () => {
  let live: LiveRegistry | undefined;
  after(async () => live?.close());

  for (const [n, s] of ofKind(/^\.github\/workflows\//).entries()) {
    const jobs = Object.entries(s.doc.jobs as Record<string, { steps: Step[] }>);
    const steps = jobs.flatMap(([, j]) => j.steps);
    const ours = steps.find((x) => x.uses?.startsWith('policy-lens/policy-lens@'));
    const drift = String(ours?.with?.sync) === 'true';

    it(`${s.file} (${n + 1}): checkout, setup-node, and permissions for what it uploads`, () => {
      assert.equal(jobs.length, 1);
      assert.match(steps[0]!.uses ?? '', /^actions\/checkout@v\d+$/);
      const node = steps.find((x) => x.uses?.startsWith('actions/setup-node@'));
      assert.ok(node && Number(node.with?.['node-version']) >= 20, 'Node 20 or later');
      if (ours) assert.equal(ours.uses, OUR_ACTION, 'the action is pinned to this version');
      const uploads = steps.some((x) => x.uses === UPLOAD) || (ours && String(ours.with?.sarif) !== 'false');
      assert.equal(s.doc.permissions?.['security-events'] === 'write', !!uploads, 'security-events: write');
      // Every step after the first that can fail on a finding must run when it did.
      const lintAt = steps.findIndex((x) => x === ours || /\bpolicylens lint\b/.test(x.run ?? ''));
      assert.ok(lintAt > 0, 'a step lints');
      for (const x of steps.slice(lintAt + 1))
        assert.match(String(x.if), /\balways\(\)/, `${x.run ?? x.uses} runs when lint failed`);
    });

    it(`${s.file} (${n + 1}): ${drift ? 'fails on drift from a live org' : 'annotates, fails, and uploads SARIF'}`, async () => {
      const files = drift
        ? { ...FILES.good, ...FILES.other }
        : { ...FILES.good, ...FILES.broken, ...FILES.other };
      const where = place(files);
      const contexts: Record<string, unknown> = {
        github: { workspace: where.repo },
        runner: { temp: where.temp },
      };
      if (drift) {
        live ??= await inProcessRegistry();
        contexts.vars = { POLICYLENS_API_URL: live.url };
        contexts.secrets = { POLICYLENS_API_KEY: live.key };
      }
      const uploads: Uploaded[] = [];
      const logs: string[] = [];
      const { runs, failed } = await runSteps(
        steps.map((x) => (x.run ? { ...x, run: localInstall(x.run) } : x)),
        {
          contexts,
          env: runnerEnv(where),
          cwd: where.repo,
          timeout: 180_000,
          async uses(step, inputs, env) {
            if (/^actions\/(checkout|setup-node)@/.test(step.uses!)) return true; // the repo, and node
            if (step.uses === UPLOAD) return uploadSarif(inputs, where.repo, uploads);
            assert.equal(step.uses, OUR_ACTION);
            const r = await runOurAction(where, inputs, env, uploads);
            logs.push(...r.runs.map(show));
            return !r.failed;
          },
        },
      );
      logs.push(...runs.map(show));
      const log = logs.join('\n');
      assert.equal(failed, true, log);
      if (drift) {
        assert.match(log, /\+ create {2}"Daily Cost Limit"/);
        assert.match(log, /^::error title=Policy drift::/m);
        assert.equal(uploads.length, 0);
        return;
      }
      const { file, line, col } = BROKEN_AT;
      assert.match(log, new RegExp(`^::error file=${file},line=${line},col=${col},`, 'm'));
      assert.equal(uploads.length, 1, `SARIF uploaded although lint failed\n${log}`);
      assert.deepEqual(sarifErrors(uploads[0]!.log), []);
      const hit = uploads[0]!.log.runs[0]!.results.find((x) => x.ruleId === 'schema/type');
      assert.equal(hit?.locations[0]!.physicalLocation.artifactLocation.uri, file);
    });
  }
});

describe('docs/ci.md: GitLab CI, run', { timeout: 600_000 }, () => {
  const [s] = ofKind(/^\.gitlab-ci\.yml$/);

  it('a job on Node 20 or later that keeps its Code Quality report when lint fails', async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, each field asserted
    const jobs = Object.entries(s!.doc as Record<string, Record<string, any>>).filter(
      ([k, v]) => !k.startsWith('.') && Array.isArray(v.script),
    );
    assert.equal(jobs.length, 1);
    const [, job] = jobs[0]!;
    assert.ok(Number(/^node:(\d+)/.exec(job.image)?.[1]) >= 20, 'a Node 20 image');
    assert.equal(job.artifacts.when, 'always');
    const report = job.artifacts.reports.codequality as string;

    const where = place({ ...FILES.good, ...FILES.broken, ...FILES.other });
    const script = (job.script as string[]).map(localInstall).join('\n');
    const r = await runSteps([{ name: 'script', shell: 'bash', run: script }], {
      contexts: {},
      env: runnerEnv(where, { GITLAB_CI: 'true' }),
      cwd: where.repo,
      uses: () => assert.fail('GitLab has no uses'),
    });
    const run = r.runs[0]!;
    assert.equal(run.status, 1, show(run));
    assert.match(run.stdout, /schema\/type/, 'the log shows the findings');
    const path = join(where.repo, report);
    assert.ok(existsSync(path), `${report} is written`);
    const issues = JSON.parse(readFileSync(path, 'utf8')) as {
      check_name: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    const hit = issues.find((i) => i.check_name === 'schema/type');
    assert.deepEqual(hit && [hit.location.path, hit.location.lines.begin, hit.severity], [
      BROKEN_AT.file,
      BROKEN_AT.line,
      'major',
    ]);
  });
});

describe('docs/ci.md: pre-commit, run', { timeout: 300_000 }, () => {
  const [s] = ofKind(/^\.pre-commit-config\.yaml$/);
  let env: Record<string, string>;
  let repo: string;
  before(() => {
    const where = place({ ...FILES.good, ...FILES.other });
    repo = where.repo;
    installCheckout(where.prefix);
    env = runnerEnv(where);
  });

  it('names this repository at this version, and hooks it defines', () => {
    const [entry] = s!.doc.repos as { repo: string; rev: string; hooks: { id: string }[] }[];
    assert.equal(entry!.repo, REPO_URL);
    assert.equal(entry!.rev, `v${VERSION}`);
    for (const h of entry!.hooks)
      assert.ok(
        HOOKS.some((d) => d.id === h.id),
        h.id,
      );
  });

  it('fails a commit that stages a broken policy, passes one that stages other YAML', () => {
    const [entry] = s!.doc.repos as { hooks: { id: string }[] }[];
    const hooks = entry!.hooks.map((h) => ({ ...HOOKS.find((d) => d.id === h.id)!, ...h }));
    writeTree(repo, FILES.broken);
    git(repo, 'add', BROKEN_AT.file);
    for (const h of hooks) assert.equal(runHook(repo, h, env).status, 1);
    git(repo, 'reset', '-q');
    writeTree(repo, { 'package.json': '{ "name": "app", "version": "2.0.0" }\n' });
    git(repo, 'add', 'package.json');
    for (const h of hooks) assert.equal(runHook(repo, h, env).status, 0);
  });
});
