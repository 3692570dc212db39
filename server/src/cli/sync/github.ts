/**
 * `policylens sync --format github`: the plan as GitHub Actions workflow commands, placed on the
 * bundles they concern, and as markdown for the job's summary (`$GITHUB_STEP_SUMMARY`).
 *
 * A plan problem is an `::error` on the key it concerns (`name`, `prerequisites[1]`); each change is
 * a `::notice` on its bundle (an update on its first changed key), a delete a `::warning` (its bundle
 * is gone, so it has no file); problems of the plan as a whole, the prune warning and the policies
 * left alone have no file either. Paths are from the repository's root, as `lint --format github`.
 */
import {
  findProperty,
  formatChange,
  renameHint,
  prunedPrerequisiteProblem,
  leftAloneSentence,
  renamedToHint,
  stillNamedProblem,
  type Analysis,
  type ApplyReport,
  type AstNode,
  type PlanStep,
  type SyncPlan,
} from '../../core/index';
import { workflowCommand, type AnnotationProps } from '../report/github';

/** Where a desired bundle came from: its file on disk, and its analysis (the tree and the lines). */
export interface BundleSource {
  path: string;
  analysis: Pick<Analysis, 'doc' | 'lines'>;
}

/** How the report finds a bundle's file and places a key path in it. */
export interface GithubPlace {
  /** The source of the bundle a step plans (none for a delete). */
  sourceOf(step: PlanStep): BundleSource | undefined;
  /** The sources of every bundle that declares `name`, in the plan's order (two for a duplicate). */
  sourcesNamed(name: string): BundleSource[];
  /** The path from the repository's root (`repoPaths()`). */
  fromRoot(abs: string): string;
}

const TITLE = 'policylens sync';

/**
 * The node a printed path (`ruleDefinition.tools[1]`) names in the tree, as far as it exists, and the
 * property it is the value of. Keys may hold dots, so each step takes the longest key that the rest
 * of the path starts with.
 */
