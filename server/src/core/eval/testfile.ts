import eventSchema from '../../../../schemas/policylens/event.schema.json';
import testSchema from '../../../../schemas/policylens/policytest.schema.json';
import { resolveProblem } from '../analyze';
import { capFindings, compareFindings, type Finding } from '../findings';
import {
  displayPath,
  locate,
  type AstNode,
  type ParsedDocument,
  type PathSegment,
  type StringNode,
} from '../parse';
import { renameOrRemoveKey, type Problem } from '../problem';
import { validatorFor, type SchemaObject } from '../schema/compile';
import { problemsFromErrors } from '../schema/problems';
import { nearest } from '../suggest';
import { SuggestIndex } from '../suggestIndex';
import type { CompiledPolicies } from './engine';
import { SENTINEL_CHECKS } from './sentinel-checks';
import { nearestHint } from './nameHint';

/** The lists of `expect` that name policies: the trace's names, as `policylens test` compares them. */
export const EXPECT_NAME_LISTS = ['fired', 'notFired', 'skipped'] as const;

/**
 * The names a test may expect to see in a trace: every policy the evaluator would list for these
 * policies. A Preloop tool the document does not list still gets a line (`doc: tool`, from
 * `defaults.unknown_tools`), so any name under a Preloop document's prefix is one.
 */
export interface ExpectableNames {
  names: string[];
  prefixes: string[];
}

/**
 * Looks names up among the expectable ones: whether a trace may carry a name, and the known names
 * nearest to one it may not (the did-you-mean of the editor's findings and of `policylens test`).
 */
export class ExpectableLookup {
  private readonly set: Set<string>;
  private index: SuggestIndex | undefined;

  constructor(private readonly known: ExpectableNames) {
    this.set = new Set(known.names);
  }

  /**
   * `tools`: the tools the case's events call. A Preloop document gives a tool it does not list a
   * line of its own (`doc: tool`), so such a name is one only for a tool the case calls: any name
   * under the prefix passed, and a misspelt tool in `notFired` passed whatever the policies did.
   */
  has(name: string, tools: ReadonlySet<string> = NO_TOOLS): boolean {
    if (this.set.has(name)) return true;
    return this.known.prefixes.some((p) => name.startsWith(p) && tools.has(name.slice(p.length)));
  }

  /**
   * A name under a Preloop document's prefix (`platform-ops: bsh`) is matched among that document's
   * own lines first: to the index, the document's name alone is a prefix of the input, as near as
   * the misspelt tool's line, and it came first.
   */
  nearest(name: string, count: number): string[] {
    const prefix = this.known.prefixes.find((p) => name.startsWith(p));
    if (prefix !== undefined) {
      let under = this.byPrefix.get(prefix);
      if (!under) {
        const tails = this.known.names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
        this.byPrefix.set(prefix, (under = new SuggestIndex(tails)));
      }
      const near = under.nearest(name.slice(prefix.length), count);
      if (near.length) return near.map((t) => prefix + t);
    }
    return (this.index ??= new SuggestIndex(this.known.names)).nearest(name, count);
  }

  private readonly byPrefix = new Map<string, SuggestIndex>();
}

const NO_TOOLS: ReadonlySet<string> = new Set();

export function expectableNames(compiled: CompiledPolicies): ExpectableNames {
  const names = compiled.execlave.map((p) => p.name);
  const prefixes: string[] = [];
  for (const doc of compiled.preloop) {
    names.push(doc.name, ...doc.tools.map((t) => `${doc.name}: ${t.name}`));
    names.push(...doc.modelIo.map((r) => `${doc.name}: model_io ${r.id}`));
    names.push(...doc.sensitive.map((r) => `${doc.name}: sensitive_data ${r.id}`));
    prefixes.push(`${doc.name}: `);
  }
  if (compiled.sentinel.length) names.push(...compiled.sentinel.map((p) => p.name), ...SENTINEL_CHECKS);
  return { names: [...new Set(names)], prefixes };
}

