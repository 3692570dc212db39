/**
 * `planSync(desired, live)`: the declared bundles against the live org's policies, matched by name,
 * as an ordered list of create / update / no-op (and, with `prune`, delete) steps with field diffs.
 */
import { idKey } from '../chain/policy';
import { prerequisiteRefs } from './body';
import { checkCyclesAfterPlan } from './cycles';
import { diffValues } from './diff';
import { lookalikeCreate, lookalikeDelete } from './lookalike';
import { canonicalJson, sha256Hex } from './hash';
import { comparable, withDefaults } from './normalize';
import { orderSteps } from './order';
import { markRefusals } from './refusals';
import { markRenames } from './rename';
import type { DesiredBundle, LiveOrgPolicy, PlanOptions, PlanStep, SyncPlan } from './types';

export { prerequisiteRefs };

/** Bumped whenever the plan's meaning changes, so an old fingerprint can never match a new plan. */
const PLAN_FORMAT = 1;

/**
 * The hash of one value, cached by object: a bundle's parsed value and a listed live policy are new
 * objects whenever they change, so an editor re-planning after one edit re-hashes one bundle.
 */
const valueHashes = new WeakMap<object, string>();
function hashOf(value: object): string {
  let h = valueHashes.get(value);
  if (h === undefined) valueHashes.set(value, (h = sha256Hex(canonicalJson(value))));
  return h;
}

/** Everything a plan is computed from, hashed: the same inputs always give the same fingerprint. */
export function planFingerprint(
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
  options: PlanOptions,
): string {
  const input = {
    format: PLAN_FORMAT,
    prune: options.prune === true,
    keep: [...(options.keep ?? [])].sort(),
    desired: desired.map((d) => [d.name, d.file, hashOf(d.value)]).sort(),
    live: live.map((p) => hashOf(p)).sort(),
  };
  return sha256Hex(canonicalJson(input));
}

