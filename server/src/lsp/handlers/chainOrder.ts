import { chainReport, nameSpan } from '../../core/index';
import { ChainOrderRequest, type ChainOrder } from '../../protocol/index';
import type { Feature, ServerContext } from '../context';
import { runSafe } from '../runSafe';
import { currentIndex } from '../chain/workspaceChain';

/** `policyLens/chainOrder`: the workspace's bundles in evaluation order, for the client's views. */
export async function chainOrder(ctx: ServerContext): Promise<ChainOrder> {
  const index = await currentIndex(ctx.chain);
  const report = chainReport(index.policies, index.order());
  return {
    entries: report.entries.map((e) => {
      const policy = index.get(e.uri);
      const span = policy && nameSpan(policy);
      return {
        name: e.name,
        uri: e.uri,
        ...(span ? { line: policy.lines.positionAt(span.start).line } : {}),
        evaluationOrder: e.evaluationOrder,
        prerequisites: e.prerequisites.map((l) => l.ref),
        missing: e.prerequisites.filter((l) => l.status === 'missing').map((l) => l.ref),
        inCycle: e.inCycle,
      };
    }),
  };
}

export const chainOrderFeature: Feature = {
  name: 'chainOrder',
  register(ctx) {
    ctx.connection.onRequest(ChainOrderRequest, (_params, token) =>
      runSafe(ctx.log, 'chainOrder', token, { entries: [] } as ChainOrder, () => chainOrder(ctx)),
    );
  },
};
