/**
 * The GitHub Action at the repository root (action.yml), run step by step as a runner would
 * (test/support/actions.ts) in a temporary git repository: its install step really installs the
 * package (from this built checkout, or from a packed tarball, into a temporary npm prefix, with
 * no network), its lint steps write the SARIF and the annotations that GitHub would read, the
 * upload step is checked for what codeql-action would be given, and the drift gate runs against a
 * registry on loopback.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { inputReferences, substitute } from '../support/actions';
import { BROKEN_AT, ciRepo, FILES, removeAll, ROOT, VERSION } from '../support/ciRepo';
import { ACTION, ACTION_TEXT, runOurAction, show, UPLOAD, type Uploaded } from '../support/ourAction';
import { startNpmRegistry, type NpmRegistry } from '../support/npmRegistry';
import { sarifErrors } from '../support/sarif';
import { inProcessRegistry, runCli, type LiveRegistry } from '../sync/harness';

const execFileAsync = promisify(execFile);
const scratch: string[] = [];

/** Runs the action with `inputs` (over its defaults) in a repository holding `files`. */
async function runAction(
  files: Record<string, string>,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) {
  const { root, repo, temp } = ciRepo(files);
  scratch.push(root);
  const uploads: Uploaded[] = [];
  const r = await runOurAction({ repo, temp, prefix: join(root, 'npm') }, inputs, env, uploads);
  return { ...r, uploads, repo };
}

after(() => scratch.forEach(removeAll));

