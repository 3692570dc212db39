// What `npm start` promises (scripts/start.mjs): in the playground, the pending update of the demo
// org has a visible impact on the recorded traffic of examples/traffic. The same demo org and
// settings (scripts/demo-org.mjs), the examples' policies and traffic, the language server in
// process against a real registry.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { demoLivePolicies, PLAYGROUND_SETTINGS } from '../../scripts/demo-org.mjs';
import { WorkspacePlanRequest, type WorkspacePlan } from '../../server/src/protocol/index';
import { startInProcess, type InProcessServer } from '../support/inProcess';
import { liveOrg } from '../support/sharedRegistry';
import { api, ROOT } from '../sync/harness';

type Lens = { range: { start: { line: number } }; command?: { title: string } };
const EXAMPLES = join(ROOT, 'examples');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('the playground of npm start', () => {
  let s: InProcessServer | undefined;
  after(async () => {
    await s?.client.shutdown();
  });

  it("shows the impact of the demo org's pending update on the recorded traffic", async () => {
    const live = await liveOrg('demo');
    const { key } = live;
    for (const p of demoLivePolicies(ROOT))
      assert.equal((await api({ url: live.url, key }, 'POST', '/policies', p)).status, 201);
    const files: Record<string, string> = {};
    for (const dir of ['policies', 'traffic'])
      for (const f of walk(join(EXAMPLES, dir)))
        files[`/ws/${relative(EXAMPLES, f).split('\\').join('/')}`] = readFileSync(f, 'utf8');
    s = startInProcess({ files, env: { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: key } });
    await s.client.initialize({
      rootUri: 'file:///ws',
      initializationOptions: { replay: { events: PLAYGROUND_SETTINGS['policyLens.replay.events'] } },
    });
    const uri = 'file:///ws/policies/block-prompt-injection.json';
    s.client.open(uri, files['/ws/policies/block-prompt-injection.json']);
    let titles: string[] = [];
    for (let i = 0; i < 400; i++) {
      const lenses = await s.client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      titles = lenses.filter((l) => l.range.start.line === 0).map((l) => l.command?.title ?? '');
      if (titles.some((t) => t.startsWith('would block'))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(titles.includes('~ update: enforcementMode log_only → block'), titles.join(' | '));
    const impact = titles.find((t) => t.startsWith('would block')) ?? '';
    const blocked = Number(/^would block \+(\d+) · allow \+0$/.exec(impact)?.[1]);
    assert.ok(blocked > 0, `the update newly blocks recorded events: ${titles.join(' | ')}`);

    // The Sync view's plan says the same, with the file it replayed.
    const plan = await s.client.request<WorkspacePlan>(WorkspacePlanRequest.method, {});
    assert.deepEqual(plan.events, ['traffic/events.jsonl']);
    const update = plan.entries.find((e) => e.action === 'update');
    assert.equal(update?.name, 'Block Prompt Injection');
    assert.equal(update?.impact?.newlyBlocked, blocked);
    assert.deepEqual(
      plan.entries.filter((e) => e.action === 'no-op').map((e) => [e.name, e.impact]),
      [['Daily Cost Limit', undefined]],
    );
  });
});
