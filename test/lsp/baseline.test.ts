// The baseline command (policyLens.addBaselinePolicies) in a server in this process, on memory
// files: it proposes the baseline bundles that the workspace lacks as one workspace/applyEdit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startInProcess } from '../support/inProcess';

describe('lsp baseline command', () => {
  it('writes the missing baseline bundles through workspace/applyEdit, skipping existing names', async () => {
    const { client } = startInProcess({
      files: {
        '/ws/policies/mine.yaml':
          'name: PII Protection\npolicyType: pii_access\nenforcementMode: block\nruleDefinition: {}\n',
        '/ws/policies/daily-cost-limit.yaml': '# taken by another file\n',
      },
    });
    try {
      await client.initialize({ rootUri: 'file:///ws' });
      const result = await client.request<{
        applied: boolean;
        created: string[];
        skipped: { name: string }[];
      }>('workspace/executeCommand', { command: 'policyLens.addBaselinePolicies', arguments: [] });
      assert.equal(result.applied, true);
      assert.deepEqual(result.created, [
        'Block Prompt Injection',
        'Monthly Budget Cap',
        'Require Approval for Costly Production Calls',
      ]);
      assert.deepEqual(
        result.skipped.map((s) => s.name),
        ['PII Protection', 'Daily Cost Limit'],
      );
      const apply = client.serverRequests.find((r) => r.method === 'workspace/applyEdit');
      const changes = (apply?.params as { edit: { documentChanges: { kind?: string; uri?: string }[] } }).edit
        .documentChanges;
      assert.deepEqual(
        changes.filter((c) => c.kind === 'create').map((c) => c.uri!.slice('file:///ws'.length)),
        [
          '/policies/block-prompt-injection.yaml',
          '/policies/monthly-budget-cap.yaml',
          '/policies/require-approval-for-costly-production-calls.yaml',
        ],
      );
      const texts = changes.filter((c) => !c.kind) as unknown as { edits: { newText: string }[] }[];
      assert.match(texts[0].edits[0].newText, /^name: Block Prompt Injection\npolicyType: injection_scan\n/);
    } finally {
      await client.shutdown();
    }
  });
});
