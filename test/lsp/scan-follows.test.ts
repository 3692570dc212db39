// The chain index follows what decides which files the workspace scan reads, as `policylens lint`
// walks the folder at every run: a config whose include/exclude or `gitignore` changes, a
// .gitignore that changes, a file event for a file the scan would skip, a folder deleted in one
// event, a file from outside the workspace opened and closed, a folder added to the workspace. Before, the scan ran once and file
// events indexed any YAML/JSON file: the editor kept showing a cross-file finding lint did not
// report (or missed one it did) until the server restarted. Found by the fourth cliff hunt.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { MAX_SCANNED_FILES } from '../../server/src/lsp/chain/scanner';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';

const bundle = (name: string, prerequisites: string[] = []) =>
  `name: ${name}\npolicyType: pii_access\nenforcementMode: block\nruleDefinition:\n  denied_pii_types: [ssn]\n` +
  (prerequisites.length ? `prerequisites: [${prerequisites.join(', ')}]\n` : '');

const uri = (path: string) => URI.file(path).toString();
const CREATED = 1;
const CHANGED = 2;
const DELETED = 3;

const servers: InProcessServer[] = [];
after(async () => {
  for (const s of servers) await s.client.shutdown();
});

/** A server on `files`, with `open` opened, once the scan is done. */
async function start(files: Record<string, string>, open: string): Promise<InProcessServer> {
  const s = startInProcess({ files });
  servers.push(s);
  await s.client.initialize({ rootUri: 'file:///ws' });
  s.client.open(uri(open), files[open]);
  await s.client.request('policyLens/chainOrder', {});
  await idle(s);
  return s;
}

/** The chain codes last published for a file. */
function chainCodes(s: InProcessServer, path: string): string[] {
  const published = s.client.diagnostics.filter((p) => p.uri === uri(path));
  const last = published[published.length - 1];
  return (last?.diagnostics ?? []).map((d) => String(d.code)).filter((c) => c.startsWith('chain/'));
}

/** Writes (or deletes) files on disk and sends the events an editor sends. */
async function onDisk(s: InProcessServer, changes: [string, string | null, number?][]): Promise<void> {
  const events = changes.map(([path, text, type]) => {
    if (text === null) s.fs.delete(path);
    else s.fs.write(path, text);
    return { uri: uri(path), type: type ?? (text === null ? DELETED : CHANGED) };
  });
  s.client.notify('workspace/didChangeWatchedFiles', { changes: events });
  await idle(s);
}

const OPEN = '/ws/policies/a.yaml';
const CONFIG = '/ws/policylens.config.yaml';

