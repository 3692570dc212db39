// Plan fixtures: each case folder holds bundle files (bundles/), the live org's policies (live.json)
// and optionally options.json; the plan is compared with expected.json and its printed form with
// expected.txt (the seed's format).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import {
  analyze,
  desiredFromAnalysis,
  formatPlan,
  planSync,
  type DesiredBundle,
  type LiveOrgPolicy,
  type PlanOptions,
} from '../../server/src/core/index';
import { cases, expectJson, expectText } from '../support/fixtures';

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]))
    .filter((f) => /\.(json|ya?ml)$/.test(f));
}

describe('plan fixtures (test/fixtures/plan)', () => {
  for (const c of cases('plan')) {
    it(c.name, () => {
      const root = join(c.dir, 'bundles');
      const desired: DesiredBundle[] = [];
      const invalid: unknown[] = [];
      for (const path of walk(root)) {
        const file = relative(root, path);
        const outcome = desiredFromAnalysis(analyze(readFileSync(path, 'utf8'), { fileName: file }), file);
        if (outcome.kind === 'bundle') desired.push(outcome.bundle);
        else if (outcome.kind === 'invalid') invalid.push({ file, ...outcome });
      }
      const live = JSON.parse(readFileSync(join(c.dir, 'live.json'), 'utf8')) as LiveOrgPolicy[];
      const optionsFile = join(c.dir, 'options.json');
      const options = existsSync(optionsFile)
        ? (JSON.parse(readFileSync(optionsFile, 'utf8')) as PlanOptions)
        : {};
      const plan = planSync(desired, live, options);
      expectJson(join(c.dir, 'expected.json'), {
        // The fingerprint is in the data so that a change of what it covers shows in review (the
        // rename hint was added without changing any of these: it is not an input of the plan).
        fingerprint: plan.fingerprint,
        pending: plan.pending,
        problems: plan.problems,
        ...(plan.unmanaged.length ? { unmanaged: plan.unmanaged } : {}),
        ...(plan.warnings.length ? { warnings: plan.warnings } : {}),
        invalid,
        steps: plan.steps.map((s) => ({
          action: s.action,
          name: s.name,
          ...(s.file ? { file: s.file } : {}),
          ...(s.liveId ? { liveId: s.liveId, liveVersion: s.liveVersion } : {}),
          changes: s.changes,
          ...(s.problems.length ? { problems: s.problems } : {}),
          ...(s.renameOf ? { renameOf: s.renameOf } : {}),
          ...(s.renamedTo ? { renamedTo: s.renamedTo } : {}),
          ...(s.body && s.action === 'create' ? { prerequisites: s.body.prerequisites } : {}),
        })),
      });
      expectText(join(c.dir, 'expected.txt'), formatPlan(plan));
    });
  }
});
