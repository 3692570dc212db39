// The editor's export (protocol/export.ts) from the language server over stdio (node dist/server.js),
// against a real registry on loopback: the org of test/fixtures/export/seed.json gets the files and
// texts `policylens export` writes for it (the CLI run as a process into another folder, and its
// fixture), in YAML and in JSON; once the client wrote them, the next export has nothing to write and
// the plan has no live-only policy left; a taken name gets `-2`; a folder the editor does not read,
// an invalid bundle (in the CLI's words) and a workspace without an org are refused with the reason.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ExportFoldersRequest,
  ExportLiveOnlyRequest,
  ExportWrittenRequest,
  WorkspacePlanRequest,
  type ExportLiveOnlyResult,
  type WorkspacePlan,
} from '../../server/src/protocol/index';
import { exportCancelled, exportConfirmation, nothingToExport, refusal } from '../../client/src/exportWords';
import { FIXTURES } from '../support/fixtures';
import { liveOrg } from '../support/sharedRegistry';
import { api, BUNDLES, removeDir, runCli, tempDir, writeFiles } from '../sync/harness';
import { fileUri, LspClient } from './client';

const SEED = JSON.parse(readFileSync(join(FIXTURES, 'export', 'seed.json'), 'utf8')) as Record<
  string,
  unknown
>[];

/** An org holding the seed's policies (prerequisites by name become ids), and its environment. */
async function seededOrg(name: string): Promise<Record<string, string>> {
  const live = await liveOrg(name);
  const ids = new Map<string, string>();
  for (const p of SEED) {
    const prerequisites = ((p.prerequisites as string[] | undefined) ?? []).map((n) => ids.get(n) ?? n);
    const res = await api(live, 'POST', '/policies', { ...p, prerequisites });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    ids.set(p.name as string, res.body.data.id as string);
  }
  return { POLICYLENS_API_URL: live.url, POLICYLENS_API_KEY: live.key };
}

/** Every file of a folder and its text. */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

/** The result's files as the CLI's folder would hold them: by file name. */
function byName(r: ExportLiveOnlyResult): Record<string, string> {
  return Object.fromEntries(
    r.files.map((f) => [f.file.slice(f.file.lastIndexOf('/') + 1), f.text] as const).sort(),
  );
}

const dirs: string[] = [];
const clients: LspClient[] = [];
after(async () => {
  for (const c of clients.splice(0)) await c.shutdown();
  for (const d of dirs) removeDir(d);
});

async function server(root: string, env: Record<string, string>): Promise<LspClient> {
  const client = new LspClient(['--stdio'], { PATH: process.env.PATH ?? '', ...env });
  clients.push(client);
  await client.initialize({ rootUri: fileUri(root) });
  return client;
}

function workspace(files: Record<string, string> = {}): string {
  const root = tempDir('export-lsp');
  dirs.push(root);
  writeFiles(root, files);
  return root;
}

