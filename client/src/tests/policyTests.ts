// Policy tests in VS Code's Test Explorer: every `*.policytest.{yaml,yml,json}` of the workspace is a
// test item, each of its cases a child placed at its `expect` line. The language server lists and runs
// them (`policyLens/policyTests`) with the evaluator `policylens test` uses: the editor never runs a
// second engine. Failures are marked at the case's `expect` with expected vs actual; the run profile
// supports continuous runs, which re-run on every save of a policy or test file.
import * as vscode from 'vscode';
import {
  PolicyTestsRequest,
  type PolicyTestCaseResult,
  type PolicyTestsResult,
} from '../../../server/src/protocol';
import type { Session } from '../session';

export const TEST_GLOB = '**/*.policytest.{yaml,yml,json}';
const POLICY_FILE = /\.(json|ya?ml)$/i;

/** The outcome of a case in the last run that included it, as the Test Explorer was told. */
export interface CaseOutcome {
  state: 'passed' | 'failed' | 'errored';
  message?: string;
  /** Zero-based line the failure is marked at (the case's `expect`). */
  line?: number;
  expected?: string;
  actual?: string;
}

/** What `activate` hands to the extension-host tests. */
export interface PolicyTestsApi {
  controller: vscode.TestController;
  /** Finds the test files and their cases again. */
  discover(): Promise<void>;
  /** The run profile (continuous runs supported). */
  profile: vscode.TestRunProfile;
  /** The last outcome of each case, by test item id. */
  outcomes: Map<string, CaseOutcome>;
  /** How many runs have finished (a continuous run adds one per save). */
  runs(): number;
}

const caseId = (uri: vscode.Uri, name: string) => `${uri.toString()}#${name}`;

