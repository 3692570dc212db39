// The test files' policy loader keeps what it read only while a test file uses it. It kept every
// listing and every file it had read until a file event: a `policies:` typed through `../../` or
// `/` on the way to its path read thousands of files once and held them for the server's life
// (206 → 312 MB in the fuzzing of test files). The loader is the component under test; its ports
// (the file system, the open documents, the file events) are fakes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerContext } from '../../server/src/lsp/context';
import { TestPolicies } from '../../server/src/lsp/testFiles';

const policy = (name: string) =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [shell]\n`;

/** A workspace of `big/` (200 policies), `small/` (one) and the test files at its root. */
function workspace(): Map<string, string> {
  const files = new Map<string, string>();
  for (let i = 0; i < 200; i++) files.set(`file:///w/big/p${i}.yaml`, policy(`big-${i}`));
  files.set('file:///w/small/only.yaml', policy('only'));
  return files;
}

function loader(files: Map<string, string>): TestPolicies {
  const isFolder = (uri: string) => [...files.keys()].some((f) => f.startsWith(`${uri}/`));
  const ctx = {
    runtime: {
      fs: {
        readFile: (uri: string) => Promise.resolve(files.get(uri)),
        exists: (uri: string) => Promise.resolve(files.has(uri) || isFolder(uri)),
        isFolder: (uri: string) => Promise.resolve(isFolder(uri)),
        listFiles: async (folder: string, accept: (u: string) => boolean | Promise<boolean>) => {
          const out: string[] = [];
          for (const f of files.keys()) if (f.startsWith(`${folder}/`) && (await accept(f))) out.push(f);
          return out;
        },
      },
    },
    documents: { textDocuments: { get: () => undefined } },
    files: { onDidChange: () => undefined },
  } as unknown as ServerContext;
  return new TestPolicies(ctx);
}

describe("the test files' policy loader", () => {
  it('drops the files and listings a test file no longer names', async () => {
    const l = loader(workspace());
    const t = 'file:///w/a.policytest.yaml';
    assert.equal((await l.load(t, ['big'])).sources.length, 200);
    assert.deepEqual(l.held(), { files: 200, listings: 1 });
    assert.equal((await l.load(t, ['small'])).sources.length, 1);
    assert.deepEqual(l.held(), { files: 1, listings: 1 });
  });

  it('keeps what another test file still uses, and drops all of a closed one', async () => {
    const l = loader(workspace());
    const [a, b] = ['file:///w/a.policytest.yaml', 'file:///w/b.policytest.yaml'];
    await l.load(a, ['big']);
    await l.load(b, ['big', 'small']);
    await l.load(a, ['small']);
    assert.deepEqual(l.held(), { files: 201, listings: 2 });
    l.forget(b);
    assert.deepEqual(l.held(), { files: 1, listings: 1 });
    l.forget(a);
    assert.deepEqual(l.held(), { files: 0, listings: 0 });
  });

  it('loads the same set again after a drop', async () => {
    const l = loader(workspace());
    const t = 'file:///w/a.policytest.yaml';
    const first = await l.load(t, ['big']);
    await l.load(t, ['small']);
    const again = await l.load(t, ['big']);
    assert.equal(again.sources.length, 200);
    assert.equal(again.key, first.key);
  });
});