describe('the chain index follows what the scan reads', () => {
  it('an exclude added to the config drops the files it excludes', async () => {
    const s = await start({ [OPEN]: bundle('dup'), '/ws/old/a.yaml': bundle('dup') }, OPEN);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/duplicate-name']);
    await onDisk(s, [[CONFIG, "exclude: ['old/**']\n", CREATED]]);
    assert.deepEqual(chainCodes(s, OPEN), []);
  });

  it('an exclude removed from the config reads the files it excluded', async () => {
    const s = await start(
      { [OPEN]: bundle('a', ['b']), '/ws/old/b.yaml': bundle('b'), [CONFIG]: "exclude: ['old/**']\n" },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
    await onDisk(s, [[CONFIG, 'gitignore: true\n']]);
    assert.deepEqual(chainCodes(s, OPEN), []);
  });

  it('`gitignore: false` added reads what git ignores, and a changed .gitignore is followed', async () => {
    const s = await start(
      {
        [OPEN]: bundle('a', ['b']),
        '/ws/generated/b.yaml': bundle('b'),
        '/ws/.git/HEAD': 'ref: refs/heads/main\n',
        '/ws/.gitignore': 'generated/\n',
      },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
    await onDisk(s, [[CONFIG, 'gitignore: false\n', CREATED]]);
    assert.deepEqual(chainCodes(s, OPEN), []);
    await onDisk(s, [[CONFIG, null]]);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
    await onDisk(s, [['/ws/.gitignore', 'build/\n']]);
    assert.deepEqual(chainCodes(s, OPEN), []);
  });

  it('a batch with a .gitignore change still applies its other events', async () => {
    const s = await start(
      {
        [OPEN]: bundle('a', ['b']),
        '/ws/other/b.yaml': bundle('b'),
        '/ws/.git/HEAD': 'ref\n',
        '/ws/.gitignore': 'x/\n',
      },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), []);
    await onDisk(s, [
      ['/ws/other/b.yaml', bundle('renamed')],
      ['/ws/.gitignore', 'y/\n'],
    ]);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
  });

  it('a file event for an excluded or ignored file does not index it', async () => {
    const s = await start(
      {
        [OPEN]: bundle('dup'),
        '/ws/.git/HEAD': 'ref: refs/heads/main\n',
        '/ws/.gitignore': 'dist/\n',
        [CONFIG]: "exclude: ['drafts/**']\n",
      },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), []);
    await onDisk(s, [
      ['/ws/drafts/a.yaml', bundle('dup'), CREATED],
      ['/ws/dist/a.yaml', bundle('dup'), CREATED],
      ['/ws/node_modules/pkg/a.yaml', bundle('dup'), CREATED],
    ]);
    assert.deepEqual(chainCodes(s, OPEN), []);
    // The control: the same file where the scan reads it.
    await onDisk(s, [['/ws/kept/a.yaml', bundle('dup'), CREATED]]);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/duplicate-name']);
  });

  it('a folder deleted in one event drops its files', async () => {
    const s = await start(
      { [OPEN]: bundle('dup'), '/ws/old/a.yaml': bundle('dup'), '/ws/old/deeper/b.yaml': bundle('dup') },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), ['chain/duplicate-name']);
    s.fs.delete('/ws/old/a.yaml');
    s.fs.delete('/ws/old/deeper/b.yaml');
    await onDisk(s, [['/ws/old', null, DELETED]]);
    assert.deepEqual(chainCodes(s, OPEN), []);
  });

  it('a file from outside the workspace leaves the index when it is closed', async () => {
    const s = await start({ [OPEN]: bundle('dup') }, OPEN);
    // Saved on disk too: its file is not the workspace's, whatever it holds.
    const outside = s.fs.write('/elsewhere/a.yaml', bundle('dup'));
    s.client.open(outside, bundle('dup'));
    await idle(s);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/duplicate-name']);
    s.client.close(outside);
    await idle(s);
    assert.deepEqual(chainCodes(s, OPEN), []);
  });

  it('an open file deleted and created again on disk shows its findings again', async () => {
    const text = `${bundle('a', ['nowhere'])}`.replace('pii_access', 'pii_acess');
    const s = await start({ [OPEN]: text }, OPEN);
    const codes = () =>
      (s.client.diagnostics.filter((p) => p.uri === uri(OPEN)).at(-1)?.diagnostics ?? []).map((d) =>
        String(d.code),
      );
    assert.deepEqual(codes().sort(), ['chain/missing-prerequisite', 'schema/enum']);
    await onDisk(s, [
      [OPEN, null, DELETED],
      [OPEN, text, CREATED],
    ]);
    assert.deepEqual(codes().sort(), ['chain/missing-prerequisite', 'schema/enum']);
  });
});

describe('workspace folders', () => {
  it('an added folder is scanned, a removed one leaves the index', async () => {
    const files = { [OPEN]: bundle('a', ['b']), '/other/b.yaml': bundle('b') };
    const s = startInProcess({ files });
    servers.push(s);
    const { capabilities } = await s.client.initialize({
      rootUri: 'file:///ws',
      capabilities: { workspace: { configuration: true, workspaceFolders: true } },
    });
    assert.deepEqual((capabilities.workspace as { workspaceFolders?: unknown }).workspaceFolders, {
      supported: true,
      changeNotifications: true,
    });
    s.client.open(uri(OPEN), files[OPEN]);
    await s.client.request('policyLens/chainOrder', {});
    await idle(s);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
    const folder = { uri: uri('/other'), name: 'other' };
    s.client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [folder], removed: [] } });
    await idle(s);
    assert.deepEqual(chainCodes(s, OPEN), []);
    s.client.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folder] } });
    await idle(s);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
  });
});

describe('a workspace folder change re-lists the workspace once', () => {
  // The config's project listener re-lists when the configs changed; the folder change re-listed
  // once more after it (and analysed every open document a second time).
  const CASES: { why: string; files: Record<string, string>; added?: string; removed?: string }[] = [
    {
      why: 'an added folder with a policylens.config.yaml',
      files: { '/other/policylens.config.yaml': "exclude: ['drafts/**']\n", '/other/b.yaml': bundle('b') },
      added: '/other',
    },
    { why: 'an added folder without one', files: { '/other/b.yaml': bundle('b') }, added: '/other' },
    {
      why: 'a removed folder with one',
      files: { '/ws/policylens.config.yaml': 'gitignore: true\n', '/other/b.yaml': bundle('b') },
      removed: '/ws',
    },
  ];
  for (const c of CASES)
    it(c.why, async () => {
      const files = { [OPEN]: bundle('a', ['b']), ...c.files };
      const s = startInProcess({ files });
      servers.push(s);
      await s.client.initialize({
        rootUri: 'file:///ws',
        capabilities: { workspace: { configuration: true, workspaceFolders: true } },
      });
      s.client.open(uri(OPEN), files[OPEN]);
      await s.client.request('policyLens/chainOrder', {});
      await idle(s);
      const relists = () =>
        s.client.logs.filter((l) => l.startsWith('chain: re-listed the workspace')).length;
      const before = relists();
      const folder = (path?: string) => (path ? [{ uri: uri(path), name: path }] : []);
      s.client.notify('workspace/didChangeWorkspaceFolders', {
        event: { added: folder(c.added), removed: folder(c.removed) },
      });
      await idle(s);
      assert.equal(relists() - before, 1);
    });
});

