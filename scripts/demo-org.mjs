// The playground's demo org and settings (`npm start`, scripts/start.mjs), shared with the test that
// checks the playground shows what it promises (test/lsp/playground.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * The demo org: two example bundles live, one of them in an older state, so the plan has a create, an
 * update and a no-op. The update is Block Prompt Injection turned from `log_only` (live) to `block` (the
 * working tree): replayed against examples/traffic/events.jsonl, it newly blocks the recorded prompt
 * injections, which the impact lens and the Sync view show (`would block +46 · allow +0`).
 */
export function demoLivePolicies(root, say = () => undefined) {
  const bundle = (rel) => {
    const file = join(root, 'examples', 'policies', rel);
    if (!existsSync(file)) {
      say(`examples/policies/${rel} is missing; the demo org goes without it`);
      return undefined;
    }
    const text = readFileSync(file, 'utf8');
    return rel.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  };
  const noop = bundle('daily-cost-limit.yaml');
  const older = bundle('block-prompt-injection.json');
  const update = older && { ...older, enforcementMode: 'log_only' };
  return [noop, update].filter(Boolean);
}

/**
 * The playground's VS Code settings besides the API URL: the recorded traffic of examples/traffic
 * (scripts/traffic.mjs, seed 19), whose replay shows each pending change's impact beside the plan.
 */
export const PLAYGROUND_SETTINGS = { 'policyLens.replay.events': ['traffic/events.jsonl'] };