export function planSync(
  desired: readonly DesiredBundle[],
  live: readonly LiveOrgPolicy[],
  options: PlanOptions = {},
): SyncPlan {
  const problems: string[] = [];
  const liveByName = new Map<string, LiveOrgPolicy>();
  const liveById = new Map<string, LiveOrgPolicy>();
  for (const p of live) {
    liveById.set(idKey(p.id), p);
    if (!liveByName.has(p.name)) liveByName.set(p.name, p);
    else problems.push(`the live org has more than one policy named "${p.name}"; only the first is compared`);
  }
  const desiredByName = new Map<string, DesiredBundle>();
  const duplicates = new Map<string, string[]>();
  for (const d of desired) {
    const first = desiredByName.get(d.name);
    if (!first) desiredByName.set(d.name, d);
    else {
      problems.push(`"${d.name}" is declared by both ${first.file} and ${d.file}`);
      duplicates.set(d.name, [...(duplicates.get(d.name) ?? []), d.file]);
    }
  }

  // A prerequisite reference, whether an id (in any case) or a name, stands for a policy name;
  // references that match nothing stay as written and compare unequal to anything.
  const liveOf = (ref: string): LiveOrgPolicy | undefined => liveById.get(idKey(ref));
  const nameOf = (ref: string): string => liveOf(ref)?.name ?? ref;

  // Live names by their NFC form, for the bundles that match none by code points.
  const liveByNfc = new Map<string, LiveOrgPolicy>();
  for (const p of liveByName.values())
    if (!liveByNfc.has(p.name.normalize('NFC'))) liveByNfc.set(p.name.normalize('NFC'), p);
  const lookalikes = new Map<string, DesiredBundle>();

  const steps: PlanStep[] = [];
  for (const d of desiredByName.values()) {
    const current = liveByName.get(d.name);
    const twin = current ? undefined : liveByNfc.get(d.name.normalize('NFC'));
    const stepProblems: string[] = [];
    const problemPaths: PlanStep['problemPaths'] = [];
    const problem = (message: string, path: readonly (string | number)[]) => {
      stepProblems.push(message);
      problemPaths.push(path);
    };
    const others = duplicates.get(d.name);
    if (others) problem(alsoDeclaredProblem(d.name, others), ['name']);
    for (const ref of prerequisiteRefs(d.value)) {
      const at = prerequisitePath(d.value, ref);
      if (!liveOf(ref) && !liveByName.has(ref) && !desiredByName.has(ref))
        problem(`prerequisite "${ref}" is neither a live policy nor declared by a bundle`, at);
      else if (ref === d.name || liveOf(ref)?.name === d.name)
        problem(`"${d.name}" names itself as a prerequisite`, at);
    }
    const body = withDefaults(d.value);
    const base = { name: d.name, file: d.file, ...(d.uri ? { uri: d.uri } : {}) };
    if (twin && !desiredByName.has(twin.name)) {
      problem(lookalikeCreate(d.name, twin.name), ['name']);
      lookalikes.set(twin.name, d);
    }
    if (!current) {
      steps.push({ action: 'create', ...base, changes: [], body, problems: stepProblems, problemPaths });
      continue;
    }
    const changes = diffValues(comparable(current, nameOf), comparable(d.value, nameOf));
    steps.push({
      action: changes.length ? 'update' : 'no-op',
      ...base,
      liveId: current.id,
      ...(typeof current.version === 'number' ? { liveVersion: current.version } : {}),
      changes,
      ...(changes.length ? { body } : {}),
      // A policy in sync whose chain is broken is a problem too: a drift gate (--exit-code) passed
      // on a prerequisite that no longer exists, and the same step blocked the next apply that
      // changed anything else of it (a field test).
      problems: stepProblems,
      problemPaths,
    });
  }
  const keep = new Set(options.keep ?? []);
  const unmanaged: SyncPlan['unmanaged'] = [];
  if (!options.prune)
    for (const p of live)
      if (!desiredByName.has(p.name) && !keep.has(p.name) && liveByName.get(p.name) === p)
        unmanaged.push({
          name: p.name,
          liveId: p.id,
          isActive: p.isActive !== false,
          ...(typeof p.policyType === 'string' ? { policyType: p.policyType } : {}),
        });
  unmanaged.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const prunedPrerequisites: SyncPlan['prunedPrerequisites'] = [];
  if (options.prune) {
    const deleted = new Map<string, PlanStep>();
    for (const p of live) {
      if (desiredByName.has(p.name) || keep.has(p.name) || liveByName.get(p.name) !== p) continue;
      const twin = lookalikes.get(p.name);
      const step: PlanStep = {
        action: 'delete',
        name: p.name,
        liveId: p.id,
        ...(typeof p.version === 'number' ? { liveVersion: p.version } : {}),
        changes: [],
        problems: twin ? [lookalikeDelete(twin.file, twin.name)] : [],
      };
      deleted.set(p.name, step);
      steps.push(step);
    }
    // Pruning a policy that a declared bundle still names (by name or live id) would leave that
    // bundle's chain broken in the org, its dependents skipped at runtime (a field test): the plan
    // says so on both steps, and an apply writes nothing while it does.
    if (deleted.size)
      for (const step of steps) {
        if (step.action === 'delete') continue;
        const d = desiredByName.get(step.name);
        if (!d) continue;
        for (const ref of prerequisiteRefs(d.value)) {
          const target = deleted.get(nameOf(ref));
          if (!target || desiredByName.has(ref)) continue;
          step.problems.push(prunedPrerequisiteProblem(ref));
          prunedPrerequisites.push({ bundle: step.name, prerequisite: ref, deleted: target.name });
          (step.problemPaths ??= [])[step.problems.length - 1] = prerequisitePath(d.value, ref);
          target.problems.push(stillNamedProblem(step.name));
        }
      }
  }
  // After the deletes and the unmanaged list, which are the two places an old name can be.
  markRenames(steps, unmanaged, desiredByName, liveByName, nameOf, new Set(lookalikes.keys()));
  checkCyclesAfterPlan(
    steps,
    liveByName,
    new Map([...desiredByName].map(([name, d]) => [name, prerequisiteRefs(d.value)])),
    nameOf,
  );
  markRefusals(
    steps,
    new Map([...liveByName].map(([name, p]) => [name, p.id])),
    new Set(steps.filter((s) => s.action === 'create').map((s) => s.name)),
  );
  const ordered = orderSteps(steps, (step) => prerequisiteRefs(step.body ?? {}).map(nameOf));
  // A prune of a subfolder deletes every live policy outside it (a field test planned 1,512 deletes
  // and 3 no-ops): what prune means stays, but a plan that empties most of the org says so first.
  const deletes = ordered.filter((s) => s.action === 'delete').length;
  const liveCount = liveByName.size;
  const warnings =
    deletes * 2 > liveCount
      ? [
          (deletes === liveCount
            ? `--prune would delete every policy in the live org (${liveCount}): `
            : `--prune would delete ${deletes} of the ${liveCount} policies in the live org (more than half): `) +
            'every live policy no bundle under the synced paths declares. Check the path covers every bundle',
        ]
      : [];
  return {
    steps: ordered,
    fingerprint: planFingerprint(desired, live, options),
    pending: ordered.filter((s) => s.action !== 'no-op').length,
    problems,
    liveIds: Object.fromEntries([...liveByName].map(([name, p]) => [name, p.id])),
    unmanaged,
    prunedPrerequisites,
    warnings,
    deletes,
    liveCount,
  };
}

/**
 * The problem of a bundle whose name `others` (their files) declare too: on the step of the first
 * bundle, and in the editor on each of the others, which have no step of their own.
 */
export function alsoDeclaredProblem(name: string, others: readonly string[]): string {
  return `"${name}" is also declared by ${others.join(', ')}; rename one of them`;
}

/** The problem of a delete (--prune) whose policy `bundle` still names as a prerequisite. */
export function stillNamedProblem(bundle: string): string {
  return `"${bundle}" still names it as a prerequisite`;
}

/** The problem of a bundle whose prerequisite `ref` the plan deletes (--prune), as sync prints it. */
export function prunedPrerequisiteProblem(ref: string): string {
  return `prerequisite "${ref}" is deleted by this plan (--prune): keep its bundle, or drop the prerequisite`;
}

/** Where a prerequisite reference is written in a bundle (`['prerequisites', i]`). */
function prerequisitePath(value: Record<string, unknown>, ref: string): (string | number)[] {
  const list = value.prerequisites;
  const i = Array.isArray(list) ? list.indexOf(ref) : -1;
  return i < 0 ? ['prerequisites'] : ['prerequisites', i];
}
