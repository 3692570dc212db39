// The evaluation order of the workspace's policies (the prerequisite chain).
import { RequestType } from 'vscode-languageserver-protocol';

export interface ChainEntry {
  name: string;
  uri?: string;
  /** Zero-based line of the policy's `name` in its file, for "go to". */
  line?: number;
  evaluationOrder: number;
  /** Prerequisite names (or ids) as written. */
  prerequisites: string[];
  /** Prerequisites that neither the workspace nor the live org provides. */
  missing: string[];
  /** True when the policy is part of a prerequisite cycle. */
  inCycle: boolean;
}

export interface ChainOrder {
  /** In evaluation order. */
  entries: ChainEntry[];
}

/** `policyLens/chainOrder`: the workspace's policies in the order they are evaluated. */
export const ChainOrderRequest = new RequestType<Record<string, never>, ChainOrder, void>(
  'policyLens/chainOrder',
);