/**
 * The schema the editor navigates for completion and hover: the test schema with the event schema's
 * definitions in it, so that every `$ref` is local (the validator resolves the file reference itself).
 */
export const POLICY_TEST_SCHEMA: SchemaObject = (() => {
  const test = JSON.parse(JSON.stringify(testSchema)) as SchemaObject;
  const defs = test.$defs as Record<string, SchemaObject>;
  Object.assign(defs, JSON.parse(JSON.stringify((eventSchema as SchemaObject).$defs)) as SchemaObject);
  defs.step.$ref = '#/$defs/event';
  return test;
})();

const EVENT_FIELDS = Object.keys(
  ((eventSchema as SchemaObject).$defs as Record<string, SchemaObject>).event.properties as SchemaObject,
);

/** Whether a path (of a value, or of a list) is an `expect` list of policy names, at a case or a step. */
export function isExpectNamePath(path: readonly PathSegment[]): boolean {
  const at = path.indexOf('expect');
  if (at < 0 || path[0] !== 'cases' || typeof path[1] !== 'number') return false;
  const step = at === 2 || (at === 4 && path[2] === 'events' && typeof path[3] === 'number');
  const list = path[at + 1];
  const rest = path.length - at - 2;
  return (
    step &&
    typeof list === 'string' &&
    (EXPECT_NAME_LISTS as readonly string[]).includes(list) &&
    (rest === 0 || (rest === 1 && typeof path[at + 2] === 'number'))
  );
}

/** Every policy name an `expect` of the file lists, with its string node. */
export function expectNameSites(
  doc: ParsedDocument,
): { name: string; node: StringNode; tools: ReadonlySet<string> }[] {
  const out: { name: string; node: StringNode; tools: ReadonlySet<string> }[] = [];
  const cases = locate(doc.root, ['cases']);
  if (cases.depth !== 1 || cases.node?.type !== 'array') return out;
  const values = (doc.value as { cases?: unknown } | null)?.cases;
  const expects: { node: AstNode; tools: ReadonlySet<string> }[] = [];
  cases.node.items.forEach((_c, i) => {
    const tools = toolsOf(Array.isArray(values) ? values[i] : undefined);
    const one = locate(doc.root, ['cases', i, 'expect']);
    if (one.depth === 3 && one.node) expects.push({ node: one.node, tools });
    const events = locate(doc.root, ['cases', i, 'events']);
    if (events.depth === 3 && events.node?.type === 'array')
      events.node.items.forEach((_e, k) => {
        const step = locate(doc.root, ['cases', i, 'events', k, 'expect']);
        if (step.depth === 5 && step.node) expects.push({ node: step.node, tools });
      });
  });
  for (const e of expects)
    for (const list of EXPECT_NAME_LISTS) {
      const l = locate(e.node, [list]);
      if (l.depth !== 1 || l.node?.type !== 'array') continue;
      for (const item of l.node.items)
        if (item.type === 'string') out.push({ name: item.value, node: item, tools: e.tools });
    }
  return out;
}

/** The tool names a test case's event (or events) call. */
function toolsOf(testCase: unknown): ReadonlySet<string> {
  const tools = new Set<string>();
  const add = (event: unknown) => {
    const name = (event as { tool?: { name?: unknown } } | null)?.tool?.name;
    if (typeof name === 'string') tools.add(name);
  };
  const c = testCase as { event?: unknown; events?: unknown } | null;
  add(c?.event);
  if (Array.isArray(c?.events)) for (const e of c.events) add(e);
  return tools;
}

