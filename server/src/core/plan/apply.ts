/**
 * Applies a plan through the live-org port, step by step in the plan's order, and reports each step.
 * Nothing is re-planned here: the steps written are exactly the steps the user reviewed, and a policy
 * that changed since the plan is refused by the server (If-Match) and left alone.
 */
import { isConnectionFailure, LiveOrgError, type LiveOrg } from '../ports';
import { canonicalJson, sha256Hex } from './hash';
import { bodyToWrite, prerequisiteRefs } from './body';
import { comparable } from './normalize';
import type { PlanStep, SyncPlan } from './types';

export { bodyToWrite };

export interface StepResult {
  step: PlanStep;
  ok: boolean;
  /** The live id written (or the one that would have been). */
  liveId?: string;
  /** Why the step was not applied, one line; or a note on a success ("already applied"). */
  message?: string;
}

export interface ApplyReport {
  /** One result per step that changes something, in plan order. */
  results: StepResult[];
  applied: number;
  failed: number;
}

/**
 * The `Idempotency-Key` of a create: the same plan creating the same policy always sends the same
 * key, so a create retried after a lost response (in this run or a re-run of the same plan) is answered
 * from the server's idempotency store instead of creating a duplicate.
 */
export function idempotencyKey(fingerprint: string, name: string): string {
  return `policylens-sync-${sha256Hex(`${fingerprint}\n${name}`).slice(0, 40)}`;
}

/**
 * The key to ask again under after a replay of a policy deleted since: derived from that policy's
 * id, so it is new for every policy a key created and that was then deleted. Numbered retries
 * (`-2`, `-3`) were the same in every round of add, prune, add again of one plan, so the third
 * round's last retry was a replay too, and was taken for a create (a field test: "✓ created",
 * exit 0, and nothing created).
 */
export function idempotencyKeyAfter(key: string, deletedId: string): string {
  return `${key.slice(0, 56)}-${sha256Hex(`${key}\n${deletedId}`).slice(0, 12)}`;
}

/** How many replays of deleted policies a create follows before it gives up. */
const MAX_STALE_REPLAYS = 32;

function describe(err: unknown): string {
  if (err instanceof LiveOrgError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

export async function applyPlan(plan: SyncPlan, org: LiveOrg): Promise<ApplyReport> {
  const ids = new Map(Object.entries(plan.liveIds));
  const failedNames = new Set<string>();
  const results: StepResult[] = [];
  let stopped: string | undefined;
  const idOf = (ref: string) => ids.get(ref) ?? ref;

  for (const step of plan.steps) {
    if (step.action === 'no-op') continue;
    const fail = (message: string) => {
      failedNames.add(step.name);
      results.push({ step, ok: false, ...(step.liveId ? { liveId: step.liveId } : {}), message });
    };
    if (stopped) {
      fail(`not attempted: ${stopped}`);
      continue;
    }
    if (step.problems.length) {
      fail(step.problems.join('; '));
      continue;
    }
    const blocked = prerequisiteRefs(step.body ?? {}).find((ref) => failedNames.has(ref));
    if (blocked) {
      fail(`prerequisite "${blocked}" was not applied`);
      continue;
    }
    try {
      results.push(await applyStep(step, plan.fingerprint, org, idOf, ids));
    } catch (err) {
      fail(describe(err));
      if (isConnectionFailure(err)) stopped = `stopped after an earlier failure (${describe(err)})`;
    }
    if (!results[results.length - 1].ok) failedNames.add(step.name);
  }
  const applied = results.filter((r) => r.ok).length;
  return { results, applied, failed: results.length - applied };
}

async function applyStep(
  step: PlanStep,
  fingerprint: string,
  org: LiveOrg,
  idOf: (ref: string) => string,
  ids: Map<string, string>,
): Promise<StepResult> {
  if (step.action === 'create') {
    const body = bodyToWrite(step, idOf);
    let key = idempotencyKey(fingerprint, step.name);
    for (let stale = 0; ; stale++) {
      try {
        const { policy, replayed } = await org.createPolicy(body, { idempotencyKey: key });
        // A replay answers with the policy an earlier run created. If that policy has been deleted
        // since, the replay created nothing: ask again under a key of its own, never take it.
        if (replayed && !(await org.getPolicy(policy.id))) {
          if (stale + 1 >= MAX_STALE_REPLAYS)
            return {
              step,
              ok: false,
              message: `not created: the live org answered ${stale + 1} times with a policy deleted since (replays of earlier creates); run sync again`,
            };
          key = idempotencyKeyAfter(key, policy.id);
          continue;
        }
        ids.set(step.name, policy.id);
        // A replay is the create of an earlier run with this plan (another sync at the same time,
        // or one cut short): said, as an update already applied is.
        return { step, ok: true, liveId: policy.id, ...(replayed ? { message: 'already created' } : {}) };
      } catch (err) {
        if (err instanceof LiveOrgError && err.kind === 'conflict')
          return {
            step,
            ok: false,
            message: `not created: ${err.message} (the live org changed since the plan; run sync again)`,
          };
        throw err;
      }
    }
  }
  const id = step.liveId!;
  const seen = step.liveVersion;
  try {
    if (step.action === 'update') {
      const body = bodyToWrite(step, idOf);
      await org.updatePolicy(id, body, seen === undefined ? {} : { ifMatch: seen });
      return { step, ok: true, liveId: id };
    }
    await org.deletePolicy(id, seen === undefined ? {} : { ifMatch: seen });
    return { step, ok: true, liveId: id };
  } catch (err) {
    if (!(err instanceof LiveOrgError)) throw err;
    if (step.action === 'delete' && err.kind === 'not-found')
      return { step, ok: true, liveId: id, message: 'already gone' };
    if (err.kind === 'precondition') {
      // A retried write whose first attempt did land also gets a 412: if the policy now holds exactly
      // what this step writes, the step is done.
      if (step.action === 'update') {
        const now = await org.getPolicy(id).catch(() => undefined);
        const nameOf = (ref: string) => ref;
        if (
          now &&
          canonicalJson(comparable(now, nameOf)) ===
            canonicalJson(comparable(bodyToWrite(step, idOf), nameOf))
        )
          return { step, ok: true, liveId: id, message: 'already applied' };
      }
      const current = err.currentVersion !== undefined ? `, now version ${err.currentVersion}` : '';
      return {
        step,
        ok: false,
        liveId: id,
        message: `refused: changed in the live org since the plan (the plan saw version ${seen}${current}); left alone`,
      };
    }
    if (err.kind === 'not-found')
      return {
        step,
        ok: false,
        liveId: id,
        message: 'refused: deleted from the live org since the plan; left alone',
      };
    throw err;
  }
}
