import { isObj, strings, type EventContext } from './context';
import { detectable, detectPii, maskPii, type PiiMatch } from './pii';
import {
  actionEntry,
  effectOf,
  ERROR_ASSUMPTION,
  firstMatch,
  workflowNote,
  type Emit,
} from './preloop-actions';
import { BUILTIN_TYPES, type CompiledPreloop } from './preloop-compile';
import { noneNote } from './preloop-conditions';
import type { TraceEntry } from './types';

/**
 * What a scan for `types` finds in a text: Preloop's built-in types by the built-in detectors (the
 * others it names come from `signals.pii`), custom patterns and keyword lists by their own
 * detectors. A type the document does not know (Preloop refuses it) finds nothing, not even from
 * a signal: `ssn` is Execlave's type, not Preloop's, and has no detector here.
 */
function piiOf(
  doc: CompiledPreloop,
  text: string,
  types: readonly string[],
  ctx: EventContext,
): { found: boolean; types_found: string[] } {
  const known = types.filter((t) => doc.knownTypes.has(t));
  const builtin = known.filter((t) => BUILTIN_TYPES.includes(t));
  const found = new Set(detectPii(text, builtin.filter(detectable)).map((m) => m.type));
  for (const c of doc.custom) if (known.includes(c.name) && c.find(text)) found.add(c.name);
  const fromSignals = builtin.filter((t) => !detectable(t));
  const s = isObj(ctx.event.signals) ? ctx.event.signals.pii : undefined;
  for (const t of isObj(s) ? strings(s.types_found) : strings(s)) if (fromSignals.includes(t)) found.add(t);
  return { found: found.size > 0, types_found: [...found] };
}

/** The trace's note on the types of a list that the document does not know. */
function unknownNote(doc: CompiledPreloop, types: readonly string[]): string | undefined {
  const unknown = [...new Set(types.filter((t) => !doc.knownTypes.has(t)))];
  return unknown.length
    ? `unknown PII type${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: Preloop refuses this document; nothing is detected for ${unknown.length > 1 ? 'them' : 'it'}`
    : undefined;
}

