// Policy tests (`*.policytest.yaml`) for the editor's Test Explorer: the server discovers and runs
// them with the same evaluator as `policylens test`, so the editor never runs a second engine.
import { RequestType } from 'vscode-languageserver-protocol';

export interface PolicyTestsParams {
  /** The test file. */
  uri: string;
  /** False: only list the cases (discovery). True: run them. */
  run: boolean;
  /** Run only the cases with these names (all when absent). */
  names?: string[];
}

export interface PolicyTestCaseResult {
  name: string;
  /** Zero-based line of the case's `expect` (or its name), where a failure is shown. */
  line: number;
  /** Set when the case ran. */
  passed?: boolean;
  /**
   * One line per unmet expectation (`decision: expected block, got warn`), each followed by
   * indented lines that say why the policies it is about did what they did (core `failureLines`).
   */
  failures?: string[];
  /** The decision of the case's last event. */
  decision?: string;
  /** The expected decision, when the case states one. */
  expectedDecision?: string;
}

export interface PolicyTestsResult {
  cases: PolicyTestCaseResult[];
  /** The policy files the cases ran against, as URIs. */
  policies: string[];
  /** Why the file cannot run (it does not parse, is not a valid test file, its policies do not load). */
  error?: string;
}

/** `policyLens/policyTests`: the cases of a test file, run or not. */
export const PolicyTestsRequest = new RequestType<PolicyTestsParams, PolicyTestsResult, void>(
  'policyLens/policyTests',
);
