/**
 * The sync plan of the whole workspace, from the chain's index of bundles (open documents at their
 * current version, other files as on disk) and the cached live snapshot. Recomputed from memory on
 * every edit: no network, and closed files are analysed once per version of their text.
 */
import {
  analyze,
  applyRuleSettings,
  desiredFromAnalysis,
  formatPlan,
  planSync,
  type Analysis,
  type DesiredBundle,
  type ParsedDocument,
  type SyncPlan,
} from '../../core/index';
import type { PlanEntry, WorkspacePlan } from '../../protocol/index';
import type { ServerContext } from '../context';
import { folderPath, pathOf } from '../settings';
import { currentIndex } from '../chain/workspaceChain';
import type { Snapshot } from './liveSession';
import { liveOnlyOf } from './liveOnly';
import { planRename } from './rename';

/** A bundle with errors: its name when it has one, the plan's sentence, and lint's first error. */
export interface InvalidBundle {
  name?: string;
  message: string;
  firstError: string;
}

export interface ComputedPlan {
  snapshot: Snapshot;
  plan?: SyncPlan;
  desired: Map<string, DesiredBundle>;
  /** Bundles with errors, by URI: left out of the plan and never pruned. */
  invalid: Map<string, InvalidBundle>;
}

const analyses = new WeakMap<ParsedDocument, { dialect: string | undefined; analysis: Analysis }>();

/**
 * The analysis of an indexed file as `policylens sync` makes it: with the dialect a
 * `policyLens.dialects` glob or the project's config forces, and the config's rule severities (a
 * code set to `off` does not hold a bundle back, one raised to `error` does). An open document's is
 * its cached one; a closed file's is made once per text and dialect.
 */
function analysisOf(ctx: ServerContext, uri: string, doc: ParsedDocument): Analysis {
  const open = ctx.documents.get(uri);
  let analysis = open?.analysis;
  if (!analysis) {
    const dialect = ctx.documents.dialectFor(uri);
    let cached = analyses.get(doc);
    if (!cached || cached.dialect !== dialect) {
      cached = { dialect, analysis: analyze(doc.text, { fileName: pathOf(uri), dialect, parsed: doc }) };
      analyses.set(doc, cached);
    }
    analysis = cached.analysis;
  }
  const findings = applyRuleSettings(analysis.findings, ctx.documents.rulesFor(uri));
  return findings === analysis.findings ? analysis : { ...analysis, findings };
}

/** The path the plan prints: relative to the workspace folder that holds the file. */
export function displayFile(ctx: ServerContext, uri: string): string {
  const path = pathOf(uri);
  for (const folder of ctx.workspaceFolders()) {
    const base = folderPath(folder);
    if (path.startsWith(base)) return path.slice(base.length);
  }
  return path.split('/').pop() ?? path;
}

export async function computePlan(
  ctx: ServerContext,
  snapshot: Snapshot,
  prune = false,
): Promise<ComputedPlan> {
  const index = await currentIndex(ctx.chain);
  const desired = new Map<string, DesiredBundle>();
  const invalid = new Map<string, InvalidBundle>();
  const bundles: DesiredBundle[] = [];
  for (const policy of index.all()) {
    const outcome = desiredFromAnalysis(
      analysisOf(ctx, policy.uri, policy.doc),
      displayFile(ctx, policy.uri),
      policy.uri,
    );
    if (outcome.kind === 'bundle') {
      bundles.push(outcome.bundle);
      desired.set(policy.uri, outcome.bundle);
    } else if (outcome.kind === 'invalid')
      invalid.set(policy.uri, {
        ...(outcome.name !== undefined ? { name: outcome.name } : {}),
        message: `${outcome.errors} error${outcome.errors === 1 ? '' : 's'}: ${outcome.firstError}`,
        firstError: outcome.firstError,
      });
  }
  if (snapshot.state !== 'ok') return { snapshot, desired, invalid };
  const keep = [...invalid.values()].flatMap((i) => (i.name !== undefined ? [i.name] : []));
  const plan = planSync(bundles, snapshot.policies, { prune, keep });
  return { snapshot, plan, desired, invalid };
}

/** The protocol's form of a computed plan. */
export function toWorkspacePlan(computed: ComputedPlan): WorkspacePlan {
  const { snapshot, plan } = computed;
  const invalid = [...computed.invalid].map(([uri, i]) => ({
    uri,
    ...(i.name !== undefined ? { name: i.name } : {}),
    message: i.message,
  }));
  if (!plan)
    return {
      state: snapshot.state,
      ...(snapshot.message ? { message: snapshot.message } : {}),
      ...(snapshot.org ? { org: snapshot.org } : {}),
      entries: [],
      ...(invalid.length ? { invalid } : {}),
    };
  const entries: PlanEntry[] = plan.steps.map((s) => {
    const rename = planRename(s);
    return {
      action: s.action,
      name: s.name,
      ...(s.uri ? { uri: s.uri } : {}),
      ...(s.file ? { file: s.file } : {}),
      ...(s.liveId ? { liveId: s.liveId } : {}),
      ...(s.liveVersion !== undefined ? { liveVersion: s.liveVersion } : {}),
      changes: s.changes,
      ...(s.problems.length ? { problems: s.problems } : {}),
      ...(rename ? { rename } : {}),
    };
  });
  return {
    state: 'ok',
    ...(snapshot.org ? { org: snapshot.org } : {}),
    fingerprint: plan.fingerprint,
    ...(snapshot.fetchedAt ? { fetchedAt: snapshot.fetchedAt } : {}),
    entries,
    ...(plan.problems.length ? { problems: plan.problems } : {}),
    ...(plan.unmanaged.length ? { liveOnly: liveOnlyOf(plan) } : {}),
    ...(invalid.length ? { invalid } : {}),
    text: formatPlan(plan, { invalid: invalid.length }),
  };
}