export function registerPolicyTests(session: Session, context: vscode.ExtensionContext): PolicyTestsApi {
  const controller = vscode.tests.createTestController('policyLens.tests', 'Policy Lens');
  context.subscriptions.push(controller);

  const fileItem = (uri: vscode.Uri): vscode.TestItem => {
    const existing = controller.items.get(uri.toString());
    if (existing) return existing;
    const item = controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    controller.items.add(item);
    return item;
  };

  const ask = async (
    uri: vscode.Uri,
    run: boolean,
    names?: string[],
  ): Promise<PolicyTestsResult | string> => {
    const answer = await session.request(
      PolicyTestsRequest,
      { uri: uri.toString(), run, ...(names ? { names } : {}) },
      run ? 'run policy tests' : 'list policy tests',
    );
    if (!answer.ok) return answer.message;
    return answer.value;
  };

  /** Replaces a file's children with the cases the server lists. */
  const resolveFile = async (item: vscode.TestItem): Promise<void> => {
    if (!item.uri) return;
    const r = await ask(item.uri, false);
    if (typeof r === 'string' || r.error) {
      item.error = typeof r === 'string' ? r : r.error;
      item.children.replace([]);
      return;
    }
    item.error = undefined;
    item.children.replace(
      r.cases.map((c) => {
        const child = controller.createTestItem(caseId(item.uri!, c.name), c.name, item.uri);
        child.range = new vscode.Range(c.line, 0, c.line, 0);
        return child;
      }),
    );
  };

  const discover = async (): Promise<void> => {
    const uris = await vscode.workspace.findFiles(TEST_GLOB, '**/node_modules/**');
    const keep = new Set(uris.map((u) => u.toString()));
    controller.items.forEach((item) => {
      if (!keep.has(item.id)) controller.items.delete(item.id);
    });
    await Promise.all(uris.map((u) => resolveFile(fileItem(u))));
  };

  controller.resolveHandler = async (item) => {
    if (item) await resolveFile(item);
    else await discover();
  };

  const watcher = vscode.workspace.createFileSystemWatcher(TEST_GLOB);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate((uri) => void resolveFile(fileItem(uri))),
    watcher.onDidChange((uri) => void resolveFile(fileItem(uri))),
    watcher.onDidDelete((uri) => controller.items.delete(uri.toString())),
    session.onDidStart(() => void discover()),
  );

  const outcomes = new Map<string, CaseOutcome>();
  let finished = 0;
  const record = (item: vscode.TestItem, state: CaseOutcome['state'], m?: vscode.TestMessage) => {
    const text = m && (typeof m.message === 'string' ? m.message : m.message.value);
    outcomes.set(item.id, {
      state,
      ...(text !== undefined ? { message: text } : {}),
      ...(m?.location ? { line: m.location.range.start.line } : {}),
      ...(m?.expectedOutput !== undefined ? { expected: m.expectedOutput } : {}),
      ...(m?.actualOutput !== undefined ? { actual: m.actualOutput } : {}),
    });
  };

  const message = (c: PolicyTestCaseResult, uri: vscode.Uri): vscode.TestMessage => {
    const text = (c.failures ?? []).join('\n');
    const m =
      c.expectedDecision && c.decision && c.expectedDecision !== c.decision
        ? vscode.TestMessage.diff(text, `decision: ${c.expectedDecision}`, `decision: ${c.decision}`)
        : new vscode.TestMessage(text);
    m.location = new vscode.Location(uri, new vscode.Position(c.line, 0));
    return m;
  };

  /** Runs the requested items: whole files, or some cases of a file. */
  const runOnce = async (request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> => {
    const run = controller.createTestRun(request);
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const byFile = new Map<vscode.TestItem, Set<string> | undefined>();
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else controller.items.forEach((i) => roots.push(i));
    for (const item of roots) {
      if (excluded.has(item.id)) continue;
      const file = item.parent ?? item;
      if (item.parent) {
        const names = byFile.get(file) ?? new Set<string>();
        if (byFile.has(file) && byFile.get(file) === undefined) continue;
        names.add(item.label);
        byFile.set(file, names);
      } else byFile.set(file, undefined);
    }
    for (const [file, names] of byFile) {
      if (token.isCancellationRequested || !file.uri) break;
      if (!file.children.size) await resolveFile(file);
      const cases: vscode.TestItem[] = [];
      file.children.forEach((c) => {
        if ((!names || names.has(c.label)) && !excluded.has(c.id)) cases.push(c);
      });
      for (const c of cases) run.started(c);
      const r = await ask(file.uri, true, names ? [...names] : undefined);
      if (typeof r === 'string' || r.error) {
        const text = typeof r === 'string' ? r : r.error!;
        for (const c of cases) {
          run.errored(c, new vscode.TestMessage(text));
          record(c, 'errored', new vscode.TestMessage(text));
        }
        if (!cases.length) run.errored(file, new vscode.TestMessage(text));
        continue;
      }
      for (const result of r.cases) {
        const item = file.children.get(caseId(file.uri, result.name));
        if (!item || excluded.has(item.id)) continue;
        if (result.passed) {
          run.passed(item);
          record(item, 'passed');
        } else {
          const m = message(result, file.uri);
          run.failed(item, m);
          record(item, 'failed', m);
        }
      }
    }
    run.end();
    finished++;
  };

  const runHandler = async (
    request: vscode.TestRunRequest,
    token: vscode.CancellationToken,
  ): Promise<void> => {
    await runOnce(request, token);
    if (!request.continuous) return;
    // Continuous run: every save of a policy or test file runs the same selection again.
    const onSave = vscode.workspace.onDidSaveTextDocument((doc) => {
      if (!POLICY_FILE.test(doc.uri.path)) return;
      const again = new vscode.TestRunRequest(request.include, request.exclude, request.profile, false);
      void runOnce(again, token);
    });
    token.onCancellationRequested(() => onSave.dispose());
  };

  const profile = controller.createRunProfile(
    'Run',
    vscode.TestRunProfileKind.Run,
    runHandler,
    true,
    undefined,
    true,
  );
  return { controller, discover, profile, outcomes, runs: () => finished };
}
