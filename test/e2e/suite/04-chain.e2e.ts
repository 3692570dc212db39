// The Chain view's data: the workspace's bundles in evaluation order.
import * as assert from 'node:assert/strict';
import { api } from './helpers';

describe('chain view', () => {
  it('lists the workspace policies in evaluation order', async () => {
    const a = await api();
    const order = await a.chainTree.load();
    assert.ok(order, a.chainTree.message ?? 'the server answered');
    const names = order.entries.map((e) => e.name);
    for (const n of ['Daily Cost Limit', 'PII Protection', 'Block Prompt Injection'])
      assert.ok(names.includes(n), `${n} is listed (${names.join(', ')})`);
    const items = a.chainTree.getChildren().map((n) => a.chainTree.getTreeItem(n));
    assert.equal(items.length, order.entries.length);
    assert.match(String(items[0]!.label), /^1\. /);
  });
});