function locatePrinted(
  root: AstNode | null,
  printed: string,
): { node: AstNode; key?: AstNode; depth: number } | undefined {
  if (!root) return undefined;
  let node: AstNode = root;
  let key: AstNode | undefined;
  let rest = printed;
  let depth = 0;
  while (rest) {
    if (node.type === 'object') {
      const tail = rest.startsWith('.') && depth > 0 ? rest.slice(1) : rest;
      let best: string | undefined;
      for (const p of node.properties) {
        const k = p.key.value;
        if (tail.startsWith(k) && /^(?:$|[.[])/.test(tail.slice(k.length)) && k.length > (best?.length ?? -1))
          best = k;
      }
      const prop = best === undefined ? undefined : findProperty(node, best);
      if (!prop?.value) break;
      key = prop.key;
      node = prop.value;
      rest = tail.slice(best!.length);
    } else if (node.type === 'array') {
      const m = /^\[(\d+)\]/.exec(rest);
      const item = m ? node.items[Number(m[1])] : undefined;
      if (!m || !item) break;
      key = undefined;
      node = item;
      rest = rest.slice(m[0].length);
    } else break;
    depth++;
  }
  return { node, key, depth };
}

/** The annotation properties of a place in a bundle: the key's range (or the item's), 1-based. */
function placeOf(
  source: BundleSource,
  file: string,
  printed: string,
): Pick<AnnotationProps, 'file' | 'line' | 'col' | 'endLine' | 'endColumn'> {
  const root = source.analysis.doc?.root ?? null;
  let found = locatePrinted(root, printed);
  // A key the bundle does not write (a field it dropped) is placed on the bundle's name.
  if (!found || found.depth === 0) found = locatePrinted(root, 'name');
  if (!found || found.depth === 0) return { file, line: 1 };
  const span = found.key ?? found.node;
  const s = source.analysis.lines.positionAt(span.offset);
  const e = source.analysis.lines.positionAt(span.end);
  return { file, line: s.line + 1, col: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

/** The annotation properties of `printed` in a bundle's file; none (no file) without a bundle. */
function placeIn(place: GithubPlace, source: BundleSource | undefined, printed: string): AnnotationProps {
  return source ? placeOf(source, place.fromRoot(source.path), printed) : {};
}

/** The printed form of a problem's key path (`['prerequisites', 1]` → `prerequisites[1]`). */
function printedPath(path: readonly (string | number)[] | undefined): string {
  let out = '';
  for (const seg of path ?? []) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

const SAID: Record<PlanStep['action'], string> = {
  create: '+ create',
  update: '~ update',
  delete: '- delete',
  'no-op': '= no-op',
};

/**
 * Where a step's i-th problem is annotated: every bundle it concerns. A problem on `name` concerns
 * every bundle declaring that name (both of a duplicate); a delete refused because a bundle still
 * names the deleted policy sits on that bundle's prerequisites item; anything else on the step's
 * own bundle, or on no file.
 */
function problemPlaces(plan: SyncPlan, place: GithubPlace, step: PlanStep, i: number): AnnotationProps[] {
  const printed = printedPath(step.problemPaths?.[i]);
  if (step.action === 'delete') {
    const still = plan.prunedPrerequisites.find(
      (e) => e.deleted === step.name && step.problems[i] === stillNamedProblem(e.bundle),
    );
    const holder = still && plan.steps.find((s) => s.action !== 'delete' && s.name === still.bundle);
    if (!still || !holder) return [{}];
    const j = holder.problems.indexOf(prunedPrerequisiteProblem(still.prerequisite));
    return [placeIn(place, place.sourceOf(holder), printedPath(holder.problemPaths?.[j]) || 'prerequisites')];
  }
  const all = printed === 'name' ? place.sourcesNamed(step.name) : [];
  if (all.length > 1) return all.map((s) => placeIn(place, s, printed));
  return [placeIn(place, place.sourceOf(step), printed)];
}

/** The annotations of a plan (and of its apply, when `report` is given), one command a line. */
export function formatPlanGithub(
  plan: SyncPlan,
  place: GithubPlace,
  options: { org: string; report?: ApplyReport; refused?: string },
): string {
  const out: string[] = [];
  for (const w of plan.warnings) out.push(workflowCommand('warning', { title: TITLE }, w));
  for (const p of plan.problems) out.push(workflowCommand('error', { title: `${TITLE}: plan problem` }, p));
  const results = new Map((options.report?.results ?? []).map((r) => [r.step, r]));
  for (const step of plan.steps) {
    step.problems.forEach((p, i) => {
      const message = `${SAID[step.action]} ${JSON.stringify(step.name)}: ${p}`;
      const title = `${TITLE}: plan problem`;
      for (const where of problemPlaces(plan, place, step, i))
        out.push(workflowCommand('error', { ...where, title }, message));
    });
    if (step.action === 'no-op') continue;
    const result = results.get(step);
    const where = placeIn(place, place.sourceOf(step), step.changes[0]?.path ?? 'name');
    const head =
      `${SAID[step.action]} ${JSON.stringify(step.name)} in ${options.org}` +
      (step.action === 'delete' ? ' (no bundle declares it)' : '');
    const hint = renameHint(step);
    const lines = [head, ...step.changes.map((c) => `  ${formatChange(c)}`), ...(hint ? [`(${hint})`] : [])];
    if (result && !result.ok) {
      out.push(
        workflowCommand(
          'error',
          { ...where, title: `${TITLE}: not applied` },
          [...lines, `not applied: ${result.message ?? 'failed'}`].join('\n'),
        ),
      );
      continue;
    }
    const title = result ? `${TITLE}: applied` : `${TITLE}: ${step.action}`;
    const text = result ? [...lines, `applied${result.liveId ? ` (${result.liveId})` : ''}`] : lines;
    out.push(
      workflowCommand(step.action === 'delete' ? 'warning' : 'notice', { ...where, title }, text.join('\n')),
    );
  }
  if (plan.unmanaged.length) {
    const n = plan.unmanaged.length;
    const names = plan.unmanaged
      .slice(0, 10)
      .map(
        (u) =>
          `  ${JSON.stringify(u.name)}${u.renamedTo ? `  (${renamedToHint(u.renamedTo, u.liveId)})` : ''}`,
      );
    if (n > 10) names.push(`  … and ${n - 10} more`);
    out.push(
      workflowCommand(
        'notice',
        { title: `${TITLE}: not managed here` },
        [leftAloneSentence(n, options.org), ...names].join('\n'),
      ),
    );
  }
  if (options.refused) out.push(workflowCommand('error', { title: TITLE }, options.refused));
  return out.length ? `${out.join('\n')}\n` : '';
}

export { planSummaryMarkdown } from './summary';
