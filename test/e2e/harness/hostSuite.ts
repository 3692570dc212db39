// Runs the mocha suite inside the real extension host: code-server with the smoke-test driver, a page
// whose URL payload names the extension under test (the installed .vsix's folder, so the suite tests
// exactly what ships) and the suite's bundle; the workbench reports the end through codeAutomationExit.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench } from './browser';
import { type E2EPaths, startCodeServer } from './codeServer';

export interface SuiteResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface HostRun {
  exitCode: number;
  results: SuiteResult[];
  /** What the suite measured (`POLICYLENS_E2E_METRICS`), e.g. the activation timings. */
  metrics: Record<string, unknown>;
  console: string[];
  serverLog: string;
}

export async function runHostSuite(options: {
  paths: E2EPaths;
  workDir: string;
  workspace: string;
  extensionDir: string;
  extensionsDir?: string;
  suiteIndex: string;
  settings: Record<string, unknown>;
  env: Record<string, string>;
  /** Opens the workspace untrusted and runs only the `*.untrusted.e2e.js` specs. */
  untrusted?: boolean;
  /** Runs only the `*.idle.e2e.js` specs (a window without a policy open at its start). */
  idle?: boolean;
  timeoutMs?: number;
  /** A file the workbench opens as it starts, before the extension activates. */
  openFile?: string;
}): Promise<HostRun> {
  const resultsFile = join(options.workDir, 'host-results.json');
  const metricsFile = join(options.workDir, 'host-metrics.json');
  const userDataDir = join(options.workDir, 'user-data');
  const cs = await startCodeServer({
    paths: options.paths,
    workDir: options.workDir,
    settings: options.settings,
    smokeTestDriver: true,
    workspaceTrust: options.untrusted,
    env: {
      ...options.env,
      POLICYLENS_E2E_RESULTS: resultsFile,
      POLICYLENS_E2E_METRICS: metricsFile,
      POLICYLENS_E2E_USER_DATA: userDataDir,
      POLICYLENS_E2E_MODE: options.untrusted ? 'untrusted' : options.idle ? 'idle' : 'trusted',
    },
  });
  let wb: Awaited<ReturnType<typeof openWorkbench>> | undefined;
  try {
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const url = cs.workbenchUrl(options.workspace, [
      ['extensionDevelopmentPath', cs.remoteUri(options.extensionDir)],
      ['extensionTestsPath', cs.remoteUri(options.suiteIndex)],
      ...(options.openFile ? [['openFile', cs.remoteUri(options.openFile)] as [string, string]] : []),
    ]);
    wb = await openWorkbench(options.paths.chromium, url, {
      onExit: (code) => finish(code),
      onConsole: process.env.POLICYLENS_E2E_VERBOSE
        ? (l) => process.stderr.write(`[workbench] ${l}\n`)
        : undefined,
    });
    const timeoutMs = options.timeoutMs ?? 420_000;
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      finished,
      new Promise<number>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the extension-host suite did not finish within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const results = existsSync(resultsFile)
      ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResult[])
      : [];
    const metrics = existsSync(metricsFile)
      ? (JSON.parse(readFileSync(metricsFile, 'utf8')) as Record<string, unknown>)
      : {};
    return { exitCode, results, metrics, console: wb.console, serverLog: cs.output() };
  } catch (err) {
    const tail = (wb?.console ?? []).slice(-40).join('\n');
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- workbench console ---\n${tail}\n--- code-server ---\n${cs.output().slice(-3000)}`,
    );
  } finally {
    await wb?.close();
    await cs.stop();
  }
}
