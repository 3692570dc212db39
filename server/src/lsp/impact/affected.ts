/**
 * "Show affected events": the events whose decision one pending change alters, as data and as the
 * text of a read-only document (event line, agent, before → after, the deciding policies).
 */
import { agentRestText, printable, uncountedText } from '../../core/index';
import {
  impactTitle,
  type AffectedEvent,
  type AffectedEvents,
  type PlanAction,
  type WorkspacePlan,
} from '../../protocol/index';
import type { StepImpact } from './impacts';

const SIGN: Record<PlanAction, string> = { create: '+', update: '~', delete: '-', 'no-op': '=' };

const list = (names: string[]) => (names.length ? names.map((n) => printable(n)).join(', ') : '—');

export function affectedEvents(
  name: string,
  action: PlanAction,
  files: string[],
  org: string,
  step: StepImpact,
): AffectedEvents {
  const { impact, report } = step;
  const events: AffectedEvent[] = [];
  for (const t of report?.transitions ?? [])
    for (const e of t.examples)
      events.push({
        ...(e.file !== undefined ? { file: e.file } : {}),
        line: e.line,
        ...(e.agent !== undefined ? { agent: e.agent } : {}),
        before: t.from,
        after: t.to,
        beforePolicies: e.baseline,
        afterPolicies: e.current,
      });
  events.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.line - b.line);

  const out = [
    `${SIGN[action]} ${action} "${printable(name)}": affected events`,
    `Recorded events: ${files.map((f) => printable(f)).join(', ')}`,
    `Replayed through ${printable(org)} as it is, and with this change alone.`,
    '',
  ];
  if (impact.state !== 'ok' || !report) {
    out.push(
      impact.state === 'computing'
        ? 'The replay is still running; show the events again in a moment.'
        : impactTitle(impact),
    );
    return { state: impact.state, name, impact, events, text: out.join('\n') + '\n' };
  }
  out.push(`${impactTitle(impact)} · ${report.changed} of ${report.replayed} events change decision`, '');
  for (const t of report.transitions) {
    out.push(
      `${t.key}  ${t.count}${t.count > t.examples.length ? ` (the first ${t.examples.length} below)` : ''}`,
    );
    for (const e of t.examples)
      out.push(
        `  ${printable(`${e.file ?? ''}:${e.line}`)}  ${printable(e.agent ?? '(no agent)')}  ${t.from} (${list(e.baseline)}) → ${t.to} (${list(e.current)})`,
      );
    out.push('');
  }
  if (report.byAgent.length) {
    out.push('By agent:');
    for (const a of report.byAgent)
      out.push(
        `  ${printable(a.agent)}  ${Object.entries(a.transitions)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · ')}${uncountedText(a)}`,
      );
    if (report.byAgentRest) out.push(`  ${agentRestText(report.byAgentRest, report.byAgent.length)}`);
    out.push('');
  }
  const bad = Object.values(report.findingCounts).reduce((a, b) => a + b, 0);
  if (bad) {
    out.push(`${bad} line${bad === 1 ? '' : 's'} with findings:`);
    for (const f of report.findings.slice(0, 20))
      out.push(`  ${printable(`${f.file ?? ''}:${f.line}`)}  ${printable(f.message)} [${f.code}]`);
    out.push('');
  }
  if (!report.changed) out.push('No recorded event changes decision.');
  return { state: 'ok', name, impact, events, text: out.join('\n').trimEnd() + '\n' };
}

/** The protocol's plan with each pending entry's impact, and the events it replays. */
export function withImpacts(
  plan: WorkspacePlan,
  files: string[] | undefined,
  impacts: Map<string, StepImpact> | undefined,
): WorkspacePlan {
  if (!files || !impacts) return plan;
  return {
    ...plan,
    events: files,
    entries: plan.entries.map((e) => {
      const i = impacts.get(e.name);
      return i ? { ...e, impact: i.impact } : e;
    }),
  };
}