/** The problems of the test schema, with unknown event keys named against the event's fields. */
function schemaProblems(value: unknown): Problem[] {
  validatorFor(eventSchema as SchemaObject);
  const validate = validatorFor(testSchema as SchemaObject);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  validate.errors = null;
  const out: Problem[] = [];
  for (const e of errors) {
    if (e.keyword !== 'unevaluatedProperties') continue;
    // A step's keys are the event's fields plus `at` and `expect` (through a `$ref` that the
    // generic messages cannot see into): the nearest of them is proposed.
    const key = String((e.params as { unevaluatedProperty: string }).unevaluatedProperty);
    const path = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const data = (e.data ?? {}) as Record<string, unknown>;
    const near = nearest(
      key,
      [...EVENT_FIELDS, 'at', 'expect'].filter((k) => !(k in data)),
    );
    const where = displayPath(path);
    out.push({
      code: 'schema/unknown-key',
      severity: 'error',
      message: `${where ? `${where}: ` : ''}unknown key "${key}"${near.length ? `; did you mean "${near[0]}"?` : ''}`,
      path: [...path, key],
      target: 'key',
      fixes: renameOrRemoveKey(key, near),
    });
  }
  const rest = errors.filter((e) => e.keyword !== 'unevaluatedProperties');
  return [...out, ...problemsFromErrors(rest, testSchema as SchemaObject, value)];
}

/** What the file's cases run against, for the unknown-name check. */
export interface TestedPolicies {
  known: ExpectableNames;
  /** How the policies are described in messages: `../policies/chain (3 policies)`. */
  describe: string;
}

/**
 * The findings of a policy test file: its syntax, the test schema, a case with both or neither of
 * `event` and `events`, and (given the policies it runs against) every `expect` name that no
 * policy of them carries, with the nearest names as replacements.
 */
export function policyTestFindings(doc: ParsedDocument, tested?: TestedPolicies): Finding[] {
  const findings: Finding[] = [...doc.parseFindings];
  if (doc.value === undefined && findings.length) return findings;
  for (const p of schemaProblems(doc.value)) findings.push(resolveProblem(p, doc));
  const cases = (doc.value as { cases?: unknown } | null)?.cases;
  if (Array.isArray(cases))
    cases.forEach((c, i) => {
      if (!c || typeof c !== 'object' || Array.isArray(c)) return;
      const has = ['event', 'events'].filter((k) => k in c);
      if (has.length === 1) return;
      const finding = resolveProblem(
        {
          code: 'policytest/event-and-events',
          severity: 'error',
          message: `cases[${i}]: ${has.length ? 'has both "event" and "events"; keep one' : 'has no "event" (or "events") to run'}`,
          path: has.length ? ['cases', i, 'events'] : ['cases', i, 'name'],
          target: has.length ? 'key' : 'value',
        },
        doc,
      );
      findings.push(finding);
    });
  if (tested) findings.push(...unknownNames(doc, tested));
  return capFindings(findings.sort(compareFindings));
}

function unknownNames(doc: ParsedDocument, tested: TestedPolicies): Finding[] {
  const known = new ExpectableLookup(tested.known);
  const out: Finding[] = [];
  for (const { name, node, tools } of expectNameSites(doc)) {
    if (known.has(name, tools)) continue;
    const near = known.nearest(name, 3);
    const span = { start: node.offset, end: node.end };
    out.push({
      code: 'policytest/unknown-policy',
      severity: 'warning',
      message: `"${name}" is no policy of ${tested.describe}${nearestHint(name, near[0])}`,
      span,
      fixes: near.map((n, i) => ({
        title: `Change to "${n}"`,
        edits: [
          {
            ...span,
            newText: doc.language === 'json' || node.style !== 'plain' ? JSON.stringify(n) : quoteIfNeeded(n),
          },
        ],
        ...(i === 0 && near.length === 1 ? { isPreferred: true } : {}),
      })),
    });
  }
  return out;
}

/** A plain YAML scalar when the name reads back as the same string, else double-quoted. */
export function quoteIfNeeded(name: string): string {
  const plain = /^[A-Za-z_][\w .-]*$/.test(name) && !/[ .-]$/.test(name);
  return plain && !/^(true|false|null|yes|no|on|off)$/i.test(name) ? name : JSON.stringify(name);
}