export function evaluateModelIo(doc: CompiledPreloop, ctx: EventContext, emit: Emit): string | undefined {
  const e = ctx.event;
  let workflow: string | undefined;
  for (const rule of doc.modelIo) {
    const text =
      rule.target === 'model.request'
        ? e.request?.text
        : rule.target === 'model.response'
          ? e.response?.text
          : undefined;
    const policy = `${doc.name}: model_io ${rule.id}`;
    if (!rule.enabled) {
      emit({ policy, type: 'model_io', status: 'not applicable', reason: 'disabled' });
      continue;
    }
    if (text === undefined) {
      emit({ policy, type: 'model_io', status: 'not applicable', reason: `the event has no ${rule.target}` });
      continue;
    }
    // A detector the rule does not switch on produces nothing, whatever the event's signals say
    // (lint: preloop/detector-not-configured).
    const all = isObj(e.signals) ? e.signals : {};
    const signals = {
      ...(rule.injection ? { injection: all.injection } : {}),
      ...(rule.moderation ? { moderation: all.moderation } : {}),
    };
    const score =
      typeof signals.injection === 'number'
        ? signals.injection
        : isObj(signals.injection)
          ? signals.injection.score
          : 0;
    const vars = {
      model: isObj(e.model) ? e.model : {},
      session: { id: e.session_id ?? '' },
      request: { text: e.request?.text ?? '' },
      response: { text: e.response?.text ?? '' },
      pii: piiOf(doc, text, rule.piiTypes ?? [], ctx),
      injection: {
        score: typeof score === 'number' ? score : 0,
        matched_patterns: isObj(signals.injection) ? strings(signals.injection.matched_patterns) : [],
      },
      moderation: isObj(signals.moderation)
        ? signals.moderation
        : { flagged: signals.moderation === true, categories: [] },
    };
    const hit = firstMatch(rule.conditions, vars);
    const off = [rule.injection ? '' : 'injection', rule.moderation ? '' : 'moderation'].filter(Boolean);
    const assumption = [
      hit.error ? `${ERROR_ASSUMPTION}: ${hit.error}` : undefined,
      noneNote(hit.notes),
      unknownNote(doc, rule.piiTypes ?? []),
      'injection and moderation verdicts come from signals (score 0 and not flagged without one)',
      off.length ? `detectors.${off.join(' and detectors.')} not on: no verdict` : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (!hit.cond) {
      emit({ policy, type: 'model_io', status: 'passed', message: 'no condition matched', assumption });
      continue;
    }
    const extra: Partial<TraceEntry> = { assumption };
    workflow = actionEntry(emit, doc, policy, 'model_io', hit.cond, rule.workflow, extra) ?? workflow;
  }
  return workflow;
}

/** The texts a sensitive_data rule scans, by its `on` targets. */
function textsOn(ctx: EventContext, on: readonly string[]): [string, string][] {
  const e = ctx.event;
  const out: [string, string][] = [];
  const flat = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  if (on.includes('tool.args') && e.tool?.arguments)
    out.push(['tool.args', Object.values(e.tool.arguments).map(flat).join('\n')]);
  if (on.includes('tool.result') && e.tool?.result !== undefined)
    out.push(['tool.result', flat(e.tool.result)]);
  if (on.includes('model.request') && e.request?.text !== undefined)
    out.push(['model.request', e.request.text]);
  if (on.includes('model.response') && e.response?.text !== undefined)
    out.push(['model.response', e.response.text]);
  return out;
}

/**
 * The MCP server of the event's tool call, lower-cased (Preloop matches server names
 * case-insensitively): the event's `tool.source`, else the `source` of the tool's declaration in
 * this document or another one of the run. `builtin` tools belong to the pseudo-server
 * `preloop-mcp`. A generic `mcp` source, or a tool no document declares and the event does not
 * place, has an unknown server.
 */
function serverOf(
  doc: CompiledPreloop,
  ctx: EventContext,
): { server?: string; from: string } | { unknown: string } {
  const call = ctx.event.tool;
  if (!call || typeof call.name !== 'string') return { from: 'no tool call' };
  const declared = doc.tools.find((t) => t.name === call.name) ?? doc.set.tools.get(call.name)?.tool;
  const fromEvent = typeof call.source === 'string' && call.source !== '';
  const raw = fromEvent ? call.source : declared?.source;
  const from = fromEvent ? "the event's tool.source" : 'its declaration';
  if (raw === undefined)
    return {
      unknown: `the server of "${call.name}" is unknown (no tool.source in the event, no declaration)`,
    };
  const source = raw.toLowerCase();
  if (source === 'mcp') return { unknown: `"${call.name}" names no MCP server (source: mcp)` };
  return { server: source === 'builtin' ? 'preloop-mcp' : source, from };
}

export function evaluateSensitive(doc: CompiledPreloop, ctx: EventContext, emit: Emit): string | undefined {
  let workflow: string | undefined;
  for (const rule of doc.sensitive) {
    const policy = `${doc.name}: sensitive_data ${rule.id}`;
    const type = 'sensitive_data';
    if (!rule.enabled) {
      emit({ policy, type, status: 'not applicable', reason: 'disabled' });
      continue;
    }
    const { agents, tools, servers } = rule.scope;
    let serverAssumption: string | undefined;
    if (agents.length && !agents.includes(ctx.agentId ?? '')) {
      emit({ policy, type, status: 'not applicable', reason: `scope: agent not in ${agents.join(', ')}` });
      continue;
    }
    if (tools.length && !tools.includes(ctx.event.tool?.name ?? '')) {
      emit({ policy, type, status: 'not applicable', reason: `scope: tool not in ${tools.join(', ')}` });
      continue;
    }
    if (servers.length) {
      const where = serverOf(doc, ctx);
      const wanted = servers.map((s) => s.toLowerCase());
      if ('unknown' in where)
        serverAssumption = `${where.unknown}: the servers scope is read as matching (fail-closed)`;
      else if (!where.server || !wanted.includes(where.server)) {
        const got = where.server ? `server "${where.server}" (${where.from})` : 'no tool call';
        emit({
          policy,
          type,
          status: 'not applicable',
          reason: `scope: ${got} not in ${servers.join(', ')}`,
        });
        continue;
      }
    }
    const texts = textsOn(ctx, rule.on);
    if (!texts.length) {
      emit({ policy, type, status: 'not applicable', reason: `the event has none of ${rule.on.join(', ')}` });
      continue;
    }
    const types = rule.types ?? doc.sensitiveTypes ?? BUILTIN_TYPES;
    const builtin = types.filter((t) => BUILTIN_TYPES.includes(t));
    const undetectable = builtin.filter((t) => !detectable(t));
    const found: string[] = [];
    const masked: Record<string, string> = {};
    for (const [where, text] of texts) {
      const matches: PiiMatch[] = detectPii(text, builtin);
      for (const m of matches) found.push(`${where}: ${m.type}`);
      for (const c of doc.custom)
        if (types.includes(c.name) && c.find(text)) found.push(`${where}: ${c.name}`);
      if (rule.action === 'redact' && matches.length) masked[where] = maskPii(text, matches);
      const s = isObj(ctx.event.signals) ? ctx.event.signals.pii : undefined;
      for (const t of isObj(s) ? strings(s.types_found) : strings(s))
        if (undetectable.includes(t)) found.push(`${where}: ${t} (signal)`);
    }
    const assumption =
      [
        serverAssumption,
        undetectable.length
          ? `no built-in detector for ${undetectable.join(', ')}; read from signals.pii`
          : undefined,
        unknownNote(doc, types),
      ]
        .filter(Boolean)
        .join('; ') || undefined;
    const extra = assumption ? { assumption } : {};
    if (!found.length) {
      emit({
        policy,
        type,
        status: 'passed',
        message: `nothing sensitive in ${texts.map(([w]) => w).join(', ')}`,
        ...extra,
      });
      continue;
    }
    const effect = effectOf(rule.action) ?? 'warn';
    const details: Record<string, unknown> = {
      ...(Object.keys(masked).length ? { redacted: masked } : {}),
      ...(rule.action === 'require_approval' ? workflowNote(doc, rule.workflow) : {}),
    };
    emit({
      policy,
      type,
      status: 'fired',
      effect,
      message: `found ${found.join(', ')} → ${rule.action}`,
      ...extra,
      ...(Object.keys(details).length ? { details } : {}),
    });
    if (rule.action === 'require_approval') workflow = rule.workflow ?? workflow;
  }
  return workflow;
}
