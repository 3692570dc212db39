import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  compilePolicies,
  loadPolicy,
  runEvents,
  type EvalEvent,
  type PolicySource,
} from '../../server/src/core/index';
import { cases, expectJson } from '../support/fixtures';

/** Files of a case that are not policies. */
const NOT_POLICIES = new Set(['event.json', 'events.json', 'expected.json']);

/**
 * Each case of test/fixtures/eval is a folder of policy files (any dialect, detected as lint
 * detects it), `event.json` or `events.json` (a sequence run with the state carried over), and
 * `expected.json`: every event's decision and trace, and the state after the last one.
 */
describe('evaluator fixtures (test/fixtures/eval)', () => {
  for (const c of cases('eval')) {
    it(c.name, () => {
      const sources: PolicySource[] = [];
      for (const name of readdirSync(c.dir).sort()) {
        if (NOT_POLICIES.has(name) || !/\.(json|ya?ml)$/.test(name)) continue;
        const loaded = loadPolicy(name, readFileSync(join(c.dir, name), 'utf8'));
        assert.ok(loaded.source, `${c.name}/${name}: ${loaded.unusable}`);
        sources.push(loaded.source);
      }
      const single = join(c.dir, 'event.json');
      const events = (
        existsSync(single)
          ? [JSON.parse(readFileSync(single, 'utf8'))]
          : JSON.parse(readFileSync(join(c.dir, 'events.json'), 'utf8'))
      ) as EvalEvent[];
      const compiled = compilePolicies(sources);
      const { results, state } = runEvents(compiled, events);
      expectJson(join(c.dir, 'expected.json'), { results, state });
    });
  }
});
