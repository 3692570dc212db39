// The sync plan as the editor gets it, from the language server over stdio (node dist/server.js)
// against a real registry on loopback: each case of test/fixtures/sync-lsp/ seeds an org of its own
// from live/ (in file order), puts workspace/ in a temporary folder, opens every policy file, and
// compares the sync lens of each (title, tooltip), the workspace plan's entries, problems and
// live-only policies, its text (as `policylens sync` prints it) and the words the Sync view and the
// status bar make of them (client/src/views/syncEntryText.ts, client/src/planWords.ts) with
// expected.json (UPDATE_FIXTURES=1 rewrites it).
// Live ids are random: they are written `<id of NAME>`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { describePlan, nothingToApply, statusText } from '../../client/src/planWords';
import {
  entryDescription,
  entryTooltip,
  liveOnlyGroupText,
  liveOnlyText,
} from '../../client/src/views/syncEntryText';
import { WorkspacePlanRequest, type PlanEntry, type WorkspacePlan } from '../../server/src/protocol/index';
import { cases, expectJson } from '../support/fixtures';
import { liveOrg, type LiveOrg } from '../support/sharedRegistry';
import { api, removeDir, tempDir, writeFiles } from '../sync/harness';
import { fileUri, LspClient } from './client';

type Lens = {
  range: { start: { line: number } };
  command?: { title: string; command: string; tooltip?: string };
};

/** What the Sync view shows of an entry (the file as a one-folder workspace shows it). */
function viewOf(e: PlanEntry): object {
  const file = e.file ?? 'live only';
  return {
    name: e.name,
    description: entryDescription(e, file),
    tooltip: entryTooltip(e, file).split('\n'),
  };
}

/** What the Sync view shows of the plan beyond its entries: its header, the live-only group, the status bar. */
function viewOfPlan(plan: WorkspacePlan): object {
  const { message, description } = describePlan(plan);
  const status = statusText(plan);
  const group = plan.liveOnly?.length ? liveOnlyGroupText(plan.liveOnly.length) : undefined;
  return {
    ...(message !== undefined ? { message } : {}),
    description,
    ...(group
      ? {
          liveOnly: {
            label: group.label,
            tooltip: group.tooltip,
            items: plan.liveOnly!.map((p) => {
              const { description: d, tooltip } = liveOnlyText(p);
              return { label: p.name, description: d, tooltip: tooltip.split('\n') };
            }),
          },
        }
      : {}),
    statusBar: { text: status.text, tooltip: status.tooltip },
    ...(plan.state === 'ok' && plan.entries.every((e) => e.action === 'no-op')
      ? { applyAnswers: nothingToApply(plan) }
      : {}),
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** An org of its own, seeded with the policies of `liveDir` in file order; its ids by name. */
async function seed(name: string, liveDir: string): Promise<{ live: LiveOrg; ids: Map<string, string> }> {
  const live = await liveOrg(name);
  const ids = new Map<string, string>();
  for (const f of statSync(liveDir, { throwIfNoEntry: false }) ? walk(liveDir).sort() : []) {
    const body = parseYaml(readFileSync(f, 'utf8')) as { name: string };
    const res = await api(live, 'POST', '/policies', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.set((res.body as { data: { id: string } }).data.id, body.name);
  }
  return { live, ids };
}

/** The sync lens of a file, once the org was read: the one on line 0 that is not the chain's. */
async function syncLens(client: LspClient, uri: string): Promise<Lens['command']> {
  for (let i = 0; i < 200; i++) {
    const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
    const sync = lenses.filter((l) => l.range.start.line === 0 && !l.command?.title.startsWith('evaluated'));
    if (sync.length && !sync.some((l) => /reading|…$/.test(l.command?.title ?? ''))) {
      assert.equal(sync.length, 1, JSON.stringify(sync));
      return sync[0].command;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`the sync lens of ${uri} never settled`);
}

const clients: LspClient[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
  for (const d of dirs) removeDir(d);
});

describe('the sync plan in the editor (fixtures)', () => {
  for (const c of cases('sync-lsp')) {
    it(c.name, async () => {
      const { live, ids } = await seed(`sync-lsp-${c.name}`, join(c.dir, 'live'));
      const source = join(c.dir, 'workspace');
      const root = tempDir('sync-lsp');
      dirs.push(root);
      const paths = walk(source).map((f) => relative(source, f).split('\\').join('/'));
      writeFiles(root, Object.fromEntries(paths.map((p) => [p, readFileSync(join(source, p), 'utf8')])));
      const client = new LspClient(['--stdio'], {
        PATH: process.env.PATH ?? '',
        POLICYLENS_API_URL: live.url,
        POLICYLENS_API_KEY: live.key,
      });
      clients.push(client);
      await client.initialize({ rootUri: fileUri(root), initializationOptions: { clientCommands: true } });
      // Random ids and the temporary folder, written the same way on every run.
      const stable = (value: unknown): unknown =>
        JSON.parse(
          [...ids].reduce(
            (text, [id, name]) => text.split(id).join(`<id of ${name}>`),
            JSON.stringify(value).split(fileUri(root)).join('file:///ws'),
          ),
        );
      const lenses: Record<string, unknown> = {};
      for (const p of paths.sort()) {
        const uri = fileUri(join(root, p));
        client.open(uri, readFileSync(join(root, p), 'utf8'));
        const lens = await syncLens(client, uri);
        lenses[p] = { title: lens?.title, ...(lens?.tooltip ? { tooltip: lens.tooltip.split('\n') } : {}) };
      }
      const plan = await client.request<WorkspacePlan>(WorkspacePlanRequest.method, {});
      assert.equal(plan.state, 'ok', plan.message);
      expectJson(
        join(c.dir, 'expected.json'),
        stable({
          lenses,
          plan: {
            entries: plan.entries.map((e) => ({
              action: e.action,
              name: e.name,
              file: e.file,
              ...(e.problems ? { problems: e.problems } : {}),
              ...(e.rename ? { rename: e.rename } : {}),
            })),
            ...(plan.problems ? { problems: plan.problems } : {}),
            ...(plan.liveOnly ? { liveOnly: plan.liveOnly } : {}),
            text: plan.text?.split('\n'),
          },
          view: { entries: plan.entries.map(viewOf), ...viewOfPlan(plan) },
        }),
      );
    });
  }
});
