import eventSchema from '../../../../schemas/policylens/event.schema.json';
import testSchema from '../../../../schemas/policylens/policytest.schema.json';
import type { ErrorObject } from 'ajv/dist/2020';
import { displayPath, locate, type ParsedDocument } from '../parse';
import { nearest } from '../suggest';
import { validatorFor, type SchemaObject } from '../schema/compile';
import { problemsFromErrors } from '../schema/problems';
import { strings } from './context';
import { evaluate, type CompiledPolicies } from './engine';
import { emptyState } from './state';
import { EXPECT_NAME_LISTS, ExpectableLookup, expectableNames } from './testfile';
import { whyOf, type PolicyWhy, type Unmet } from './testwhy';
import type { EvalEvent, EvalResult } from './types';
import { nearestHint } from './nameHint';

export interface Expectation {
  decision?: string;
  fired?: string[];
  notFired?: string[];
  skipped?: string[];
  messageContains?: string | string[];
}

export interface TestStep extends EvalEvent {
  at?: string | number;
  expect?: Expectation;
}

export interface PolicyTestCase {
  name: string;
  /** The case's index in `cases`, for positions. */
  index: number;
  steps: TestStep[];
  expect: Expectation;
}

export interface PolicyTestFile {
  /** The policy paths, relative to the test file; undefined: the test file's folder. */
  policies?: string[];
  cases: PolicyTestCase[];
}

export interface CaseOutcome {
  name: string;
  passed: boolean;
  /** One line per unmet expectation: `decision: expected block, got warn`. */
  failures: string[];
  /** Why each policy a failure is about did what it did (its trace entry); absent when none. */
  why?: PolicyWhy[];
  /** The result of every event of the case. */
  results: EvalResult[];
  /**
   * In a sequence, the index of the step whose own `expect` failed first (the first failure is
   * its): a report points there rather than at the case's `expect`.
   */
  failedStep?: number;
}

/** Validators for events and test files; the event schema first, since test files refer to it. */
function validators() {
  const event = validatorFor(eventSchema as SchemaObject);
  return { event, test: validatorFor(testSchema as SchemaObject) };
}

/** Readable lines for schema errors: `path: message`, an unknown key named with a suggestion. */
function messages(
  errors: readonly ErrorObject[],
  schema: SchemaObject,
  value: unknown,
  what: string,
): string[] {
  const out: string[] = [];
  const rest: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword !== 'unevaluatedProperties' && e.keyword !== 'additionalProperties') {
      rest.push(e);
      continue;
    }
    const key = String(e.params.unevaluatedProperty ?? e.params.additionalProperty);
    const parent = e.parentSchema as SchemaObject | undefined;
    const known = Object.keys(
      ((parent?.properties ?? (e.keyword === 'unevaluatedProperties' ? EVENT_FIELDS : {})) as SchemaObject) ??
        {},
    );
    const near = nearest(
      key,
      e.keyword === 'unevaluatedProperties' ? [...known, ...Object.keys(EVENT_FIELDS)] : known,
    );
    const at = e.instancePath ? `${e.instancePath.slice(1).split('/').join('.')}: ` : '';
    out.push(`${at}unknown key "${key}"${near.length ? `; did you mean "${near[0]}"?` : ''}`);
  }
  for (const p of problemsFromErrors(rest, schema, value))
    out.push(
      p.message.startsWith(displayPath(p.path)) || !p.path.length
        ? p.message
        : `${displayPath(p.path)}: ${p.message}`,
    );
  return [...new Set(out.length ? out : [`not a valid ${what}`])];
}

const EVENT_FIELDS = ((eventSchema as SchemaObject).$defs as Record<string, SchemaObject>).event
  .properties as SchemaObject;

/** Reads an event (`policylens eval --event`), or says why it is not one. */
export function readEvent(value: unknown): { event?: EvalEvent; errors: string[] } {
  const { event } = validators();
  if (event(value)) return { event: value as EvalEvent, errors: [] };
  return { errors: messages(event.errors ?? [], eventSchema as SchemaObject, value, 'event') };
}