describe('policyLens/exportLiveOnly against policylens serve', () => {
  let env: Record<string, string>;
  before(async () => {
    env = await seededOrg('export-lsp');
  });

  it('offers the folder the config includes, then the workspace folder', async () => {
    const root = workspace({ 'policylens.config.yaml': "include: ['policies/**']\n" });
    mkdirSync(join(root, 'policies'));
    const client = await server(root, env);
    const { folders } = await client.request<{ folders: { uri: string; label: string }[] }>(
      ExportFoldersRequest.method,
      {},
    );
    assert.deepEqual(
      folders.map((f) => [f.uri, f.label]),
      [
        [fileUri(join(root, 'policies')), 'policies'],
        [fileUri(root), root.slice(root.lastIndexOf('/') + 1)],
      ],
    );
  });

  it('computes what the CLI writes, in YAML and JSON; written, nothing is left to export', async () => {
    const cli = workspace();
    const r = await runCli(['export', 'policies'], env, cli);
    assert.equal(r.status, 0, r.stderr);
    const written = filesOf(join(cli, 'policies'));
    assert.deepEqual(written, filesOf(join(FIXTURES, 'export', 'expected-yaml')));

    const root = workspace({ 'policylens.config.yaml': "include: ['policies/**']\n" });
    mkdirSync(join(root, 'policies'));
    const client = await server(root, env);
    const folder = fileUri(join(root, 'policies'));
    const json = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder,
      format: 'json',
    });
    assert.equal(json.state, 'ok', json.message);
    assert.deepEqual(byName(json), filesOf(join(FIXTURES, 'export', 'expected-json')));
    const yaml = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, { folder });
    assert.equal(yaml.state, 'ok', yaml.message);
    assert.deepEqual(byName(yaml), written, 'the names and texts policylens export writes');
    assert.deepEqual(yaml.notExported, []);
    assert.equal(yaml.folder, 'policies');
    assert.equal(yaml.files[0]!.file, 'policies/block-pii-exfiltration.yaml');
    // What the command's confirmation shows (client/src/exportWords.ts).
    const { message, detail } = exportConfirmation(yaml);
    assert.equal(
      message,
      `Write ${SEED.length} bundles for the live-only policies of ${yaml.org} into policies?`,
    );
    assert.equal(detail.split('\n')[0], '+ "Block PII exfiltration" → policies/block-pii-exfiltration.yaml');

    // As the client writes them: created, never over a file, then announced.
    for (const f of yaml.files) writeFileSync(new URL(f.uri), f.text, { flag: 'wx' });
    await client.request(ExportWrittenRequest.method, { uris: yaml.files.map((f) => f.uri) });
    const plan = await client.request<WorkspacePlan>(WorkspacePlanRequest.method, {});
    assert.equal(plan.liveOnly, undefined, 'the live-only group is empty');
    assert.deepEqual(
      plan.entries.map((e) => e.action),
      SEED.map(() => 'no-op'),
      plan.text,
    );
    const again = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, { folder });
    assert.deepEqual(
      { state: again.state, files: again.files, notExported: again.notExported, declared: again.declared },
      { state: 'ok', files: [], notExported: [], declared: SEED.length },
    );
    assert.equal(
      nothingToExport(again),
      'Policy Lens: nothing to export: a bundle in this workspace declares every policy of the live org.',
    );
  });

  it('cancelled part-way, the next export offers exactly the files not written', async () => {
    const root = workspace({ 'policylens.config.yaml': "include: ['policies/**']\n" });
    mkdirSync(join(root, 'policies'));
    const client = await server(root, env);
    const folder = fileUri(join(root, 'policies'));
    const first = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, { folder });
    // The client wrote two files, then the user cancelled: those two stay, and are announced.
    const kept = first.files.slice(0, 2);
    for (const f of kept) writeFileSync(new URL(f.uri), f.text, { flag: 'wx' });
    await client.request(ExportWrittenRequest.method, { uris: kept.map((f) => f.uri) });
    const total = first.files.length;
    assert.equal(
      exportCancelled(kept.length, total, first.folder),
      `Policy Lens: export cancelled: wrote 2 of ${total} bundles into policies, and kept them. The other ${total - 2} policies are still live-only: export again to write them.`,
    );
    const rest = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, { folder });
    assert.deepEqual(
      rest.files.map((f) => f.file),
      first.files.slice(2).map((f) => f.file),
      'the same names: none of the written ones again, no -2',
    );
    assert.equal(rest.declared, 2);
  });

  it('a taken name gets -2; a folder the editor does not read gets nothing', async () => {
    const root = workspace({ 'policylens.config.yaml': "include: ['policies/**']\n" });
    // A name is taken by an entry of any kind, in any case.
    mkdirSync(join(root, 'policies', 'Block-PII-Exfiltration.yaml'), { recursive: true });
    mkdirSync(join(root, 'drafts'));
    const client = await server(root, env);
    const r = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'policies')),
    });
    assert.equal(r.files[0]!.file, 'policies/block-pii-exfiltration-2.yaml');
    const outside = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'drafts')),
    });
    assert.deepEqual(outside.files, []);
    assert.equal(outside.notExported.length, SEED.length);
    assert.match(
      outside.notExported[0]!.reason,
      /^sync would not read drafts\/block-pii-exfiltration\.yaml \(/,
    );
    // The notification names a few and counts the rest (the output lists each): every policy of a
    // large org refused made one notification of hundreds of kilobytes.
    const said = nothingToExport(outside);
    assert.equal(said.split(' not read ').length - 1, 3, said);
    assert.match(
      said,
      new RegExp(`; and ${SEED.length - 3} more \\(each is in the Policy Lens output\\)\\.$`),
    );
    const { detail } = exportConfirmation({ ...outside, files: r.files.slice(0, 1) });
    assert.deepEqual(
      detail
        .split('\n')
        .filter((l) => l.startsWith('✗'))
        .slice(3),
      [`✗ … and ${SEED.length - 3} more not exported (each is in the Policy Lens output)`],
    );
  });

  it('writes where the scan reads: through a link, into its folder; a link out of the workspace is refused', async () => {
    const root = workspace({
      'policylens.config.yaml': "include: ['linked/**', 'policies/**', 'outside/**']\n",
    });
    const elsewhere = workspace();
    mkdirSync(join(root, 'policies'));
    symlinkSync('policies', join(root, 'linked'));
    symlinkSync(elsewhere, join(root, 'outside'));
    const client = await server(root, env);
    // Written through the link to a folder outside, the files were read once (the client announces
    // them) and dropped by the next scan, which follows no link: "Live only" again, and `-2` files.
    const out = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'outside')),
    });
    assert.equal(out.state, 'refused');
    assert.match(
      out.message ?? '',
      /^outside is a symbolic link \(or lies under one\) to a folder outside the workspace folders: /,
    );
    assert.deepEqual(out.files, []);
    // A link to a folder of the workspace: the files go into that folder, where the scan reads them.
    const linked = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'linked')),
    });
    assert.equal(linked.state, 'ok', linked.message);
    assert.equal(linked.folder, 'policies');
    assert.equal(linked.files[0]!.uri, fileUri(join(root, 'policies', 'block-pii-exfiltration.yaml')));
    const { folders } = await client.request<{ folders: { label: string }[] }>(
      ExportFoldersRequest.method,
      {},
    );
    assert.deepEqual(
      folders.map((f) => f.label),
      ['policies', root.slice(root.lastIndexOf('/') + 1)],
      'a link is offered as its folder, and a link out of the workspace not at all',
    );
  });

  it('reads the workspace folder by its path, however the client spells its URI', async () => {
    // pathToFileURL leaves `+`, `(` and `)` as they are; the server's URIs escape them. The scan's
    // check compared the spellings, and every file was "not read" there, so nothing was exported.
    const root = join(workspace(), 'a+b (c)');
    mkdirSync(join(root, 'policies'), { recursive: true });
    const client = await server(root, env);
    const r = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'policies')),
    });
    assert.deepEqual(r.notExported, []);
    assert.equal(r.files.length, SEED.length);
    assert.equal(r.files[0]!.file, 'policies/block-pii-exfiltration.yaml');
  });

  it("a folder the config's dialects give another dialect gets nothing, as in the CLI", async () => {
    const files = { 'policylens.config.yaml': "dialects:\n  'policies/**': preloop\n" };
    const cliRoot = workspace(files);
    mkdirSync(join(cliRoot, 'policies'));
    const cli = await runCli(['export', 'policies', '--dry-run'], env, cliRoot);
    assert.equal(cli.status, 1);
    const root = workspace(files);
    mkdirSync(join(root, 'policies'));
    const client = await server(root, env);
    const r = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'policies')),
    });
    // It wrote them: `policylens sync` never reads them as bundles, and exports them again.
    assert.deepEqual(r.files, []);
    assert.deepEqual(
      r.notExported.map((n) => `  ✗ ${JSON.stringify(n.name)}`),
      cli.stdout
        .split('\n')
        .filter((l) => l.startsWith('  ✗'))
        .map((l) => l.replace(/\s+not exported: .*$/, '')),
    );
    assert.match(r.notExported[0]!.reason, /the project config names another dialect for it/);
  });

  it('an invalid bundle stops it, in the words of policylens export', async () => {
    const files = { 'policies/bad.yaml': 'name: Bad\npolicyType: nonsense\n' };
    const cli = await runCli(['export', 'policies'], env, workspace(files));
    assert.equal(cli.status, 1);
    const root = workspace(files);
    const client = await server(root, env);
    const r = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'policies')),
    });
    assert.equal(r.state, 'refused');
    assert.deepEqual([...(r.details ?? []), `policylens export: ${r.message}`].join('\n') + '\n', cli.stderr);
    assert.deepEqual(r.files, []);
    // A thousand invalid bundles: the notification names three, the output has each.
    const many = refusal({ ...r, details: Array.from({ length: 5 }, () => r.details![0]!) });
    assert.equal(many.split(' — invalid: ').length - 1, 3, many);
    assert.match(many, / … and 2 more \(each is in the Policy Lens output\)\.$/);
    assert.match(
      refusal(r),
      /^Policy Lens: export refused: 1 invalid bundle: fix it \(policylens lint\) before export\. ✗ policies\/bad\.yaml — invalid: /,
    );
  });

  it('refuses in a workspace its scan read only in part, and names the CLI', async () => {
    // The limit is 50,000 files; the environment lowers it for this test. With the index partial, a
    // policy declared in a file the scan did not read looked live-only, and was written again.
    const files = {
      'policies/declared.yaml': BUNDLES['data-access.yaml']!,
      'config/a.yaml': 'a: 1\n',
      'config/b.yaml': 'b: 1\n',
    };
    const root = workspace(files);
    const capped = await server(root, { ...env, POLICYLENS_SCAN_MAX_FILES: '2' });
    const r = await capped.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'policies')),
    });
    assert.equal(r.state, 'refused');
    assert.deepEqual(r.files, []);
    assert.match(
      refusal(r),
      /^Policy Lens: export refused: the editor read only the first 2 YAML\/JSON files of this workspace \(its scan stops there\), .* Run `policylens export policies` from the workspace folder \(the CLI reads every file\)/,
    );
    const atRoot = await capped.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(root),
    });
    assert.match(atRoot.message ?? '', /Run `policylens export \.` from the workspace folder/);
    // Read whole, the same workspace exports every policy but the one it declares.
    const whole = await server(root, { ...env, POLICYLENS_SCAN_MAX_FILES: '3' });
    const ok = await whole.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(join(root, 'policies')),
    });
    assert.equal(ok.state, 'ok', ok.message);
    assert.equal(ok.declared, 1);
    assert.equal(ok.files.length, SEED.length - 1);
  });

  it('without an org: says why, and writes nothing', async () => {
    const root = workspace();
    const client = await server(root, {});
    const r = await client.request<ExportLiveOnlyResult>(ExportLiveOnlyRequest.method, {
      folder: fileUri(root),
    });
    assert.equal(r.state, 'not-configured');
    assert.match(r.message ?? '', /not configured/);
    assert.deepEqual(r.files, []);
  });
});
