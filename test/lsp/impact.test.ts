// The impact of pending sync changes on recorded traffic in the language server (in process, a real
// registry on loopback as the live org): each case of test/fixtures/impact/ seeds the org from
// live/, puts workspace/ on the memory disk under /ws, starts the server with settings.json as its
// initializationOptions, and compares the lenses, the workspace plan's impacts and the affected
// events of every pending change with expected.json (UPDATE_FIXTURES=1 rewrites it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  AffectedEventsRequest,
  WorkspacePlanRequest,
  type AffectedEvents,
  type WorkspacePlan,
} from '../../server/src/protocol/index';
import { cases, expectJson } from '../support/fixtures';
import { startInProcess, type InProcessServer } from '../support/inProcess';
import { liveOrg, type LiveOrg } from '../support/sharedRegistry';
import { api } from '../sync/harness';

type Lens = { range: { start: { line: number } }; command?: { title: string; command: string } };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** The servers of the running test, shut down when it ends. */
const servers: InProcessServer[] = [];
async function shutdownServers(): Promise<void> {
  for (const s of servers.splice(0)) await s.client.shutdown();
}

/**
 * An org of its own, seeded with the policies of `liveDir` in file order. A prerequisite is written
 * by name and posted as the id of the policy of that name seeded before it, as sync writes it.
 */
async function org(name: string, liveDir: string): Promise<LiveOrg> {
  const live = await liveOrg(name);
  const ids = new Map<string, string>();
  for (const f of walk(liveDir).sort()) {
    const body = parseYaml(readFileSync(f, 'utf8')) as { name: string; prerequisites?: string[] };
    if (body.prerequisites) body.prerequisites = body.prerequisites.map((p) => ids.get(p) ?? p);
    const res = await api(live, 'POST', '/policies', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.set(body.name, (res.body as { data: { id: string } }).data.id);
  }
  return live;
}

async function start(files: Record<string, string>, live: LiveOrg, init: object): Promise<InProcessServer> {
  const s = startInProcess({ files, env: { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key } });
  servers.push(s);
  await s.client.initialize({ rootUri: 'file:///ws', initializationOptions: init });
  return s;
}

const titles = async (s: InProcessServer, uri: string) =>
  (await s.client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } }))
    .filter((l) => l.range.start.line === 0)
    .map((l) => l.command?.title ?? '');

/** Polls until the lenses are settled (no read of the org, no replay under way): a hang guard. */
async function settled(s: InProcessServer, uri: string): Promise<string[]> {
  for (let i = 0; i < 400; i++) {
    const t = await titles(s, uri);
    if (t.length && !t.some((x) => x === 'impact…' || /reading|…$/.test(x))) return t;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`the lenses of ${uri} never settled: ${(await titles(s, uri)).join(' | ')}`);
}

describe('the impact of pending sync changes (fixtures)', () => {
  afterEach(shutdownServers);
  for (const c of cases('impact')) {
    it(c.name, async () => {
      const init = JSON.parse(readFileSync(join(c.dir, 'settings.json'), 'utf8')) as object;
      const live = await org(`impact-${c.name}`, join(c.dir, 'live'));
      const ws = join(c.dir, 'workspace');
      const files: Record<string, string> = {};
      for (const f of walk(ws))
        files[`/ws/${relative(ws, f).split('\\').join('/')}`] = readFileSync(f, 'utf8');
      const s = await start(files, live, init);
      const lenses: Record<string, string[]> = {};
      for (const path of Object.keys(files)
        .filter((p) => p.startsWith('/ws/policies/'))
        .sort()) {
        const uri = `file://${path}`;
        s.client.open(uri, files[path]);
        lenses[path.slice('/ws/'.length)] = await settled(s, uri);
      }
      const plan = await s.client.request<WorkspacePlan>(WorkspacePlanRequest.method, {});
      const affected: Record<string, AffectedEvents> = {};
      for (const e of plan.entries.filter((x) => x.impact))
        affected[e.name] = await s.client.request<AffectedEvents>(AffectedEventsRequest.method, {
          name: e.name,
        });
      expectJson(join(c.dir, 'expected.json'), {
        lenses,
        plan: {
          events: plan.events,
          entries: plan.entries.map((e) => ({ action: e.action, name: e.name, impact: e.impact })),
        },
        affected: Object.fromEntries(
          Object.entries(affected).map(([n, a]) => [
            n,
            { state: a.state, events: a.events, text: a.text.split('\n') },
          ]),
        ),
      });
    });
  }
});

