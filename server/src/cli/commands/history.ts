import { parseArgs } from 'node:util';
import {
  columnWidth,
  diffValues,
  formatChange,
  historyActor,
  idKey,
  LiveOrgError,
  looksLikeId,
  printable,
  type AuditVerification,
  type LiveHistoryEvent,
  type LiveOrg,
} from '../../core/index';
import { HttpLiveOrg, requestOptionsFromEnv, resolveLiveConfig } from '../../live/index';
import { UsageError } from '../files';
import { projectFor } from '../project';
import { toJson } from '../report/json';
import { checkChoice } from '../usage';
import type { Command, CommandIO } from './types';

export const HELP = `Usage: policylens history <name|id> [--verify] [--format text|json] [--url URL]
                         [--config FILE]
       policylens history --verify [--expect-head HASH] [--format text|json] [--url URL]
                         [--config FILE]

Prints the version history of one live policy, oldest first: each event with its actor, time and
field diff (GET /api/v1/policies/:id/history). A name is looked up in the live org; an id also works
for a policy that has since been deleted.

  --verify      also check the org's tamper-evident audit chain, and that every live policy is
                what its last audit event says (exit 1 when not); prints the chain's head hash
  --expect-head HASH
                a head hash printed by an earlier --verify (publish it, e.g. in CI logs): exit 1
                unless that event is still in the intact chain (a truncated or recomputed chain
                loses it)
  --format      text (default) or json
  --url URL     the live org's API (else POLICYLENS_API_URL or EXECLAVE_BASE_URL, else the
                live.url of the policylens.config.yaml nearest the working directory)
  --config FILE the project config to read live.url from instead of the nearest one`;

/** The live id for a name or an id: names first, because a name is what a bundle shows. */
export async function resolvePolicyId(
  org: LiveOrg,
  nameOrId: string,
): Promise<{ id: string; name?: string }> {
  const policies = await org.listPolicies();
  const byName = policies.find((p) => p.name === nameOrId);
  if (byName) return { id: byName.id, name: byName.name };
  const byId = policies.find((p) => idKey(p.id) === idKey(nameOrId));
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
  const actor = (e: LiveHistoryEvent) => printable(historyActor({ ...e, actorId: String(e.actorId) }));
  const actorWidth = Math.max(5, columnWidth(events.map(actor)));
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
  const lines: string[] = [];
  // The whole head hash: it is what a reader keeps (e.g. from CI logs) for --expect-head.
  const head = v.head ? ` (head seq ${v.head.seq}, hash ${v.head.hash})` : '';
  const b = v.firstBroken;
  if (b || (!v.ok && !v.live?.mismatched))
    lines.push(
      `✗ audit chain broken${b ? ` at seq ${b.seq}${b.eventType ? ` (${b.eventType}${b.policyId ? ` of ${b.policyId}` : ''})` : ''}: ${b.reason}` : ''}`,
    );
  else lines.push(`✓ audit chain intact: ${v.checked} event${v.checked === 1 ? '' : 's'} checked${head}`);
  if (v.live?.mismatched) {
    lines.push(
      `✗ ${v.live.mismatched} live polic${v.live.mismatched === 1 ? 'y is' : 'ies are'} not what the audit log says:`,
    );
    for (const m of v.live.mismatches)
      lines.push(`    ${m.name !== undefined ? `${m.name} (${m.policyId})` : m.policyId}: ${m.reason}`);
  }
  if (v.expectedHead)
    lines.push(
      v.expectedHead.found
        ? `✓ expected head ${v.expectedHead.hash} is in the chain (seq ${v.expectedHead.seq})`
        : `✗ expected head ${v.expectedHead.hash} is not in the intact chain: it was truncated or rewritten`,
    );
  return `${lines.map(printable).join('\n')}\n`;
}

/** Whether a verification passes: chain intact, live state as audited, expected head present. */
export function verificationPassed(v: AuditVerification): boolean {
  return v.ok && (v.expectedHead === undefined || v.expectedHead.found);
}

async function run(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      verify: { type: 'boolean', default: false },
      'expect-head': { type: 'string' },
      format: { type: 'string', default: 'text' },
      url: { type: 'string' },
      config: { type: 'string' },
    },
  });
  // A hash is a hash whatever the case of its hex digits (a head copied from a tool that prints
  // them upper-case was refused: a field test).
  const expectHead = values['expect-head']?.toLowerCase();
  if (expectHead !== undefined && !values.verify) throw new UsageError('--expect-head needs --verify');
  if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead))
    throw new UsageError('--expect-head needs a whole event hash (64 hex digits, as --verify prints it)');
  if (positionals.length > 1 || (positionals.length === 0 && !values.verify))
    throw new UsageError('history needs exactly one policy name or id (or only --verify)');
  checkChoice('format', values.format, ['text', 'json']);
  try {
    const org = new HttpLiveOrg(
      // As sync and chain do: the project's config names the org when neither --url nor the
      // environment does. history takes no path, so the project is the working directory's.
      resolveLiveConfig(
        { url: values.url, configUrl: projectFor('.', values.config).config.config.live?.url },
        process.env,
      ),
      requestOptionsFromEnv(process.env),
    );
    if (positionals.length === 0) {
      const verification = await org.verifyAudit({ expectHead });
      io.out(
        values.format === 'json' ? toJson(io.version, { verification }) : formatVerification(verification),
      );
      return verificationPassed(verification) ? 0 : 1;
    }
    const { id, name } = await resolvePolicyId(org, positionals[0]);
    let events: LiveHistoryEvent[];
    try {
      events = await org.history(id);
    } catch (e) {
      if (e instanceof LiveOrgError && e.kind === 'not-found') {
        // A deleted policy has left the list that names resolve against; its history is kept by id.
        const asked = printable(positionals[0]);
        io.err(
          looksLikeId(positionals[0])
            ? `policylens history: no policy with id "${asked}" in ${printable(org.label)}\n`
            : `policylens history: no live policy named "${asked}" in ${printable(org.label)}; the history of a deleted policy is read by its id (sync --prune printed it as it deleted the policy)\n`,
        );
        return 1;
      }
      throw e;
    }
    const verification = values.verify ? await org.verifyAudit({ expectHead }) : undefined;
    if (values.format === 'json') {
      io.out(
        toJson(io.version, {
          id,
          ...(name ? { name } : {}),
          events,
          ...(verification ? { verification } : {}),
        }),
      );
    } else {
      io.out(formatHistory(name ? `${JSON.stringify(name)} (${id})` : id, events));
      if (verification) io.out(formatVerification(verification));
    }
    return verification && !verificationPassed(verification) ? 1 : 0;
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
