import type { PathSegment } from '../../parse/ast';
import type { FixSpec, Problem } from '../../problem';
import { pythonOnlyRegex, regexSyntaxError } from '../../regexDialect';
import { hasNestedQuantifier } from '../../regexRisk';
import { nearest } from '../../suggest';
import { SuggestIndex } from '../../suggestIndex';
import { get, isObj, show, strings, type Layout } from './view';

/** The keywords of a property that the SDK's constraint checker reads; others are ignored. */
const PROPERTY_KEYWORDS = ['type', 'minimum', 'maximum', 'enum', 'pattern'];
const CONSTRAINT_KEYWORDS = ['required', 'properties'];

/** An action both allowed and denied: the SDK checks the deny list first, so deny wins. */
function overlap(doc: unknown, layout: Layout): Problem[] {
  const allowed = get(doc, layout.allowed_actions);
  const denied = get(doc, layout.denied_actions);
  const out: Problem[] = [];
  if (!Array.isArray(denied)) return out;
  // The first position of each allowed action (in the list as written, where the fix removes it):
  // a lookup per denied one, not a scan.
  const first = new Map<string, number>();
  if (Array.isArray(allowed))
    allowed.forEach((a, k) => typeof a !== 'string' || first.has(a) || first.set(a, k));
  denied.forEach((a, j) => {
    const k = typeof a === 'string' ? first.get(a) : undefined;
    if (k === undefined) return;
    out.push({
      code: 'agentsentinel/allowed-and-denied',
      severity: 'warning',
      message: `"${a}" is both in ${show(layout.allowed_actions)} and in ${show(layout.denied_actions)}; the deny list is checked first, so it is denied`,
      path: [...layout.denied_actions, j],
      target: 'value',
      fixes: [
        {
          kind: 'composite',
          title: `Remove "${a}" from ${show(layout.allowed_actions)}`,
          steps: [{ path: [...layout.allowed_actions, k], fix: { kind: 'removeItem' } }],
        },
        { kind: 'removeItem', title: `Remove "${a}" from ${show(layout.denied_actions)}` },
      ],
    });
  });
  return out;
}

/** Every action name some list or per-action map of the policy declares. */
export function declaredActions(doc: unknown, layout: Layout): string[] {
  const names = new Set<string>();
  for (const p of [
    layout.denied_actions,
    layout.allowed_actions,
    layout.commit_actions,
    layout.evidence_actions,
    layout.approval_actions,
  ])
    if (p) for (const a of strings(get(doc, p))) names.add(a);
  for (const p of [layout.rate_limits, layout.action_budgets, layout.argument_constraints]) {
    const m = get(doc, p);
    if (isObj(m)) for (const a of Object.keys(m)) names.add(a);
  }
  return [...names];
}

function undeclared(doc: unknown, layout: Layout): Problem[] {
  const declared = declaredActions(doc, layout);
  const known = new Set(declared);
  // Built by the first undeclared name: a policy of n actions that names n undeclared ones asks n
  // questions of the same list (n = 5,000 took lint 129 s when each compared itself with every name).
  let index: SuggestIndex | undefined;
  const out: Problem[] = [];
  const check = (name: string, path: PathSegment[], target: 'key' | 'value', role: string) => {
    if (known.has(name)) return;
    const near = (index ??= new SuggestIndex(declared)).nearest(name);
    const fixes: FixSpec[] =
      target === 'value'
        ? near.map((n, i) => ({
            kind: 'replaceValue',
            value: n,
            title: `Replace with "${n}"`,
            preferred: i === 0,
          }))
        : near.map((n, i) => ({ kind: 'renameKey', to: n, title: `Rename to "${n}"`, preferred: i === 0 }));
    out.push({
      code: 'agentsentinel/undeclared-action',
      severity: 'warning',
      message: `${role} "${name}" is not declared by any action list (${show(layout.commit_actions)}, ${show(layout.evidence_actions)}, ${show(layout.denied_actions)}, …)${near.length ? `; did you mean "${near[0]}"?` : ''}`,
      path,
      target,
      ...(fixes.length ? { fixes } : {}),
    });
  };
  const req = get(doc, layout.evidence_requirements);
  if (isObj(req))
    for (const [action, prior] of Object.entries(req)) {
      check(action, [...layout.evidence_requirements, action], 'key', 'action');
      if (Array.isArray(prior))
        prior.forEach((p, i) => {
          if (typeof p === 'string')
            check(p, [...layout.evidence_requirements, action, i], 'value', 'required prior action');
        });
    }
  const ages = get(doc, layout.evidence_max_age_seconds);
  if (isObj(ages))
    for (const action of Object.keys(ages))
      check(action, [...layout.evidence_max_age_seconds, action], 'key', 'action');
  const grounding = get(doc, layout.grounding_rules);
  if (isObj(grounding))
    for (const [action, fields] of Object.entries(grounding)) {
      check(action, [...layout.grounding_rules, action], 'key', 'action');
      if (isObj(fields))
        for (const [field, rule] of Object.entries(fields))
          if (isObj(rule) && typeof rule.source_action === 'string')
            check(
              rule.source_action,
              [...layout.grounding_rules, action, field, 'source_action'],
              'value',
              'source action',
            );
    }
  return out;
}