describe('the impact follows its inputs', () => {
  afterEach(shutdownServers);
  const PII = (mode: string) =>
    `name: PII Guard\npolicyType: pii_access\nenforcementMode: ${mode}\nruleDefinition:\n  denied_pii_types: [ssn, credit_card]\n`;
  const EVENTS = readFileSync(
    join(__dirname, '..', 'fixtures', 'replay', 'mode-change', 'events.jsonl'),
    'utf8',
  );
  const impactOf = async (s: InProcessServer, uri: string) => (await settled(s, uri)).at(-1);

  it('is replayed again when the events file changes on disk, and when the policy is edited', async () => {
    const live = await org(
      'impact-follows',
      join(__dirname, '..', 'fixtures', 'impact', 'config-key', 'live'),
    );
    const s = await start(
      { '/ws/policies/pii.yaml': PII('block'), '/ws/traffic/events.jsonl': EVENTS },
      live,
      { replay: { events: ['traffic/events.jsonl'] } },
    );
    const uri = 'file:///ws/policies/pii.yaml';
    s.client.open(uri, PII('block'));
    assert.equal(await impactOf(s, uri), 'would block +4 · allow +0');

    // Only the first two events are left: one of them has a card number.
    const events = s.fs.write('/ws/traffic/events.jsonl', EVENTS.split('\n').slice(0, 2).join('\n'));
    s.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: events, type: 2 }] });
    assert.equal(await impactOf(s, uri), 'would block +1 · allow +0');

    // An unsaved edit that requires approval instead of blocking.
    s.client.change(uri, PII('require_approval'));
    assert.equal(await impactOf(s, uri), 'would block +1 · allow +0');
    const plan = await s.client.request<WorkspacePlan>(WorkspacePlanRequest.method, {});
    assert.deepEqual(plan.entries[0].impact, {
      state: 'ok',
      events: 2,
      changed: 1,
      newlyBlocked: 1,
      newlyAllowed: 0,
    });
    const affected = await s.client.request<AffectedEvents>(AffectedEventsRequest.method, {
      name: 'PII Guard',
    });
    assert.deepEqual(
      affected.events.map((e) => `${e.line} ${e.before}→${e.after}`),
      ['2 warn→require_approval'],
    );

    // Back to the live mode: no pending change, no impact lens.
    s.client.change(uri, PII('monitor'));
    assert.deepEqual((await settled(s, uri)).slice(1), ['= in sync']);
  });

  it('an untrusted workspace never reads the events, from the setting or from the config', async () => {
    const live = await org(
      'impact-no-trust',
      join(__dirname, '..', 'fixtures', 'impact', 'config-key', 'live'),
    );
    const s = startInProcess({
      files: {
        '/ws/policies/pii.yaml': PII('block'),
        '/ws/policylens.config.yaml': 'replay:\n  events: recorded/day.jsonl\n',
        '/ws/recorded/day.jsonl': EVENTS,
        '/ws/traffic/events.jsonl': EVENTS,
      },
      env: { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key },
    });
    servers.push(s);
    const reads: string[] = [];
    const read = s.fs.readFile.bind(s.fs);
    s.fs.readFile = (uri: string) => {
      reads.push(uri);
      return read(uri);
    };
    await s.client.initialize({
      rootUri: 'file:///ws',
      initializationOptions: { trusted: false, replay: { events: ['traffic/events.jsonl'] } },
    });
    const uri = 'file:///ws/policies/pii.yaml';
    s.client.open(uri, PII('block'));
    assert.deepEqual((await settled(s, uri)).slice(1), ['sync off: workspace not trusted']);
    const affected = await s.client.request<AffectedEvents>(AffectedEventsRequest.method, {
      name: 'PII Guard',
    });
    assert.equal(affected.state, 'none');
    assert.match(affected.text, /only in a trusted workspace/);
    // Ten virtual seconds, far past the replay's debounce and the diagnostics' quiet wait.
    s.clock.stop();
    for (let i = 0; i < 10; i++) {
      s.clock.advance(1_000);
      await titles(s, uri);
    }
    s.clock.start();
    assert.deepEqual(
      reads.filter((u) => u.endsWith('.jsonl')),
      [],
      'no events file was read',
    );
    // The config itself was read (the check is not vacuous): its key is there, and ignored.
    assert.ok(reads.includes('file:///ws/policylens.config.yaml'), reads.join('\n'));
  });

  it('a setting set to nothing turns the impact off', async () => {
    const live = await org('impact-off', join(__dirname, '..', 'fixtures', 'impact', 'config-key', 'live'));
    const s = await start({ '/ws/policies/pii.yaml': PII('block') }, live, { replay: { events: [] } });
    const uri = 'file:///ws/policies/pii.yaml';
    s.client.open(uri, PII('block'));
    assert.deepEqual((await settled(s, uri)).slice(1), ['~ update: enforcementMode monitor → block']);
  });
});