describe('config loads that end out of order', () => {
  it('a load overtaken by a newer one applies nothing', async () => {
    const s = await start(
      { [OPEN]: bundle('dup'), '/ws/old/a.yaml': bundle('dup'), [CONFIG]: "exclude: ['old/**']\n" },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), []);
    // The next read of the config is held (a slow disk, a network folder) until released.
    const read = s.fs.readFile.bind(s.fs);
    let release = (): void => undefined;
    let held = false;
    s.fs.readFile = (u: string) => {
      if (u !== uri(CONFIG) || held) return read(u);
      held = true;
      const text = read(u);
      return new Promise((resolve) => (release = () => resolve(text)));
    };
    // An edit that stops excluding old/, saved and then undone: the first load reads the edit and
    // is held, the second reads the undone text and ends first.
    await onDisk(s, [[CONFIG, "exclude: ['other/**']\n"]]);
    await onDisk(s, [[CONFIG, "exclude: ['old/**', 'drafts/**']\n"]]);
    assert.ok(held);
    assert.deepEqual(chainCodes(s, OPEN), []);
    release();
    await idle(s);
    // The config on disk still excludes old/: its bundle stays out of the chain.
    assert.deepEqual(chainCodes(s, OPEN), []);
  });
});

describe('a large workspace', () => {
  const fixtures = (n: number) =>
    Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`/ws/fixtures/f${String(i).padStart(6, '0')}.json`, '{}\n']),
    );

  it('is scanned past 5,000 YAML/JSON files (package.json and fixtures count)', async () => {
    // Listed after the 10,000 fixtures: the old limit of 5,000 files left it out.
    const s = await start(
      { ...fixtures(10_000), [OPEN]: bundle('a', ['b']), '/ws/zz/b.yaml': bundle('b') },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), []);
  });

  // The limit counts the files the scan reads: one past it makes the index partial (no prerequisite
  // is reported missing, and the log says why); files git ignores do not count. Before, exactly
  // MAX_SCANNED_FILES files was partial, and ignored files counted (a repository with many ignored
  // fixtures had no missing prerequisite reported, and a bundle listed after them was not read).
  const REPO = { '/ws/.git/HEAD': 'ref: refs/heads/main\n', '/ws/.gitignore': 'fixtures/\n' };
  const LIMITS: { why: string; files: Record<string, string>; prerequisites: string[]; partial: boolean }[] =
    [
      {
        why: 'exactly at the limit: complete',
        files: fixtures(MAX_SCANNED_FILES - 1),
        prerequisites: ['nowhere'],
        partial: false,
      },
      {
        why: 'one past the limit: partial',
        files: fixtures(MAX_SCANNED_FILES),
        prerequisites: ['nowhere'],
        partial: true,
      },
      {
        why: 'past the limit with the files git ignores: complete, and a bundle after them is read',
        files: { ...fixtures(MAX_SCANNED_FILES), ...REPO, '/ws/zz/b.yaml': bundle('b') },
        prerequisites: ['b', 'nowhere'],
        partial: false,
      },
    ];
  for (const c of LIMITS)
    it(c.why, async () => {
      const s = await start({ ...c.files, [OPEN]: bundle('a', c.prerequisites) }, OPEN);
      const missing = s.client.diagnostics
        .filter((p) => p.uri === uri(OPEN))
        .at(-1)
        ?.diagnostics.filter((d) => d.code === 'chain/missing-prerequisite')
        .map((d) => d.message);
      if (c.partial) assert.deepEqual(missing, []);
      else {
        assert.equal(missing?.length, 1, missing?.join('\n'));
        assert.match(missing?.[0] ?? '', /nowhere/);
      }
      const said = s.client.logs.some((l) => l.includes(`more than ${MAX_SCANNED_FILES} YAML/JSON files`));
      assert.equal(said, c.partial);
    });

  it('a .gitignore that brings the workspace under the limit shows the missing prerequisites', async () => {
    // The index holds the same bundles before and after (the fixtures are none): only its being
    // partial changes, which the index's stamp did not say, so the open file was not published again.
    const s = await start(
      {
        ...fixtures(MAX_SCANNED_FILES),
        ...REPO,
        '/ws/.gitignore': 'build/\n',
        [OPEN]: bundle('a', ['nowhere']),
      },
      OPEN,
    );
    assert.deepEqual(chainCodes(s, OPEN), []);
    await onDisk(s, [['/ws/.gitignore', 'fixtures/\n']]);
    assert.deepEqual(chainCodes(s, OPEN), ['chain/missing-prerequisite']);
    assert.ok(s.client.logs.some((l) => l.includes('the index covers the workspace again')));
  });
});
