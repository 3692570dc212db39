/**
 * The custom sync requests of protocol/: the workspace plan, applying exactly the reviewed plan, the
 * two sides of a diff, a policy's history and the audit-chain check.
 */
import {
  applyPlan,
  diffText,
  historyActor,
  idKey,
  LiveOrgError,
  type DesiredBundle,
  type LiveOrgPolicy,
} from '../../core/index';
import type {
  AffectedEvents,
  AffectedEventsParams,
  ApplyPlanParams,
  ApplyPlanResult,
  DiffDocuments,
  DiffDocumentsParams,
  PolicyHistory,
  PolicyHistoryParams,
  VerifyAuditChainResult,
  WorkspacePlan,
  WorkspacePlanParams,
} from '../../protocol/index';
import type { ServerContext } from '../context';
import { affectedEvents, withImpacts } from '../impact/affected';
import type { PlanImpacts } from '../impact/impacts';
import type { LiveSession, Snapshot } from './liveSession';
import { computePlan, displayFile, toWorkspacePlan } from './workspacePlan';

export async function workspacePlan(
  ctx: ServerContext,
  session: LiveSession,
  params: WorkspacePlanParams | null,
  impacts?: PlanImpacts,
): Promise<WorkspacePlan> {
  const snapshot = params?.refresh ? await session.refresh() : await session.current();
  const computed = await computePlan(ctx, snapshot);
  return withImpacts(
    toWorkspacePlan(computed),
    impacts?.files()?.map((f) => f.display),
    impacts?.forPlan(computed),
  );
}

/** The events one pending change alters (the examples of its replay). */
export async function affected(
  ctx: ServerContext,
  session: LiveSession,
  impacts: PlanImpacts,
  params: AffectedEventsParams,
): Promise<AffectedEvents> {
  const name = typeof params?.name === 'string' ? params.name : '';
  const none = (text: string): AffectedEvents => ({ state: 'none', name, events: [], text: `${text}\n` });
  if (!ctx.trusted())
    return none('Recorded events are replayed only in a trusted workspace: trust it to see the impact.');
  const files = impacts.files();
  if (!files) return none('No recorded events are set (policyLens.replay.events).');
  const snapshot = await session.current();
  const computed = await computePlan(ctx, snapshot);
  const step = computed.plan?.steps.find((s) => s.name === name && s.action !== 'no-op');
  const impact = step && impacts.forPlan(computed)?.get(step.name);
  if (!step || !impact) return none(`"${name}" has no pending change against the live org.`);
  return affectedEvents(
    name,
    step.action,
    files.map((f) => f.display),
    snapshot.org ?? 'the live org',
    impact,
  );
}

/**
 * Applies the plan only if it is still the plan the user reviewed: the org is re-read, the plan
 * recomputed, and a different fingerprint (a bundle edited, the live org changed) refuses the apply.
 */
export async function applyReviewedPlan(
  ctx: ServerContext,
  session: LiveSession,
  params: ApplyPlanParams,
): Promise<ApplyPlanResult> {
  const snapshot = await session.refresh();
  const target = session.org();
  if (snapshot.state !== 'ok' || target instanceof LiveOrgError)
    return { applied: false, message: snapshot.message ?? 'The live org cannot be reached.', results: [] };
  const { plan } = await computePlan(ctx, snapshot);
  if (!plan || plan.fingerprint !== params?.fingerprint)
    return {
      applied: false,
      message:
        'The plan changed since it was shown (a bundle or the live org changed). Review the new plan and apply again.',
      results: [],
    };
  if (plan.problems.length || plan.steps.some((s) => s.problems.length))
    return {
      applied: false,
      message: `The plan has problems and was not applied: ${[...plan.problems, ...plan.steps.flatMap((s) => s.problems)][0]}`,
      results: [],
    };
  const report = await applyPlan(plan, target.org);
  await session.refresh();
  return {
    applied: true,
    ...(report.failed ? { message: `${report.applied} applied, ${report.failed} not applied.` } : {}),
    results: report.results.map((r) => ({
      name: r.step.name,
      action: r.step.action,
      ok: r.ok,
      ...(r.message ? { message: r.message } : {}),
      ...(r.liveId ? { liveId: r.liveId } : {}),
    })),
  };
}