/** Reads a test file's parsed value into cases, or says what is wrong with it. */
export function readPolicyTest(value: unknown): { file?: PolicyTestFile; errors: string[] } {
  const { test } = validators();
  if (!test(value))
    return { errors: messages(test.errors ?? [], testSchema as SchemaObject, value, 'test file') };
  const root = value as Record<string, unknown>;
  const both = (root.cases as Record<string, unknown>[]).flatMap((c, i) =>
    'event' in c === 'events' in c ? [`cases[${i}]: a case has either "event" or "events"`] : [],
  );
  if (both.length) return { errors: both };
  const policies = typeof root.policies === 'string' ? [root.policies] : strings(root.policies);
  const cases = (root.cases as Record<string, unknown>[]).map((c, index) => ({
    name: c.name as string,
    index,
    steps: (Array.isArray(c.events) ? c.events : [c.event]) as TestStep[],
    expect: c.expect as Expectation,
  }));
  return { file: { ...(policies.length ? { policies } : {}), cases }, errors: [] };
}

/** Where a case's `expect` (or its name) is in the test file, for marking a failure at its line. */
export function caseOffset(doc: ParsedDocument, index: number): number | undefined {
  const base = ['cases', index];
  for (const path of [[...base, 'expect'], [...base, 'name'], base]) {
    const { node, property, depth } = locate(doc.root, path);
    if (node && depth === path.length) return property ? property.key.offset : node.offset;
  }
  return undefined;
}

/** Where step `step` of a case's `events:` is (its `expect`, else the step), for a failure of its own. */
export function stepOffset(doc: ParsedDocument, index: number, step: number): number | undefined {
  const base = ['cases', index, 'events', step];
  for (const path of [[...base, 'expect'], base]) {
    const { node, property, depth } = locate(doc.root, path);
    if (node && depth === path.length) return property ? property.key.offset : node.offset;
  }
  return undefined;
}

/** The event of a step: `at` becomes the clock, `expect` is the test's, not the event's. */
function eventOf(step: TestStep): EvalEvent {
  const { at, expect: _expect, ...event } = step;
  return at !== undefined ? { ...event, timestamp: at } : event;
}

const names = (r: EvalResult, status: string) =>
  r.trace.filter((t) => t.status === status).map((t) => t.policy);

/** The names a trace of a policy set may carry, looked up for every case: one per compiled set. */
const knownBySet = new WeakMap<CompiledPolicies, ExpectableLookup>();

function knownNames(compiled: CompiledPolicies): ExpectableLookup {
  let known = knownBySet.get(compiled);
  if (!known) knownBySet.set(compiled, (known = new ExpectableLookup(expectableNames(compiled))));
  return known;
}

/**
 * The names of an expectation that no policy of the set carries, one line each: a misspelt name
 * in `notFired` would pass whatever the policies do, and one in `fired` would fail with a message
 * about firing, so an unknown name is said for what it is and its list is not checked for it.
 */
function unknownNames(
  expect: Expectation,
  known: ExpectableLookup,
  r: EvalResult,
): { lines: string[]; unknown: Set<string> } {
  const lines: string[] = [];
  const unknown = new Set<string>();
  // A name the trace carries is one (a Preloop line for a tool its document does not list).
  let traced: Set<string> | undefined;
  for (const list of EXPECT_NAME_LISTS)
    for (const n of expect[list] ?? []) {
      if (known.has(n) || (traced ??= new Set(r.trace.map((t) => t.policy))).has(n)) continue;
      unknown.add(n);
      const near = known.nearest(n, 1);
      lines.push(
        `${list}: unknown policy "${n}" (no policy the test runs against has this name)${nearestHint(n, near[0])}`,
      );
    }
  return { lines, unknown };
}

