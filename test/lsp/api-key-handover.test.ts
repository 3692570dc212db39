// The API key handed over after the start (protocol API_KEY_FROM_ENV): the editor starts the server
// before it has read the key from its secret storage, so the first diagnostics never wait for that
// read; only the first read of the live org does, and it then uses the key that arrived.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { before, describe, it } from 'node:test';
import { API_KEY_FROM_ENV, type WorkspacePlan } from '../../server/src/protocol/index';
import { startInProcess } from '../support/inProcess';
import { liveOrg, type LiveOrg } from '../support/sharedRegistry';
import { SERVER_JS } from './client';

const GUARD = 'name: pii-guard\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n';

describe('the API key handed over after the start', () => {
  let live: LiveOrg;
  before(async () => {
    live = await liveOrg('api-key-handover');
  });

  it('diagnostics come before the key; the plan waits for it and reads the org with it', async () => {
    let give!: (key: string) => void;
    const apiKey = new Promise<string>((resolve) => (give = resolve));
    const s = startInProcess({
      files: { '/ws/policies/guard.yaml': GUARD },
      env: { POLICYLENS_API_URL: live.url },
      apiKey,
    });
    await s.client.initialize({ rootUri: 'file:///ws' });
    const uri = 'file:///ws/policies/guard.yaml';
    s.client.open(uri, GUARD);
    await s.client.waitForDiagnostics(uri);
    let answered = false;
    const plan = s.client
      .request<WorkspacePlan>('policyLens/workspacePlan', { refresh: false })
      .finally(() => (answered = true));
    // Other requests are answered meanwhile: the plan is the one thing that waits.
    await s.client.request('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(answered, false, 'the plan did not wait for the key');
    give(live.key);
    const p = await plan;
    assert.equal(p.state, 'ok', p.message);
    assert.deepEqual(
      p.entries.map((e) => [e.name, e.action]),
      [['pii-guard', 'create']],
    );
    await s.client.shutdown();
  });

  it('an empty key is "no key": sync is not configured', async () => {
    const s = startInProcess({
      files: { '/ws/policies/guard.yaml': GUARD },
      env: { POLICYLENS_API_URL: live.url },
      apiKey: Promise.resolve(''),
    });
    await s.client.initialize({ rootUri: 'file:///ws' });
    const p = await s.client.request<WorkspacePlan>('policyLens/workspacePlan', { refresh: false });
    assert.equal(p.state, 'not-configured');
    await s.client.shutdown();
  });

  it('dist/server.js over --node-ipc reads the key from its standard input', async () => {
    const child = fork(SERVER_JS, ['--node-ipc'], {
      stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
      env: {
        ...process.env,
        POLICYLENS_API_URL: live.url,
        POLICYLENS_API_KEY: '',
        [API_KEY_FROM_ENV]: 'stdin',
      },
    });
    try {
      const answers = new Map<number, (result: unknown) => void>();
      child.on('message', (msg: { id?: number; method?: string; result?: unknown }) => {
        if (msg.id !== undefined && msg.method === undefined) answers.get(msg.id)?.(msg.result);
        // Requests from the server (configuration, registrations) get an empty answer.
        else if (msg.id !== undefined) child.send({ jsonrpc: '2.0', id: msg.id, result: null });
      });
      const request = <R>(id: number, method: string, params: unknown) =>
        new Promise<R>((resolve) => {
          answers.set(id, resolve as (r: unknown) => void);
          child.send({ jsonrpc: '2.0', id, method, params });
        });
      await request(1, 'initialize', { processId: null, rootUri: null, capabilities: {} });
      child.send({ jsonrpc: '2.0', method: 'initialized', params: {} });
      const plan = request<WorkspacePlan>(2, 'policyLens/workspacePlan', { refresh: false });
      child.stdin!.end(`${live.key}\n`);
      const p = await plan;
      assert.equal(p.state, 'ok', p.message);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await request(3, 'shutdown', null);
      child.send({ jsonrpc: '2.0', method: 'exit', params: null });
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  });
});
