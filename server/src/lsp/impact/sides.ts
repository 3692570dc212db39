/**
 * The policy sets the impact compares: the live org as the snapshot read it (the baseline), and
 * for each pending step of the plan, the org with that one step applied. A step's impact is then
 * what that change alone does, whatever else is pending. Only Execlave policies live in an org, so
 * these are the sides `policylens sync --events` replays, one change at a time.
 */
import type { LiveOrgPolicy, PlanStep, PolicySource } from '../../core/index';
import type { ComputedPlan } from '../sync/workspacePlan';

/** The server's bookkeeping fields are no part of the policy the evaluator reads. */
function bodyOf(p: LiveOrgPolicy): Record<string, unknown> {
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, organizationId: _o, ...policy } = p;
  return policy;
}

const source = (name: string, value: Record<string, unknown>): PolicySource => ({
  uri: `live:${name}`,
  dialect: 'execlave',
  value,
});

export function baselineOf(live: readonly LiveOrgPolicy[]): PolicySource[] {
  return live.map((p) => source(p.name, bodyOf(p)));
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

/** The live org with one step applied. */
export function variantOf(computed: ComputedPlan, step: PlanStep): PolicySource[] {
  const live = computed.snapshot.policies;
  const value = desiredValue(computed, step);
  const out: PolicySource[] = [];
  for (const p of live) {
    if (p.id !== step.liveId) out.push(source(p.name, bodyOf(p)));
    else if (step.action === 'update' && value) out.push(source(step.name, value));
  }
  if (step.action === 'create' && value) out.push(source(step.name, value));
  return out;
}