/** `argument_constraints` keywords the SDK's built-in checker does not read. */
function constraints(doc: unknown, layout: Layout): Problem[] {
  const out: Problem[] = [];
  const all = get(doc, layout.argument_constraints);
  if (!isObj(all)) return out;
  const ignored = (path: PathSegment[], key: string, supported: string[]): Problem => ({
    code: 'agentsentinel/unsupported-constraint',
    severity: 'warning',
    message: `"${key}" is ignored: the SDK's argument checker supports only ${supported.join(', ')}${nearest(key, supported).length ? `; did you mean "${nearest(key, supported)[0]}"?` : ''}`,
    path,
    target: 'key',
    fixes: [
      ...nearest(key, supported).map((n) => ({
        kind: 'renameKey' as const,
        to: n,
        title: `Rename "${key}" to "${n}"`,
      })),
      { kind: 'removeKey', title: `Remove "${key}"` },
    ],
  });
  for (const [action, c] of Object.entries(all)) {
    if (!isObj(c)) continue;
    const base = [...layout.argument_constraints, action];
    for (const k of Object.keys(c))
      if (!CONSTRAINT_KEYWORDS.includes(k)) out.push(ignored([...base, k], k, CONSTRAINT_KEYWORDS));
    if (!isObj(c.properties)) continue;
    for (const [field, spec] of Object.entries(c.properties)) {
      if (!isObj(spec)) continue;
      for (const k of Object.keys(spec))
        if (!PROPERTY_KEYWORDS.includes(k))
          out.push(ignored([...base, 'properties', field, k], k, PROPERTY_KEYWORDS));
      const invalid =
        typeof spec.pattern === 'string' && !pythonOnlyRegex(spec.pattern)
          ? regexSyntaxError(spec.pattern)
          : undefined;
      if (invalid !== undefined)
        out.push({
          code: 'agentsentinel/invalid-pattern',
          severity: 'error',
          message: `the pattern of "${field}" is not a valid regular expression: ${invalid}. The SDK's re.search cannot compile it, so the constraint cannot be checked (Policy Lens's eval skips it and says so)`,
          path: [...base, 'properties', field, 'pattern'],
          target: 'value',
        });
      else if (typeof spec.pattern === 'string' && hasNestedQuantifier(spec.pattern))
        out.push({
          code: 'agentsentinel/pattern-backtracking',
          severity: 'warning',
          message: `the pattern of "${field}" has a nested quantifier (a quantified group containing a quantifier, like (a+)+): the SDK matches it with Python's re, which can take exponential time on a crafted value`,
          path: [...base, 'properties', field, 'pattern'],
          target: 'value',
        });
      if (typeof spec.minimum === 'number' && typeof spec.maximum === 'number' && spec.minimum > spec.maximum)
        out.push({
          code: 'agentsentinel/empty-range',
          severity: 'warning',
          message: `${spec.minimum} is greater than maximum ${spec.maximum}: every value of "${field}" is rejected`,
          path: [...base, 'properties', field, 'minimum'],
          target: 'value',
        });
    }
  }
  return out;
}

/** A rate limit without `max_count`: the SDK then allows 999999 calls per window. */
function rateLimits(doc: unknown, layout: Layout): Problem[] {
  const limits = get(doc, layout.rate_limits);
  if (!isObj(limits)) return [];
  return Object.entries(limits)
    .filter(([, l]) => isObj(l) && !('max_count' in l))
    .map(([action]) => ({
      code: 'agentsentinel/rate-limit-without-max',
      severity: 'warning' as const,
      message: `"${action}" has no max_count: the SDK then allows 999999 calls per window, which limits nothing`,
      path: [...layout.rate_limits, action],
      target: 'key' as const,
      fixes: [
        {
          kind: 'composite' as const,
          title: 'Add max_count',
          preferred: true,
          steps: [
            {
              path: [...layout.rate_limits, action],
              fix: { kind: 'addKeys' as const, entries: [['max_count', 10]] as [string, unknown][] },
            },
          ],
        },
      ],
    }));
}

/**
 * `allowed_actions: []`: in callguard.yaml an allowlist of nothing, which refuses every action; in
 * a platform policy no allowlist at all (only a non-empty list turns allowlist mode on), which
 * allows every action that is not denied. Neither is what an empty list seems to say.
 */
function emptyAllowlist(doc: unknown, layout: Layout): Problem[] {
  const allowed = get(doc, layout.allowed_actions);
  if (!Array.isArray(allowed) || allowed.length) return [];
  return [
    {
      code: 'agentsentinel/empty-allowlist',
      severity: 'warning',
      message: layout.emptyAllowlistBlocks
        ? `an empty list: callguard.yaml's loader turns allowlist mode on whenever the key is present, so every action is refused ("Action '<a>' is not on the allowed list. Permitted: []"). List the actions to allow, or remove the key to allow every action that is not denied.`
        : `an empty list: the platform turns allowlist mode on only for a non-empty list, so this allows every action that is not denied. List the actions to allow; to refuse everything, list the actions in denied_actions or use the kill switch.`,
      path: layout.allowed_actions,
      target: 'value',
    },
  ];
}

/** Rules that hold for the platform policy and for callguard.yaml alike. */
export function sharedProblems(doc: unknown, layout: Layout): Problem[] {
  return [
    ...emptyAllowlist(doc, layout),
    ...overlap(doc, layout),
    ...rateLimits(doc, layout),
    ...undeclared(doc, layout),
    ...constraints(doc, layout),
  ];
}