function findBundle(
  desired: Map<string, DesiredBundle>,
  params: DiffDocumentsParams | PolicyHistoryParams,
): DesiredBundle | undefined {
  if (params.uri && desired.has(params.uri)) return desired.get(params.uri);
  return [...desired.values()].find((d) => d.name === params.name);
}

function findLive(snapshot: Snapshot, name: string | undefined, id?: string): LiveOrgPolicy | undefined {
  return snapshot.policies.find(
    (p) => (id !== undefined && idKey(p.id) === idKey(id)) || (name !== undefined && p.name === name),
  );
}

export async function diffDocuments(
  ctx: ServerContext,
  session: LiveSession,
  params: DiffDocumentsParams,
): Promise<DiffDocuments> {
  const snapshot = await session.current();
  const { desired } = await computePlan(ctx, snapshot);
  const bundle = findBundle(desired, params);
  const name = bundle?.name ?? params.name;
  const live = findLive(snapshot, name);
  const byId = new Map(snapshot.policies.map((p) => [idKey(p.id), p.name]));
  const nameOf = (ref: string) => byId.get(idKey(ref)) ?? ref;
  return {
    ...(live ? { live: diffText(live, live.name, nameOf) } : {}),
    ...(bundle ? { desired: diffText(bundle.value, bundle.name, nameOf) } : {}),
  };
}

export async function policyHistory(
  ctx: ServerContext,
  session: LiveSession,
  params: PolicyHistoryParams,
): Promise<PolicyHistory> {
  const snapshot = await session.current();
  const target = session.org();
  const { desired } = await computePlan(ctx, snapshot);
  const name = findBundle(desired, params)?.name ?? params.name;
  const live = findLive(snapshot, name, params.id);
  // A title people can read: the name, else the bundle's workspace-relative path, else the id.
  const label = live?.name ?? name ?? (params.uri ? displayFile(ctx, params.uri) : params.id);
  const labelled = label ? { label } : {};
  if (snapshot.state !== 'ok' || target instanceof LiveOrgError)
    return {
      state: snapshot.state,
      ...(snapshot.message ? { message: snapshot.message } : {}),
      ...labelled,
      events: [],
    };
  const id = live?.id ?? params.id;
  if (!id)
    return {
      state: 'not-found',
      message: `"${label ?? 'this policy'}" is not in the live org yet.`,
      ...labelled,
      events: [],
    };
  try {
    const events = await target.org.history(id);
    return {
      state: 'ok',
      ...labelled,
      policy: { id, name: live?.name ?? name ?? id },
      events: events.map((e, i) => ({
        version: typeof e.version === 'number' ? e.version : i + 1,
        eventType: e.eventType,
        actorId: e.actorId,
        actor: historyActor(e),
        changedAt: e.changedAt,
        diff: e.diff,
        ...(e.snapshot && typeof e.snapshot === 'object'
          ? { snapshot: e.snapshot as Record<string, unknown> }
          : {}),
      })),
    };
  } catch (e) {
    if (e instanceof LiveOrgError && e.kind === 'not-found')
      return { state: 'not-found', message: `No history for ${label ?? id}.`, ...labelled, events: [] };
    return { state: 'offline', message: e instanceof Error ? e.message : String(e), ...labelled, events: [] };
  }
}

export async function verifyAuditChain(session: LiveSession): Promise<VerifyAuditChainResult> {
  const target = session.org();
  if (target instanceof LiveOrgError) return { ok: false, checked: 0, message: target.message };
  try {
    const v = await target.org.verifyAudit();
    const b = v.firstBroken;
    return {
      ok: v.ok,
      checked: v.checked,
      message: v.ok
        ? `Audit chain intact: ${v.checked} events checked.`
        : !b && v.live?.mismatched
          ? `Audit chain intact, but ${v.live.mismatched} live ${v.live.mismatched === 1 ? 'policy is' : 'policies are'} not what the audit log says (changed without the API).`
          : `Audit chain broken${b ? ` at event ${b.seq} (${b.reason})` : ''}.`,
    };
  } catch (e) {
    return { ok: false, checked: 0, message: e instanceof Error ? e.message : String(e) };
  }
}
