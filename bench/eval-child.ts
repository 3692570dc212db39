// One evaluator measurement in its own process (one core, a fresh heap): `node --import tsx
// bench/eval-child.ts <baseline|chain> <events> <samples>` prints JSON `{evaluator, floor}`, each a
// list of microseconds per event, one per sample. The floor is the same CEL expressions compiled
// once with the same library and run in a bare loop over the same events: what evaluating them
// costs with no evaluator around them.
import { Environment } from '@marcbachmann/cel-js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CEL_CONTEXTS } from '../server/src/core/cel/context';
import {
  compilePolicies,
  emptyState,
  evaluate,
  loadPolicy,
  type EvalEvent,
  type EvalState,
  type PolicySource,
} from '../server/src/core/index';
import { celChain, chainEvents, baselineEvents, BASELINE_FILES } from './eval-workload';

const [kind = 'baseline', countText = '100000', samplesText = '5'] = process.argv.slice(2);
const count = Number(countText);
const samples = Number(samplesText);
const REPO = process.cwd();

/** CPU time (user + system) of this process: what a loaded machine cannot inflate as much as wall time. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function sources(): PolicySource[] {
  if (kind === 'chain') return celChain();
  return BASELINE_FILES.map((f) => {
    const loaded = loadPolicy(f, readFileSync(join(REPO, f), 'utf8'));
    if (!loaded.source) throw new Error(`${f}: ${loaded.unusable}`);
    return loaded.source;
  });
}

const events: EvalEvent[] = kind === 'chain' ? chainEvents() : baselineEvents();
const compiled = compilePolicies(sources());

/** Microseconds per event over `count` events, the state carried from one event to the next. */
function evaluator(): number {
  let state: EvalState = emptyState();
  let decisions = 0;
  const t = cpuMs();
  for (let i = 0; i < count; i++) {
    // The events are the caller's: each one's clock is set in place, as a caller reuses its objects.
    const e = events[i % events.length];
    e.timestamp = 1_796_000_000 + i;
    const r = evaluate(compiled, e, state);
    state = r.state;
    if (r.result.decision !== 'allow') decisions++;
  }
  const us = ((cpuMs() - t) * 1000) / count;
  if (decisions < 0) throw new Error('unreachable');
  return us;
}

/** The same expressions, compiled once, evaluated in a bare loop with the context built per event. */
function floor(): number | undefined {
  if (kind !== 'chain') return undefined;
  const env = new Environment({ homogeneousAggregateLiterals: false });
  for (const v of CEL_CONTEXTS.execlave) env.registerVariable(v.name, v.type);
  const programs = celChain().map(
    (s) =>
      env.parse(
        ((s.value as Record<string, unknown>).ruleDefinition as { expression: string }).expression,
      ) as unknown as (v: object) => unknown,
  );
  let truths = 0;
  const t = cpuMs();
  for (let i = 0; i < count; i++) {
    const e = events[i % events.length];
    const vars = {
      input: e.input ?? '',
      output: '',
      agentId: e.agentId ?? '',
      agentName: '',
      environment: e.environment ?? '',
      tools: e.tools ?? [],
      metadata: e.metadata ?? {},
      cost: e.estimatedCost ?? 0,
      orgId: '',
      now: BigInt(1_796_000_000 + i),
      phase: 'pre',
    };
    for (const p of programs) {
      try {
        if (p(vars) === true) truths++;
      } catch {
        truths--;
      }
    }
  }
  const us = ((cpuMs() - t) * 1000) / count;
  if (truths === Number.MIN_SAFE_INTEGER) throw new Error('unreachable');
  return us;
}

// One warm-up round of each, then the samples, interleaved.
evaluator();
floor();
const out = { evaluator: [] as number[], floor: [] as number[] };
for (let s = 0; s < samples; s++) {
  out.evaluator.push(evaluator());
  const f = floor();
  if (f !== undefined) out.floor.push(f);
}
process.stdout.write(JSON.stringify(out) + '\n');
