// Runs inside the real VS Code extension host (the workbench loads this file through the URL payload's
// `extensionTestsPath`). Mocha runs the `*.e2e.js` files next to this bundle; the results are written as JSON
// to POLICYLENS_E2E_RESULTS so the node:test side can report each one, and the returned promise decides
// the exit code the workbench hands to `window.codeAutomationExit`.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SuiteResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec' });
  const grep = process.env.POLICYLENS_E2E_GREP;
  if (grep) mocha.grep(grep);
  // An untrusted session and an idle window (no policy at the start) run only the specs written for
  // them (`*.untrusted.e2e.js`, `*.idle.e2e.js`); a trusted one all the others.
  const mode = process.env.POLICYLENS_E2E_MODE ?? 'trusted';
  const modeOf = (n: string) => /\.(untrusted|idle)\.e2e\.js$/.exec(n)?.[1] ?? 'trusted';
  const specs = readdirSync(__dirname).filter((n) => n.endsWith('.e2e.js') && modeOf(n) === mode);
  for (const f of specs.sort()) {
    mocha.addFile(join(__dirname, f));
  }
  const results: SuiteResult[] = [];
  const save = () => {
    const out = process.env.POLICYLENS_E2E_RESULTS;
    if (out) writeFileSync(out, JSON.stringify(results, null, 2));
  };
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      save();
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err: Error) =>
      results.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}` }),
    );
  });
}