/** What a result misses of an expectation, one line each; empty when it meets it. */
export function unmet(expect: Expectation, r: EvalResult, known?: ExpectableLookup): string[] {
  return unmetWhy(expect, r, known).map((u) => u.line);
}

/** At most this many policies explain a decision no policy fired for (the trace may be long). */
const DECISION_WHY = 5;

/** What a result misses of an expectation, each line with the policies it is about. */
function unmetWhy(expect: Expectation, r: EvalResult, known?: ExpectableLookup): Unmet[] {
  const out: Unmet[] = [];
  const fired = names(r, 'fired');
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `"${x}"`).join(', ') : 'none');
  let decision: Unmet | undefined;
  if (expect.decision !== undefined) {
    const want = expect.decision === 'deny' ? 'block' : expect.decision;
    if (want !== r.decision)
      out.push((decision = { line: `decision: expected ${want}, got ${r.decision}`, policies: [] }));
  }
  const { lines, unknown } = known ? unknownNames(expect, known, r) : { lines: [], unknown: new Set() };
  out.push(...lines.map((line) => ({ line, policies: [] })));
  const checked = (xs: string[] | undefined) => (xs ?? []).filter((x) => !unknown.has(x));
  for (const n of checked(expect.fired))
    if (!fired.includes(n))
      out.push({ line: `fired: expected "${n}" to fire; fired: ${list(fired)}`, policies: [n] });
  for (const n of checked(expect.notFired))
    if (fired.includes(n)) out.push({ line: `notFired: "${n}" fired`, policies: [n] });
  const skipped = names(r, 'skipped');
  for (const n of checked(expect.skipped))
    if (!skipped.includes(n))
      out.push({ line: `skipped: expected "${n}" to be skipped; skipped: ${list(skipped)}`, policies: [n] });
  const texts = [...r.trace.flatMap((t) => [t.message, t.warning, t.reason].filter((x): x is string => !!x))];
  const wanted =
    typeof expect.messageContains === 'string' ? [expect.messageContains] : (expect.messageContains ?? []);
  for (const w of wanted)
    if (!texts.some((t) => t.includes(w)))
      out.push({ line: `messageContains: no message contains "${w}"`, policies: [] });
  if (decision) {
    // The policies that made the decision; when none fired and no other line names a policy,
    // those that could have (the first few).
    const said = new Set(out.flatMap((u) => u.policies));
    const why = fired.length || said.size ? fired : r.trace.map((t) => t.policy).slice(0, DECISION_WHY);
    decision.policies = [...new Set(why)].filter((n) => !said.has(n));
  }
  return out;
}

/** Runs one case: its events in order from an empty state, each step's and the case's expectations. */
export function runCase(compiled: CompiledPolicies, c: PolicyTestCase): CaseOutcome {
  const results: EvalResult[] = [];
  const failures: string[] = [];
  const why: PolicyWhy[] = [];
  // Each unmet expectation, with the trace entries of the policies it is about, from the same run.
  const add = (missed: Unmet[], r: EvalResult, prefix: string) => {
    for (const u of missed) {
      why.push(...whyOf(r, u.policies, failures.length));
      failures.push(prefix + u.line);
    }
  };
  const known = knownNames(compiled);
  let state = emptyState();
  let failedStep: number | undefined;
  c.steps.forEach((step, i) => {
    const r = evaluate(compiled, eventOf(step), state);
    state = r.state;
    results.push(r.result);
    if (!step.expect || c.steps.length < 2) return;
    const missed = unmetWhy(step.expect, r.result, known);
    if (missed.length && failedStep === undefined) failedStep = i;
    add(missed, r.result, `event ${i + 1}: `);
  });
  const last = results[results.length - 1];
  add(unmetWhy(c.expect, last, known), last, '');
  return {
    name: c.name,
    passed: failures.length === 0,
    failures,
    ...(why.length ? { why } : {}),
    results,
    ...(failedStep !== undefined ? { failedStep } : {}),
  };
}
