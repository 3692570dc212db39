// The project config's live.url in the editor: with no policyLens.apiUrl setting and no
// POLICYLENS_API_URL, the sync lens plans against the org the config names (a registry on
// loopback), as `policylens sync` does; without it, the lens says sync is not configured.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { REFRESH_LIVE_COMMAND } from '../../server/src/protocol/index';
import { startInProcess } from '../support/inProcess';
import { liveOrg, type LiveOrg } from '../support/sharedRegistry';

const GUARD = 'name: pii-guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n';
type Lens = { command?: { title: string } };

describe("the config file's live.url drives the sync lens", () => {
  let live: LiveOrg;
  before(async () => {
    live = await liveOrg('config-live-url');
  });

  async function syncLens(files: Record<string, string>): Promise<string> {
    const s = startInProcess({ files, env: { POLICYLENS_API_KEY: live.key } });
    await s.client.initialize({ rootUri: 'file:///ws' });
    const uri = 'file:///ws/policies/guard.yaml';
    s.client.open(uri, GUARD);
    await s.client.waitForDiagnostics(uri);
    // The lens is resolved once the org was read (or found not configured): a hang guard, not timing.
    for (let i = 0; i < 200; i++) {
      const lenses = await s.client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
      const titles = lenses.map((l) => l.command?.title ?? '').filter((t) => !t.startsWith('evaluated'));
      const settled = titles.find((t) => !/reading|loading|…/.test(t));
      if (settled) {
        // One more read, awaited: no read of the org is still under way when the server shuts down.
        await s.client.request('workspace/executeCommand', { command: REFRESH_LIVE_COMMAND, arguments: [] });
        await s.client.shutdown();
        return settled;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the sync lens never settled');
  }

  it('plans against the org of live.url', async () => {
    const title = await syncLens({
      '/ws/policylens.config.yaml': `live:\n  url: ${live.url}\n`,
      '/ws/policies/guard.yaml': GUARD,
    });
    assert.match(title, /create/);
  });

  it('without live.url (and no setting, no environment) sync is not configured', async () => {
    const title = await syncLens({ '/ws/policies/guard.yaml': GUARD });
    assert.equal(title, 'sync not configured');
  });
});
