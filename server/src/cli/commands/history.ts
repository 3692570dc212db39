import { parseArgs } from 'node:util';
import {
  diffValues,
  formatChange,
  LiveOrgError,
  printable,
  type AuditVerification,
  type LiveHistoryEvent,
  type LiveOrg,
} from '../../core/index';
import { HttpLiveOrg, requestOptionsFromEnv, resolveLiveConfig } from '../../live/index';
import { UsageError } from '../files';
import type { Command, CommandIO } from './types';

export const HELP = `Usage: policylens history <name|id> [--verify] [--format text|json] [--url URL]

Prints the version history of one live policy, oldest first: each event with its actor, time and
field diff (GET /api/v1/policies/:id/history). A name is looked up in the live org; an id also works
for a policy that has since been deleted.

  --verify      also check the org's tamper-evident audit chain (exit 1 when it is broken)
  --format      text (default) or json
  --url URL     the live org's API (else POLICYLENS_API_URL or EXECLAVE_BASE_URL)`;

/** The live id for a name or an id: names first, because a name is what a bundle shows. */
export async function resolvePolicyId(
  org: LiveOrg,
  nameOrId: string,
): Promise<{ id: string; name?: string }> {
  const policies = await org.listPolicies();
  const byName = policies.find((p) => p.name === nameOrId);
  if (byName) return { id: byName.id, name: byName.name };
  const byId = policies.find((p) => p.id === nameOrId);
  return { id: nameOrId, ...(byId ? { name: byId.name } : {}) };
}

/** The diff of one event, field by field; nested objects are expanded into their changed paths. */
export function eventChanges(event: LiveHistoryEvent): string[] {
  if (!event.diff) return [];
  return Object.entries(event.diff).flatMap(([field, d]) =>
    diffValues(d?.from ?? undefined, d?.to ?? undefined, [field]).map(formatChange),
  );
}

export function formatHistory(label: string, events: LiveHistoryEvent[]): string {
  // Everything but the layout comes from the server and the policies: each field is escaped.
  const lines = [`History of ${printable(label)}, oldest first:`];
  const actor = (e: LiveHistoryEvent) => printable(String(e.actorId));
  const actorWidth = Math.max(5, ...events.map((e) => actor(e).length));
  for (const e of events) {
    const version = e.version !== undefined ? printable(`v${e.version}`) : '  ';
    lines.push(
      `  ${version.padEnd(4)} ${printable(String(e.changedAt))}  ${actor(e).padEnd(actorWidth)}  ${printable(String(e.eventType))}`,
    );
    for (const c of eventChanges(e)) lines.push(`         ${printable(c)}`);
  }
  if (!events.length) lines.push('  (no events)');
  return `${lines.join('\n')}\n`;
}

export function formatVerification(v: AuditVerification): string {
  if (v.ok)
    return `✓ audit chain intact: ${v.checked} event${v.checked === 1 ? '' : 's'} checked${
      v.head ? ` (head seq ${v.head.seq}, hash ${v.head.hash.slice(0, 12)}…)` : ''
    }\n`;
  const b = v.firstBroken;
  return printable(
    `✗ audit chain broken${b ? ` at seq ${b.seq}${b.eventType ? ` (${b.eventType}${b.policyId ? ` of ${b.policyId}` : ''})` : ''}: ${b.reason}` : ''}`,
  ).concat('\n');
}

async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      verify: { type: 'boolean', default: false },
      format: { type: 'string', default: 'text' },
      url: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('history needs exactly one policy name or id');
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError(`unknown format "${values.format}" (text or json)`);
  try {
    const org = new HttpLiveOrg(
      resolveLiveConfig({ url: values.url }, process.env),
      requestOptionsFromEnv(process.env),
    );
    const { id, name } = await resolvePolicyId(org, positionals[0]);
    let events: LiveHistoryEvent[];
    try {
      events = await org.history(id);
    } catch (e) {
      if (e instanceof LiveOrgError && e.kind === 'not-found') {
        io.err(
          `policylens history: no policy named or with id "${printable(positionals[0])}" in ${printable(org.label)}\n`,
        );
        return 1;
      }
      throw e;
    }
    const verification = values.verify ? await org.verifyAudit() : undefined;
    if (values.format === 'json') {
      io.out(
        `${JSON.stringify({ id, ...(name ? { name } : {}), events, ...(verification ? { verification } : {}) }, null, 2)}\n`,
      );
    } else {
      io.out(formatHistory(name ? `${JSON.stringify(name)} (${id})` : id, events));
      if (verification) io.out(formatVerification(verification));
    }
    return verification && !verification.ok ? 1 : 0;
  } catch (e) {
    if (e instanceof LiveOrgError) {
      io.err(`policylens history: ${printable(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

export const history: Command = {
  name: 'history',
  summary: 'the version history of a live policy (--verify checks the audit chain)',
  help: HELP,
  run,
};
