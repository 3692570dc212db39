// A policy opened as `yaml` or `json` is handed to our own language id (docs/decisions/coexistence.md):
// with a client that declared `policyLanguages`, the server asks it to switch the document
// (`policyLens/adoptDocument`) and publishes nothing until it answered, so the YAML and JSON
// extensions, which the editor also gave the document, are never shown beside our diagnostics.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startInProcess, type InProcessServer } from '../support/inProcess';

const ADOPT = 'policyLens/adoptDocument';
const BUNDLE = 'name: guard\npolicyType: pii_access\nenforcementMode: blok\nruleDefinition: {}\n';
const BUNDLE_JSON =
  '{\n  "name": "guard",\n  "policyType": "pii_access",\n  "enforcementMode": "blok",\n  "ruleDefinition": {}\n}\n';

/** Lets the server run (its virtual clock jumps while this process is idle) until `check` holds. */
async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const v = check();
    if (v !== undefined) return v;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

describe('policy files get our language id (policyLens/adoptDocument)', () => {
  const servers: InProcessServer[] = [];
  const start = async (initializationOptions: object, adopted = true) => {
    const s = startInProcess({});
    servers.push(s);
    s.client.handlers.set(ADOPT, () => ({ adopted }));
    await s.client.initialize({ rootUri: 'file:///ws', initializationOptions });
    return s;
  };
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });
  const asked = (s: InProcessServer) => s.client.serverRequests.filter((r) => r.method === ADOPT);
  const published = (s: InProcessServer, uri: string) => s.client.diagnostics.filter((p) => p.uri === uri);

  it('asks to switch a YAML policy, publishes nothing for it as `yaml`, then its findings once it is ours', async () => {
    const s = await start({ policyLanguages: true });
    const uri = s.fs.write('/ws/policies/guard.yaml', BUNDLE);
    s.client.open(uri, BUNDLE, 'yaml');
    const request = await until(() => asked(s)[0], 'the adopt request');
    assert.deepEqual(request.params, { uri, languageId: 'policylens-yaml' });
    // A policy opened after it, already in our language, gets its diagnostics: the first one's run
    // is over by then, and it published nothing.
    const laterText = BUNDLE.replace('guard', 'later');
    const later = s.fs.write('/ws/policies/later.policy.yaml', laterText);
    s.client.open(later, laterText, 'policylens-yaml');
    await s.client.waitForDiagnostics(later, 1);
    assert.deepEqual(published(s, uri), [], 'no diagnostics while the client switches the language');

    // What VS Code does on setTextDocumentLanguage: close, then open with the new id.
    s.client.close(uri);
    s.client.open(uri, BUNDLE, 'policylens-yaml');
    const p = await s.client.waitForDiagnostics(uri, 1);
    assert.deepEqual(
      p.diagnostics.map((d) => d.code),
      ['schema/enum'],
    );
    assert.equal(asked(s).length, 1, 'a document of our language is not asked about again');
  });

  it('asks for `policylens-json` for a JSON policy, and never for a file that is not a policy', async () => {
    const s = await start({ policyLanguages: true });
    const foreign = s.fs.write(
      '/ws/policies/kyverno.yaml',
      'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n',
    );
    s.client.open(foreign, 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n', 'yaml');
    const uri = s.fs.write('/ws/policies/guard.json', BUNDLE_JSON);
    s.client.open(uri, BUNDLE_JSON, 'json');
    const request = await until(() => asked(s)[0], 'the adopt request');
    assert.deepEqual(request.params, { uri, languageId: 'policylens-json' });
    assert.equal(asked(s).length, 1, 'the Kyverno manifest stays YAML');
  });

  it('publishes on the `yaml` document when the client keeps its language', async () => {
    const s = await start({ policyLanguages: true }, false);
    const uri = s.fs.write('/ws/policies/guard.yaml', BUNDLE);
    s.client.open(uri, BUNDLE, 'yaml');
    const p = await s.client.waitForDiagnostics(uri, 1);
    assert.equal(asked(s).length, 1);
    assert.deepEqual(
      p.diagnostics.map((d) => d.code),
      ['schema/enum'],
    );
  });

  it('a client that did not declare policyLanguages (Neovim, Helix) is never asked', async () => {
    const s = await start({});
    const uri = s.fs.write('/ws/policies/guard.yaml', BUNDLE);
    s.client.open(uri, BUNDLE, 'yaml');
    const p = await s.client.waitForDiagnostics(uri, 1);
    assert.equal(p.diagnostics.length, 1);
    assert.equal(asked(s).length, 0);
  });

  it('our language id makes an unsaved, still empty file a policy: it is offered the skeleton', async () => {
    const s = await start({ policyLanguages: true });
    const uri = 'untitled:Untitled-1';
    s.client.open(uri, '', 'policylens-yaml');
    const list = await s.client.request<{ items: { label: string }[] } | { label: string }[]>(
      'textDocument/completion',
      { textDocument: { uri }, position: { line: 0, character: 0 } },
    );
    const items = Array.isArray(list) ? list : list.items;
    assert.ok(items.length > 0, 'completion offers something in an empty policy');
    assert.equal(asked(s).length, 0);
  });
});
