/**
 * Our action (action.yml) as a step of a job: its steps run with its inputs over their defaults
 * (test/support/actions.ts), installing from this built checkout as `uses: ./` would, and the
 * SARIF that its upload-sarif step (or a workflow's) would send, checked and kept.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { runSteps, type Step, type StepRun } from './actions';
import { ROOT, runnerEnv } from './ciRepo';

export interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

export const ACTION_TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');
export const ACTION = parse(ACTION_TEXT) as Action;
export const UPLOAD = 'github/codeql-action/upload-sarif@v3';

export interface Loc {
  artifactLocation: { uri: string };
  region: { startLine: number; startColumn: number };
}
export interface Uploaded {
  inputs: Record<string, string>;
  log: { runs: { results: { ruleId: string; locations: { physicalLocation: Loc }[] }[] }[] };
}

/** What upload-sarif would be given, if its file exists (it fails the step otherwise). */
export function uploadSarif(inputs: Record<string, string>, cwd: string, uploads: Uploaded[]): boolean {
  const file = resolve(cwd, inputs.sarif_file ?? '');
  assert.ok(inputs.sarif_file && existsSync(file), `the SARIF file ${inputs.sarif_file} exists`);
  uploads.push({ inputs, log: JSON.parse(readFileSync(file, 'utf8')) as Uploaded['log'] });
  return true;
}

export interface Place {
  repo: string;
  temp: string;
  /** The npm global prefix the install step writes to. */
  prefix: string;
}

/** Runs the action's steps with `inputs` in `place.repo`; `env` is the calling step's. */
export async function runOurAction(
  place: Place,
  inputs: Record<string, string>,
  env: Record<string, string>,
  uploads: Uploaded[],
): Promise<{ runs: StepRun[]; failed: boolean; byName: (re: RegExp) => StepRun }> {
  const defaults = Object.fromEntries(Object.entries(ACTION.inputs).map(([k, v]) => [k, v.default ?? '']));
  const unknown = Object.keys(inputs).filter((k) => !(k in defaults));
  assert.deepEqual(unknown, [], 'inputs the action does not declare');
  const { runs, failed } = await runSteps(ACTION.runs.steps, {
    contexts: {
      inputs: { ...defaults, ...inputs },
      github: { action_path: ROOT, workspace: place.repo },
      runner: { temp: place.temp },
    },
    env: runnerEnv({ ...place, actionPath: ROOT }, env),
    cwd: place.repo,
    timeout: 180_000,
    uses(step, given) {
      assert.equal(step.uses, UPLOAD, 'the only action used is upload-sarif');
      return uploadSarif(given, place.repo, uploads);
    },
  });
  const byName = (re: RegExp): StepRun => {
    const r = runs.find((x) => re.test(x.step.name ?? ''));
    assert.ok(r, `a step named ${re}`);
    return r;
  };
  return { runs, failed, byName };
}

export const show = (r: StepRun): string =>
  `${r.step.name ?? r.step.run}: ${r.outcome}\n${r.stdout}\n${r.stderr}`;
