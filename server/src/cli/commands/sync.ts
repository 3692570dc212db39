import { parseArgs } from 'node:util';
import {
  applyPlan,
  formatApplyReport,
  formatPlan,
  invalidBundleLine,
  invalidBundlesSentence,
  LiveOrgError,
  planSync,
  printable,
  type ApplyReport,
  type DesiredBundle,
  type LiveOrgPolicy,
  type SyncPlan,
} from '../../core/index';
import type { HttpLiveOrg } from '../../live/index';
import { UsageError } from '../files';
import { projectFor, repoPaths } from '../project';
import { workflowCommand } from '../report/github';
import { formatPlanGithub, type BundleSource } from '../sync/github';
import { appendStepSummary, failureSummaryMarkdown, planSummaryMarkdown } from '../sync/summary';
import { readReviewed, reviewDifference } from '../sync/review';
import { collectDesired } from '../sync/desired';
import { liveOrgFor, orgLabel } from '../sync/org';
import { planJson } from '../sync/json';
import { refusedReport } from '../sync/refused';
import { toJson } from '../report/json';
import { checkChoice } from '../usage';
import { eventsOf } from '../replay/configEvents';
import { formatImpact, planImpact, type PlanImpact } from '../replay/impact';
import type { Command, CommandIO } from './types';

export const HELP = `Usage: policylens sync <path>... [--apply] [--prune] [--confirm-deletes N] [--format text|json|github] [--exit-code] [--url URL] [--fingerprint F]
                        [--config FILE] [--no-ignore] [--force-exclude] [--events FILE]... [--no-events]

Compares the Execlave bundles under <path> with the live org's policies and prints the plan:
  + create, ~ update (with the changed fields), = no-op, and with --prune - delete.
Nothing is written unless --apply is given; --apply applies exactly the plan it prints, stamping
metadata.source "cli-sync". Updates carry If-Match: a policy changed since the plan is left alone.

  --apply       apply the plan
  --prune       also delete live policies that no bundle declares
  --format      text (default), json, or github: the text, then GitHub Actions annotations (plan
                problems as ::error on the bundle's key, changes as ::notice, deletes as
                ::warning; paths from the repository's root), and the text appended to
                $GITHUB_STEP_SUMMARY as markdown when that variable is set
  --exit-code   exit 2 when changes are pending, 0 when in sync (a CI gate)
  --url URL     the live org's API (else POLICYLENS_API_URL or EXECLAVE_BASE_URL)
  --config FILE the project config instead of the nearest policylens.config.yaml (its live.url
                is the org's API when neither --url nor the environment names one)
  --no-ignore   read files that .gitignore ignores too (as lint --no-ignore)
  --force-exclude  skip a file named on the command line when a walk would (as lint --force-exclude)
  --confirm-deletes N  with --apply --prune: the number of policies the plan deletes; needed when
                it deletes more than half of the live org's policies, and checked whenever given
  --fingerprint F  with --apply: apply only if the plan is still the one whose fingerprint
                (from --format json) was reviewed, e.g. in a pull request; F is the fingerprint,
                or the file of the reviewed --format json output (then a plan that moved on
                says what moved: the changes, the prune set, the impact)
  --events FILE recorded traffic (JSON Lines, plain or gzip; repeatable): the plan is followed by
                its impact, the events replayed through the org as it is and as the plan leaves it
                (see policylens replay); the fingerprint then covers the replay's result too.
                Without it, the config's replay.events are replayed, as the editor does
  --no-events   no impact, even when the config names recorded events

The API key comes from POLICYLENS_API_KEY (or EXECLAVE_API_KEY); it is sent only over https, or over
plain http to localhost.
Exit status: 0 done / in sync, 1 an error or a change that could not be applied, 2 a usage error.
With --exit-code (terraform's -detailed-exitcode): 0 in sync, 2 changes pending, 1 any error,
usage errors included, so that 2 always means "changes pending".`;

/** `--format json` among the options (parsed or not: a usage error is printed as JSON too). */
function wantsJson(argv: readonly string[]): boolean {
  const opts = options(argv);
  return opts.includes('--format=json') || opts.some((a, i) => a === '--format' && opts[i + 1] === 'json');
}

/**
 * With --format json, an error is a JSON object on stdout too (`{version, error}`; `error` is a
 * string, as in lint's report of a file it cannot read), so that a script reading stdout is never
 * handed nothing. The message still goes to stderr, and the exit status is unchanged.
 */
async function run(argv: string[], io: CommandIO): Promise<number> {
  try {
    return await runSync(argv, io);
  } catch (e) {
    if (wantsJson(argv)) io.out(toJson(io.version, { error: (e as Error).message }));
    throw e;
  }
}

