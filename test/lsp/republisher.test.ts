import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/core/index';
import type { PolicyDocument } from '../../server/src/lsp/documents';
import { ChainRepublisher } from '../../server/src/lsp/chain/republisher';
import type { WorkspaceIndex } from '../../server/src/lsp/chain/workspaceIndex';

const cycle = (start: number, message = 'cycle: a → b → a'): Finding => ({
  code: 'chain/cycle',
  severity: 'error',
  message,
  span: { start, end: start + 1 },
  related: [{ uri: 'file:///b.yaml', span: { start: 3, end: 4 }, message: 'b → a' }],
});

/**
 * The re-publisher against a fake index (a port: what it reads of `WorkspaceIndex`) and a host
 * whose clock runs the coalesced flush when the test says so. Each case moves the index's stamp
 * and says which open documents it expects to be published again.
 */
function harness(open: string[]) {
  const now = new Map<string, Finding[]>();
  let stamp = 0;
  let pending: (() => void) | undefined;
  const refreshed: string[] = [];
  const index = {
    isReady: true,
    get stamp() {
      return String(stamp);
    },
    visibleFindings: (doc: PolicyDocument | undefined) => (doc && now.get(doc.uri)) ?? [],
    order: () => [],
  } as unknown as WorkspaceIndex;
  const republisher = new ChainRepublisher(index, {
    runtime: {
      setTimeout: (f: () => void) => {
        pending = f;
        return 1;
      },
    },
    openUris: () => open,
    document: (uri) => ({ uri }) as PolicyDocument,
    refresh: (uri) => refreshed.push(uri),
    canRefreshLenses: () => false,
    refreshLenses: () => undefined,
  });
  /** The index changed to `findings`: flush and return the documents published again. */
  const change = (findings: Record<string, Finding[]>): string[] => {
    for (const [uri, list] of Object.entries(findings)) now.set(uri, list);
    stamp++;
    republisher.changed();
    pending?.();
    pending = undefined;
    return refreshed.splice(0);
  };
  return { republisher, change };
}

describe('the chain re-publisher', () => {
  it('publishes again exactly the open documents whose chain findings changed', () => {
    const { republisher, change } = harness(['a', 'b', 'c', 'd']);
    const shared = [cycle(10)];
    republisher.gave('a', shared);
    republisher.gave('b', [cycle(10)]);
    republisher.gave('c', [cycle(10)]);
    // a: the very list it was given; b: a new list with the same findings; c: one finding moved;
    // d: given nothing (opened before the workspace was read), now a cycle.
    assert.deepEqual(change({ a: shared, b: [cycle(10)], c: [cycle(11)], d: [cycle(5)] }), ['c', 'd']);
    // The lists compared last are what the next change is compared with.
    assert.deepEqual(change({ c: [cycle(11)], d: [] }), ['d']);
    assert.deepEqual(change({ a: [cycle(10, 'cycle: a → c → a')] }), ['a']);
  });

  it('a document given nothing and still with nothing is left alone', () => {
    const { republisher, change } = harness(['a', 'b']);
    republisher.gave('a', []);
    assert.deepEqual(change({ a: [], b: [] }), []);
    republisher.forget('a');
    assert.deepEqual(change({ a: [cycle(1)] }), ['a']);
  });

  it('compares the related links too', () => {
    const { republisher, change } = harness(['a']);
    republisher.gave('a', [cycle(10)]);
    const moved = cycle(10);
    moved.related = [{ uri: 'file:///b.yaml', span: { start: 30, end: 31 }, message: 'b → a' }];
    assert.deepEqual(change({ a: [moved] }), ['a']);
  });

  it('serialises findings only to compare two lists of one length', () => {
    // 5,000 open bundles on a cycle, each with twelve links: serialising every list at every
    // re-check (and at every publication) was a quarter of the re-check. A finding that cannot be
    // serialised shows that the same list, or a list of another length, is told apart without it.
    const unreadable = cycle(10);
    Object.defineProperty(unreadable, 'related', {
      get: () => assert.fail('serialised'),
      enumerable: true,
    });
    const { republisher, change } = harness(['a', 'b']);
    const list = [unreadable];
    republisher.gave('a', list);
    republisher.gave('b', list);
    assert.deepEqual(change({ a: list, b: [] }), ['b']);
    assert.deepEqual(change({ b: [unreadable, cycle(3)] }), ['b']);
  });
});
