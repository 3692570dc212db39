// What the server takes from `initialize` about the workspace: an older client that sends only the
// deprecated `rootPath` (no workspaceFolders, no rootUri) still gets its folder indexed, so a
// prerequisite that exists on disk is not reported missing (field test 4). In process: memory
// files, virtual clock.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { idle, startInProcess } from '../support/inProcess';

const bundle = (name: string, prerequisites: string[] = []) =>
  `name: ${name}\npolicyType: tool_call\nenforcementMode: block\nruleDefinition:\n  tools: [a]\n` +
  (prerequisites.length ? `prerequisites: [${prerequisites.join(', ')}]\n` : '');

it('a client that sends only rootPath gets its workspace', async () => {
  const server = startInProcess({
    files: {
      '/ws/policies/a.yaml': bundle('policy-a', ['policy-b']),
      '/ws/policies/b.yaml': bundle('policy-b'),
    },
  });
  const { client } = server;
  try {
    await client.request('initialize', { processId: null, rootPath: '/ws', capabilities: {} });
    client.notify('initialized', {});
    const uri = 'file:///ws/policies/a.yaml';
    client.open(uri, bundle('policy-a', ['policy-b']));
    await client.waitForDiagnostics(uri, 1);
    await idle(server);
    const last = client.diagnostics.filter((p) => p.uri === uri).pop();
    assert.deepEqual(
      last?.diagnostics.map((d) => d.code),
      [],
    );
  } finally {
    await client.shutdown();
  }
});