describe('action.yml: its shape', () => {
  it('is a composite action whose run steps are bash, with a name, description and branding', () => {
    assert.equal(ACTION.runs.using, 'composite');
    assert.ok(ACTION.name && ACTION.description.length <= 125, 'the Marketplace shows 125 characters');
    for (const s of ACTION.runs.steps) {
      assert.ok(s.name, 'every step is named (its log group)');
      if (s.run !== undefined)
        assert.equal(s.shell, 'bash', `${s.name}: composite run steps name their shell`);
    }
  });

  it('declares, describes and reads its inputs only through env (no ${{ }} inside a script)', () => {
    const declared = Object.keys(ACTION.inputs);
    assert.deepEqual(declared.sort(), ['annotations', 'api-url', 'paths', 'sarif', 'sync', 'version']);
    for (const [name, input] of Object.entries(ACTION.inputs)) {
      assert.ok(input.description.length > 20, `${name} is described`);
      assert.equal(typeof input.default, 'string', `${name} has a string default`);
    }
    const used = new Set(inputReferences(ACTION_TEXT));
    assert.deepEqual(
      [...used].filter((u) => !declared.includes(u)),
      [],
      'inputs used but not declared',
    );
    assert.deepEqual(
      declared.filter((d) => !used.has(d)),
      [],
      'inputs declared but never used',
    );
    for (const s of ACTION.runs.steps) assert.doesNotMatch(s.run ?? '', /\$\{\{/, `${s.name} interpolates`);
  });

  it('uploads SARIF with if: always(), so a failed lint still reaches code scanning', () => {
    const upload = ACTION.runs.steps.find((s) => s.uses === UPLOAD);
    assert.ok(upload, `a step uses ${UPLOAD}`);
    assert.match(String(upload.if), /\balways\(\)/);
    const lint = ACTION.runs.steps.findIndex((s) => s.id === 'lint');
    assert.ok(ACTION.runs.steps.indexOf(upload) > lint, 'the upload comes after the failing step');
  });
});

describe('action.yml: its steps, run in a repository', { timeout: 600_000 }, () => {
  it('with an error finding: annotations, a valid SARIF uploaded anyway, and a failed job', async () => {
    const r = await runAction({ ...FILES.good, ...FILES.broken, ...FILES.other });
    const install = r.byName(/^Install/);
    assert.equal(install.outcome, 'success', show(install));
    // The action's own checkout is built: `uses: ./` installs it, not a version from npm.
    assert.match(install.stdout, new RegExp(`^Installing ${ROOT}\n[\\s\\S]*^policylens ${VERSION}$`, 'm'));

    const lint = r.byName(/^Lint/);
    assert.equal(lint.outcome, 'failure', show(lint));
    assert.equal(lint.outputs['exit-code'], '1');
    const { file, line, col } = BROKEN_AT;
    assert.match(
      lint.stdout,
      new RegExp(
        `^::error file=${file},line=${line},col=${col},endLine=\\d+,endColumn=\\d+,title=schema/type::`,
        'm',
      ),
    );
    // Only the broken file is annotated: the valid bundle and the files of other tools are not.
    const annotated = new Set([...lint.stdout.matchAll(/^::\w+ file=([^,]+)/gm)].map((m) => m[1]));
    assert.deepEqual([...annotated], [file]);

    assert.equal(r.uploads.length, 1, 'upload-sarif ran after the lint step failed');
    const [up] = r.uploads;
    assert.equal(up!.inputs.category, 'policylens');
    assert.deepEqual(sarifErrors(up!.log), []);
    const results = up!.log.runs[0]!.results;
    const typeError = results.find((x) => x.ruleId === 'schema/type');
    assert.ok(typeError, JSON.stringify(results));
    const loc = typeError.locations[0]!.physicalLocation;
    // Paths from the repository's root: what code scanning matches against the checkout.
    assert.equal(loc.artifactLocation.uri, file);
    assert.ok(existsSync(join(r.repo, loc.artifactLocation.uri)));
    assert.deepEqual([loc.region.startLine, loc.region.startColumn], [line, col]);

    assert.equal(r.byName(/^Drift/).outcome, 'skipped', 'sync is off by default');
    assert.equal(r.failed, true, 'the job fails');

    // The action's outputs, as the calling workflow reads them.
    const steps = Object.fromEntries(r.runs.filter((x) => x.step.id).map((x) => [x.step.id, x]));
    const out = (name: string) => substitute(ACTION.outputs[name]!.value, { steps });
    assert.deepEqual(Object.keys(ACTION.outputs).sort(), ['exit-code', 'sarif-file']);
    assert.equal(out('exit-code'), '1');
    assert.equal(out('sarif-file'), up!.inputs.sarif_file);
  });

  it('with valid policies: every step passes and the SARIF has no result', async () => {
    const r = await runAction({ ...FILES.good, ...FILES.other });
    for (const run of r.runs)
      if (!/^Drift/.test(run.step.name!)) assert.equal(run.outcome, 'success', show(run));
    assert.equal(r.byName(/^Lint/).stdout, '', 'no annotation');
    assert.equal(r.uploads.length, 1);
    assert.deepEqual(sarifErrors(r.uploads[0]!.log), []);
    assert.deepEqual(r.uploads[0]!.log.runs[0]!.results, []);
    assert.equal(r.failed, false);
  });

  it('sarif: false and annotations: false: the text report, and nothing uploaded', async () => {
    const r = await runAction(
      { ...FILES.broken },
      { sarif: 'false', annotations: 'false', paths: 'policies' },
    );
    assert.equal(r.byName(/^SARIF/).outcome, 'skipped');
    assert.equal(r.uploads.length, 0);
    const lint = r.byName(/^Lint/);
    assert.equal(lint.outcome, 'failure');
    assert.doesNotMatch(lint.stdout, /^::/m);
    assert.match(lint.stdout, /schema\/type/);
  });

  it('no policy file under paths: a usage error, and no SARIF to upload', async () => {
    const r = await runAction({ ...FILES.other });
    const sarif = r.byName(/^SARIF/);
    assert.equal(sarif.outcome, 'failure', show(sarif));
    assert.match(sarif.stderr, /no policy file found/);
    assert.equal(r.uploads.length, 0, 'upload-sarif is skipped: the SARIF step failed');
    assert.equal(r.failed, true);
  });
});

describe('action.yml: the version input', { timeout: 600_000 }, () => {
  let work: string;
  let tarball: string;
  let registry: NpmRegistry | undefined;
  before(async () => {
    ({ root: work } = ciRepo({}));
    scratch.push(work);
    // Packed once, as test/cli/pack-install.test.ts does (the build already ran), while the
    // dependencies are packed for the registry.
    const [stdout, started] = await Promise.all([
      execFileAsync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 120_000,
      }).then((r) => r.stdout),
      startNpmRegistry(join(work, 'registry')),
    ]);
    registry = started;
    tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  });
  after(async () => {
    await registry?.close();
  });

  it('a tarball path is installed as it is', async () => {
    // The job's npm configuration reaches the install step (a runner's `npm_config_*` variables
    // do): the dependencies come from the loopback registry, with an empty cache, and from nowhere
    // else (test/support/npmRegistry.ts).
    const r = await runAction(
      { ...FILES.good },
      { version: tarball },
      { npm_config_registry: registry!.url, npm_config_cache: join(work, 'npm-cache') },
    );
    const install = r.byName(/^Install/);
    assert.equal(install.outcome, 'success', show(install));
    assert.match(install.stdout, new RegExp(`^Installing ${tarball}\n[\\s\\S]*^policylens ${VERSION}$`, 'm'));
    assert.equal(r.failed, false, r.runs.map(show).join('\n'));
    assert.ok(
      registry!.requests.includes(registry!.packages.find((p) => p.name === 'pg')!.path),
      'pg was downloaded from the loopback registry',
    );
  });

  it('a version or dist-tag names the npm package', async () => {
    // Offline, npm cannot fetch it: what is checked is what the step asked npm for.
    const r = await runAction({ ...FILES.good }, { version: 'latest' }, { npm_config_offline: 'true' });
    assert.match(r.byName(/^Install/).stdout, /^Installing policylens@latest$/m);
  });
});

describe('action.yml: the drift gate against a registry on loopback', { timeout: 600_000 }, () => {
  let live: LiveRegistry;
  before(async () => {
    live = await inProcessRegistry();
  });
  after(async () => {
    await live?.close();
  });

  it('fails while the live org differs from the files, passes once they agree', async () => {
    const env = { POLICYLENS_API_KEY: live.key };
    const inputs = { sync: 'true', 'api-url': live.url, sarif: 'false' };
    const drift = await runAction({ ...FILES.good, ...FILES.other }, inputs, env);
    const gate = drift.byName(/^Drift/);
    assert.equal(gate.status, 2, show(gate));
    assert.match(gate.stdout, /\+ create {2}"Daily Cost Limit"/);
    assert.match(gate.stdout, /^::error title=Policy drift::/m);

    const applied = await runCli(['sync', join(drift.repo, 'policies'), '--apply'], {
      POLICYLENS_API_URL: live.url,
      POLICYLENS_API_KEY: live.key,
    });
    assert.equal(applied.status, 0, applied.stderr);
    // No api-url input: the URL from the job's environment is kept.
    const inSync = await runAction(
      { ...FILES.good, ...FILES.other },
      { sync: 'true', sarif: 'false' },
      { ...env, POLICYLENS_API_URL: live.url },
    );
    const passed = inSync.byName(/^Drift/);
    assert.equal(passed.status, 0, show(passed));
    assert.equal(inSync.failed, false);
  });
});
