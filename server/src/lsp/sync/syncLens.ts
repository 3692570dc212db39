/**
 * The sync CodeLens, one line above each bundle: `+ create in acme`, `~ update: enforcementMode
 * log_only → block (+2 more)`, `= in sync`, `⚠ live org unreachable`, or `sync not configured`; a
 * create that looks like the rename of a live policy adds `(rename of "Old"?)` and the step's first
 * problem follows a `⚠`. It is computed from the cached snapshot; a click opens the diff between the
 * live policy and the bundle.
 */
import type { CodeLens } from 'vscode-languageserver';
import {
  alsoDeclaredProblem,
  bodyOfBundle,
  desiredFromAnalysis,
  lensTitle,
  refusedProblem,
  requestRefusal,
} from '../../core/index';
import {
  DISPLAY_ONLY_COMMAND,
  impactTitle,
  renameTitle,
  REPLAY_COMMANDS,
  SYNC_COMMANDS,
  type PlanEntry,
} from '../../protocol/index';
import type { CodeLensProvider, ServerContext } from '../context';
import type { PolicyDocument } from '../documents';
import type { PlanImpacts, StepImpact } from '../impact/impacts';
import type { LiveSession } from './liveSession';
import { planRename } from './rename';
import { computePlan, type ComputedPlan } from './workspacePlan';

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function label(title: string, command: string = DISPLAY_ONLY_COMMAND, args?: unknown[]): CodeLens {
  return { range: TOP, command: { title, command, ...(args ? { arguments: args } : {}) } };
}

/**
 * The impact of the change beside the plan (`would block +12 · allow +0`), when recorded events are
 * set: a click shows the affected events; `impact…` while the replay runs; a problem opens the log.
 */
function impactLens(name: string, step: StepImpact): CodeLens {
  const { impact } = step;
  const lens = label(
    impactTitle(impact),
    impact.state === 'ok'
      ? REPLAY_COMMANDS.showAffectedEvents
      : impact.state === 'error'
        ? SYNC_COMMANDS.showOutput
        : DISPLAY_ONLY_COMMAND,
    impact.state === 'ok' ? [{ name }] : undefined,
  );
  if (impact.state === 'ok' && lens.command)
    lens.command.tooltip = `${impact.changed} of ${impact.events} recorded events change decision with this change: click to show them`;
  return lens;
}

/**
 * The lens of a bundle that has no step because a bundle before it declares the same name (the plan
 * keeps the first one and refuses to apply): it says so, as the first one's lens does, instead of
 * nothing, with the same words.
 */
function duplicateLens(computed: ComputedPlan, name: string, uri: string): CodeLens[] {
  const others = [...computed.desired.values()]
    .filter((d) => d.name === name && d.uri !== uri)
    .map((d) => d.file);
  return others.length ? [label(`⚠ ${alsoDeclaredProblem(name, others)}`)] : [];
}

export function syncLensProvider(
  ctx: ServerContext,
  session: LiveSession,
  impacts?: PlanImpacts,
): CodeLensProvider {
  return {
    id: 'sync',
    async provide(doc: PolicyDocument): Promise<CodeLens[]> {
      const own = desiredFromAnalysis(doc.analysis, '', doc.uri);
      if (own.kind === 'skip') return [];
      const snapshot = await session.current();
      if (snapshot.state === 'not-configured') return [label('sync not configured', SYNC_COMMANDS.setApiKey)];
      if (snapshot.state === 'untrusted') return [label('sync off: workspace not trusted')];
      if (snapshot.state === 'offline') {
        const refused = /refused the API key/.test(snapshot.message ?? '');
        return [
          label(refused ? '⚠ live org refused the API key' : '⚠ live org unreachable', SYNC_COMMANDS.refresh),
        ];
      }
      if (own.kind === 'invalid')
        return [label(`✗ fix ${own.errors} error${own.errors === 1 ? '' : 's'} to sync`)];
      const computed = await computePlan(ctx, snapshot);
      const { plan } = computed;
      if (!plan) return [];
      const step = plan.steps.find((s) => s.uri === doc.uri);
      if (!step) {
        // A bundle over the workspace index's size is in no plan: when the live org would refuse
        // it anyway, the lens says so rather than nothing.
        const refusal = requestRefusal(bodyOfBundle(own.bundle.value));
        if (refusal) return [label(`✗ not synced: ${refusedProblem(refusal.reason)}`)];
        return duplicateLens(computed, own.bundle.name, doc.uri);
      }
      const org = snapshot.org ?? 'the live org';
      const rename = planRename(step);
      const title =
        lensTitle(step, org) +
        (rename ? ` (${renameTitle(rename)})` : '') +
        (step.problems.length ? ` ⚠ ${step.problems[0]}` : '');
      const entry: PlanEntry = {
        action: step.action,
        name: step.name,
        uri: doc.uri,
        ...(step.liveId ? { liveId: step.liveId } : {}),
        changes: step.changes,
      };
      const lens = label(title, SYNC_COMMANDS.openDiff, [entry]);
      // The whole sentences where the title is cut short: the CLI's rename hint, every problem.
      const more = [...(rename ? [rename.hint] : []), ...step.problems.map((p) => `⚠ ${p}`)];
      if (more.length && lens.command) lens.command.tooltip = more.join('\n');
      const lenses = [lens];
      const impact = impacts?.forPlan(computed)?.get(step.name);
      if (impact) lenses.push(impactLens(step.name, impact));
      return lenses;
    },
  };
}
