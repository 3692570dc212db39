/**
 * The policy sets the impact compares: the live org as the snapshot read it (the baseline), and
 * for each pending step of the plan, the org with that one step applied. A step's impact is then
 * what that change alone does, whatever else is pending. Only Execlave policies live in an org, so
 * these are the sides `policylens sync --events` replays, one change at a time.
 */
import {
  liveNames,
  liveSources,
  resolvePrerequisites,
  type LiveOrgPolicy,
  type PlanStep,
  type PolicySource,
} from '../../core/index';
import type { ComputedPlan } from '../sync/workspacePlan';

/** The live org as the evaluator reads it: prerequisites named as the plan names them. */
export function baselineOf(live: readonly LiveOrgPolicy[]): PolicySource[] {
  return liveSources(live);
}

/** A step that changes the org (create, update, delete): the ones with an impact. */
export function pendingSteps(computed: ComputedPlan): PlanStep[] {
  return computed.plan?.steps.filter((s) => s.action !== 'no-op') ?? [];
}

/** The bundle value a step writes, when it writes one. */
function desiredValue(computed: ComputedPlan, step: PlanStep): Record<string, unknown> | undefined {
  return step.uri ? computed.desired.get(step.uri)?.value : undefined;
}

/**
 * What decides a step's impact besides the snapshot and the events: its action, the live policy it
 * replaces and the bundle it writes. Equal keys, equal reports, so results are cached by it.
 */
export function stepKey(computed: ComputedPlan, step: PlanStep): string {
  return JSON.stringify([step.action, step.name, step.liveId ?? null, desiredValue(computed, step) ?? null]);
}

/** The live org with one step applied, its prerequisites named as the baseline's are. */
export function variantOf(computed: ComputedPlan, step: PlanStep): PolicySource[] {
  const live = computed.snapshot.policies;
  const names = liveNames(live);
  const baseline = liveSources(live, names);
  const value = desiredValue(computed, step);
  const written = (): PolicySource =>
    resolvePrerequisites({ uri: `live:${step.name}`, dialect: 'execlave', value: value! }, names);
  const out: PolicySource[] = [];
  live.forEach((p, i) => {
    if (p.id !== step.liveId) out.push(baseline[i]);
    else if (step.action === 'update' && value) out.push(written());
  });
  if (step.action === 'create' && value) out.push(written());
  return out;
}
