// The extension shows the policies' first diagnostics before its server has started, computed in the
// extension host by `firstDiagnostics` (server/src/lsp/firstDiagnostics.ts). The server's first
// publication then replaces them, so they must be the same: checked here on every input of the
// lint, dialect, detection and config fixtures (inline suppressions among them), each sent with
// `initialize` as the extension sends it and compared, field by field, with what the server
// publishes first.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { firstDiagnostics } from '../../server/src/lsp/firstDiagnostics';
import type { OpenDocument, PolicyLensInitializationOptions } from '../../server/src/protocol/initialization';
import { idle, startInProcess, type InProcessServer } from '../support/inProcess';

const ROOT = join(__dirname, '..', 'fixtures');
const FOLDER = 'file:///ws';
const CAPABILITIES = {
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: false } },
  textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
};
/** What the extension sends (client/src/languageClient.ts), with its default settings. */
const OPTIONS: PolicyLensInitializationOptions = {
  trusted: true,
  apiUrl: '',
  codeLens: { enabled: true, sync: true, chain: true },
  validate: true,
  refreshIntervalSeconds: 300,
  files: ['**/policies/**/*.{json,yaml,yml}', '**/*.policy.{json,yaml,yml}'],
  policyLanguages: true,
};

function inputs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...inputs(path));
    else if (/\.(ya?ml|json)$/.test(name) && !/^expected/.test(name)) out.push(path);
  }
  return out;
}

const FILES = ['lint', 'dialects', 'detect', 'config'].flatMap((area) => inputs(join(ROOT, area)));

/** A fixture as the extension would send it: under policies/, in our language id. */
function asOpen(path: string): OpenDocument {
  const json = extname(path) === '.json';
  return {
    uri: `${FOLDER}/policies/${relative(ROOT, path).replaceAll('/', '--')}`,
    languageId: json ? 'policylens-json' : 'policylens-yaml',
    version: 1,
    text: readFileSync(path, 'utf8'),
  };
}

describe('first diagnostics computed without the server (extension host)', () => {
  const servers: InProcessServer[] = [];
  after(async () => {
    for (const s of servers) await s.client.shutdown();
  });

  /** The server's first publication for `doc` sent with `initialize`; undefined when it publishes none. */
  async function serverFirst(doc: OpenDocument, options = OPTIONS) {
    const s = startInProcess({ files: {} });
    servers.push(s);
    await s.client.request('initialize', {
      processId: null,
      rootUri: FOLDER,
      workspaceFolders: [{ uri: FOLDER, name: 'ws' }],
      capabilities: CAPABILITIES,
      initializationOptions: { ...options, openDocuments: [doc] },
    });
    await idle(s);
    return s.client.diagnostics.find((p) => p.uri === doc.uri);
  }

  it(`equals the server's first publication on each of ${FILES.length} fixture inputs`, async () => {
    assert.ok(FILES.length >= 100, `the corpus has its inputs: ${FILES.length}`);
    let withFindings = 0;
    for (const path of FILES) {
      const doc = asOpen(path);
      const server = await serverFirst(doc);
      const ours = firstDiagnostics([doc], OPTIONS, [FOLDER]);
      assert.deepEqual(ours, server ? [server] : [], relative(ROOT, path));
      if (server?.diagnostics.length) withFindings++;
    }
    // Most fixtures plant findings: the comparison is not of empty lists.
    assert.ok(withFindings >= FILES.length / 2, `${withFindings} of ${FILES.length} inputs have findings`);
  });

  it('computes each of several documents as the server publishes them, and none for a foreign one', async () => {
    const docs = [
      asOpen(join(ROOT, 'lint', 'empty-enum-value', 'input.yaml')),
      { ...asOpen(join(ROOT, 'lint', 'bom-crlf', 'input.yaml')), uri: `${FOLDER}/other.policy.yaml` },
      // Our language id, but a Kubernetes manifest: the server publishes nothing for it.
      {
        uri: `${FOLDER}/policies/deployment.yaml`,
        languageId: 'policylens-yaml',
        version: 3,
        text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
      },
    ];
    const ours = firstDiagnostics(docs, OPTIONS, [FOLDER]);
    assert.deepEqual(
      ours.map((p) => p.uri),
      docs.slice(0, 2).map((d) => d.uri),
    );
    for (const [i, doc] of docs.entries()) {
      const server = await serverFirst(doc);
      assert.deepEqual(server, ours[i], doc.uri);
    }
  });

  it('reads a file a `dialects` glob forces as that dialect, as the server does from the start', async () => {
    const options = { ...OPTIONS, dialects: { '**/forced/**': 'preloop' } };
    const doc = {
      ...asOpen(join(ROOT, 'lint', 'empty-enum-value', 'input.yaml')),
      uri: `${FOLDER}/policies/forced/bundle.yaml`,
    };
    const [forced] = firstDiagnostics([doc], options, [FOLDER]);
    const [detected] = firstDiagnostics([doc], OPTIONS, [FOLDER]);
    // An Execlave bundle read as a Preloop document: other findings than when detected.
    assert.notDeepEqual(forced?.diagnostics, detected?.diagnostics);
    assert.deepEqual(await serverFirst(doc, options), forced);
  });

  it('computes nothing with validation off, as the server then publishes empty lists', async () => {
    const doc = asOpen(join(ROOT, 'lint', 'empty-enum-value', 'input.yaml'));
    assert.ok(firstDiagnostics([doc], OPTIONS, [FOLDER])[0]!.diagnostics.length > 0);
    assert.deepEqual(firstDiagnostics([doc], { ...OPTIONS, validate: false }, [FOLDER]), []);
    const server = await serverFirst(doc, { ...OPTIONS, validate: false });
    assert.deepEqual(server?.diagnostics ?? [], []);
  });
});
