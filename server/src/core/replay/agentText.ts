import type { AgentRest, AgentRow } from './types';

// The words for the agents a report does not list one by one (agents.ts), shared by the CLI's text
// report and the editor's affected events.

const n = (x: number) => x.toLocaleString('en');
const list = (t: Record<string, number>) =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${n(v)}`)
    .join(' · ');

/** What a row with `uncounted` adds to its counts, as the text reports print it. */
export function uncountedText(row: AgentRow): string {
  return row.uncounted ? ` (and up to ${n(row.uncounted)} before it was counted)` : '';
}

/** The line for the agents and changes the rows leave out (the CLI's report and the editor's). */
export function agentRestText(rest: AgentRest, listed: number): string {
  const more = Math.max(rest.agents - listed, 1);
  const changes = `${n(rest.changed)} change${rest.changed === 1 ? '' : 's'}`;
  if (!rest.estimated)
    return `… ${n(more)} more agent${more === 1 ? '' : 's'}: ${changes} (${list(rest.transitions)})`;
  // An estimate within about 2% is printed to three figures, not to the last agent.
  const about = more < 1000 ? more : Number(more.toPrecision(3));
  return (
    `… about ${n(about)} more agents: ${changes} not counted above (${list(rest.transitions)}); ` +
    `more than ${n(rest.tracked)} agents changed, so only the most changed are counted one by one ` +
    `and the number of agents is an estimate`
  );
}