async function runSync(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      apply: { type: 'boolean', default: false },
      prune: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      'exit-code': { type: 'boolean', default: false },
      url: { type: 'string' },
      fingerprint: { type: 'string' },
      'confirm-deletes': { type: 'string' },
      events: { type: 'string', multiple: true },
      'no-events': { type: 'boolean', default: false },
      config: { type: 'string' },
      'no-ignore': { type: 'boolean' },
      'force-exclude': { type: 'boolean' },
    },
  });
  if (!positionals.length) throw new UsageError('sync needs a path');
  // Without --apply a fingerprint checks nothing: silently ignoring it let a user believe the
  // reviewed plan had been checked.
  if (values.fingerprint !== undefined && !values.apply)
    throw new UsageError(
      '--fingerprint goes with --apply (it names the reviewed plan the apply must still be)',
    );
  const reviewed = values.fingerprint === undefined ? undefined : readReviewed(values.fingerprint);
  const confirmDeletes = values['confirm-deletes'];
  if (confirmDeletes !== undefined && !/^\d+$/.test(confirmDeletes))
    throw new UsageError(
      `--confirm-deletes wants the number of policies the plan deletes, not "${confirmDeletes}"`,
    );
  if (confirmDeletes !== undefined && !(values.apply && values.prune))
    throw new UsageError('--confirm-deletes goes with --apply --prune');
  checkChoice('format', values.format, ['text', 'json', 'github']);
  const json = values.format === 'json';
  const github = values.format === 'github';
  /**
   * An error before or instead of a plan: one line on stderr, `{version, error}` as JSON, an
   * `::error` (on no file) in GitHub Actions, and the same message in the job summary.
   */
  const failed = (message: string, extra: object = {}): number => {
    io.err(`policylens sync: ${printable(message)}\n`);
    if (json) io.out(toJson(io.version, { error: message, ...extra }));
    if (github) {
      io.out(`${workflowCommand('error', { title: 'policylens sync' }, message)}\n`);
      appendStepSummary(failureSummaryMarkdown(message), io.err);
    }
    return 1;
  };
  if (values['no-events'] && values.events?.length)
    throw new UsageError('--events and --no-events exclude each other');

  const sources = github ? new Map<DesiredBundle, BundleSource>() : undefined;
  const { desired, invalid } = collectDesired(
    positionals,
    { ignore: !values['no-ignore'], forceExclude: values['force-exclude'], config: values.config },
    sources,
  );
  const fromRoot = repoPaths();
  if (invalid.length) {
    // A bundle with errors would be refused by the server, and with --prune its live policy would look
    // undeclared and be deleted: no plan is made until every bundle is valid.
    const lines = invalid.map((i) => invalidBundleLine(printable(i.file), printable(i.firstError)));
    for (const line of lines) io.err(`${line}\n`);
    const message = invalidBundlesSentence(invalid.length, 'sync');
    io.err(`${message}\n`);
    if (json)
      io.out(toJson(io.version, { error: message, invalid: invalid.map(({ path: _path, ...i }) => i) }));
    if (github)
      io.out(
        invalid
          .map((i) =>
            workflowCommand(
              'error',
              { file: fromRoot(i.path), line: 1, title: 'policylens sync: invalid bundle' },
              `${i.firstError} (${i.errors} ${i.errors === 1 ? 'error' : 'errors'}; policylens lint lists them); no plan is made until every bundle is valid`,
            ),
          )
          .join('\n') + '\n',
      );
    if (github) appendStepSummary(failureSummaryMarkdown(message, lines), io.err);
    return 1;
  }

  if (values.prune && desired.length === 0) {
    // A mistyped path would otherwise plan the deletion of every policy in the org.
    return failed(`no bundles found under ${positionals.join(', ')}; refusing to --prune every live policy`);
  }

  const project = projectFor(positionals[0]!, values.config);
  // The events are checked before the org is read: a file that cannot be read is a usage error.
  const events = values['no-events'] ? { files: [], bytes: 0 } : eventsOf(values.events, project);
  const files = events.files;
  let org: HttpLiveOrg;
  try {
    org = liveOrgFor(values.url, project);
  } catch (e) {
    if (e instanceof LiveOrgError) return failed(e.message);
    throw e;
  }
  let plan: SyncPlan;
  let impact: PlanImpact | undefined;
  let impactText = '';
  let live: LiveOrgPolicy[];
  let orgName: string | undefined;
  try {
    live = await org.listPolicies();
    // Only servers with `/whoami` (policylens serve) name the key's org; others are named by host.
    orgName = await org.orgName();
    plan = planSync(desired, live, { prune: values.prune });
    if (files.length) {
      impact = await planImpact(files, plan, desired, live);
      impactText = formatImpact(impact.report, files, events.config);
    }
  } catch (e) {
    if (e instanceof LiveOrgError) return failed(e.message);
    throw e;
  }
  const blocked = plan.problems.length > 0 || plan.steps.some((s) => s.problems.length > 0);
  const label = orgLabel(org.label, orgName);

  // --format github: the text as --format text prints it (the log reads the same), then the
  // annotations, and the text in the job's summary.
  const firstByName = new Map<string, DesiredBundle>();
  for (const d of desired) if (!firstByName.has(d.name)) firstByName.set(d.name, d);
  const place = {
    sourceOf: (step: { name: string; file?: string }) => {
      const d = step.file === undefined ? undefined : firstByName.get(step.name);
      return d && d.file === step.file ? sources?.get(d) : undefined;
    },
    sourcesNamed: (name: string) =>
      desired.flatMap((d) => (d.name === name && sources?.get(d) ? [sources.get(d)!] : [])),
    fromRoot,
  };
  const forGithub = (
    text: string,
    extra: { report?: ApplyReport; refused?: string; summary?: string } = {},
  ) => {
    io.out(text + formatPlanGithub(plan, place, { org: label, ...extra }));
    appendStepSummary(planSummaryMarkdown(extra.summary ?? text), io.err);
  };

  if (!values.apply) {
    if (github) forGithub(formatPlan(plan, { org: label }) + impactText);
    else
      io.out(
        json
          ? planJson(io.version, plan, org.label, orgName, undefined, impact)
          : formatPlan(plan, { org: label }) + impactText,
      );
    if (blocked) return 1;
    return values['exit-code'] && plan.pending > 0 ? 2 : 0;
  }
  if (blocked) {
    // Applying around the problems would write a different plan from the one printed (and half a
    // chain), so nothing is written until the plan is clean.
    // A change the live org would refuse is told as an invalid bundle is: which file, why, and that
    // nothing was written (an apply used to stop at it half-way).
    const refused = refusedReport(plan);
    const message = refused?.message ?? 'the plan has problems (marked !); nothing was applied.';
    if (github) forGithub(formatPlan(plan, { footer: false, org: label }), { refused: message });
    else
      io.out(
        json
          ? planJson(io.version, plan, org.label, orgName, undefined, undefined, message)
          : formatPlan(plan, { footer: false, org: label }),
      );
    for (const line of refused?.lines ?? []) io.err(`${line}\n`);
    io.err(`policylens sync: ${message}\n`);
    return 1;
  }
  if (reviewed !== undefined && reviewed.fingerprint !== (impact?.fingerprint ?? plan.fingerprint)) {
    const message = 'this is not the plan that was reviewed (--fingerprint differs); nothing was applied.';
    const why = reviewDifference(reviewed, {
      plan,
      ...(impact ? { replay: impact.report } : {}),
      desired,
      live,
      prune: values.prune,
    });
    if (github)
      forGithub(formatPlan(plan, { footer: false, org: label }) + impactText, {
        refused: [message, ...why].join('\n'),
      });
    else
      io.out(
        json
          ? planJson(io.version, plan, org.label, orgName, undefined, impact, [message, ...why].join('\n'))
          : formatPlan(plan, { footer: false, org: label }) + impactText,
      );
    io.err(`policylens sync: ${message}\n${why.map((w) => `  ${w}\n`).join('')}`);
    return 1;
  }
  // A plan that deletes more than half of the org is applied only when the count is confirmed (see
  // docs/decisions/sync.md); a confirmed count must be the plan's, whatever its size.
  const confirmed = confirmDeletes === undefined ? undefined : Number(confirmDeletes);
  if (
    (plan.warnings.length && confirmed === undefined) ||
    (confirmed !== undefined && confirmed !== plan.deletes)
  ) {
    const message =
      confirmed === undefined
        ? `this plan deletes ${plan.deletes} of the ${plan.liveCount} policies in the live org; nothing was applied. If that is meant, re-run with --confirm-deletes ${plan.deletes}.`
        : `this plan deletes ${plan.deletes} ${plan.deletes === 1 ? 'policy' : 'policies'}, not the ${confirmed} of --confirm-deletes; nothing was applied.`;
    if (github) forGithub(formatPlan(plan, { footer: false, org: label }) + impactText, { refused: message });
    else
      io.out(
        json
          ? planJson(io.version, plan, org.label, orgName, undefined, impact, message)
          : formatPlan(plan, { footer: false, org: label }) + impactText,
      );
    io.err(`policylens sync: ${message}\n`);
    return 1;
  }
  const planText = formatPlan(plan, { footer: false, org: label });
  if (!json) io.out(planText);
  const report = await applyPlan(plan, org);
  if (json)
    io.out(
      planJson(
        io.version,
        plan,
        org.label,
        orgName,
        report,
        impact,
        report.failed ? `${report.applied} applied, ${report.failed} not applied` : undefined,
      ),
    );
  else if (github) {
    const reportText = `\n${formatApplyReport(report)}`;
    forGithub(reportText, { report, summary: planText + reportText });
  } else io.out(`\n${formatApplyReport(report)}`);
  return report.failed > 0 || plan.problems.length > 0 ? 1 : 0;
}

/** Arguments up to a `--` (after it, `--exit-code` would be a path). */
const options = (argv: readonly string[]) => (argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv);

export const sync: Command = {
  name: 'sync',
  summary: 'plan (and with --apply, apply) the bundles against the live org',
  help: HELP,
  run,
  usageStatus: (argv) => (options(argv).includes('--exit-code') ? 1 : 2),
};
