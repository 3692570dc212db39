// The extension as it ships: the size of the packed .vsix (`npm run package`: scripts/package.mjs),
// and the activation time the real-editor suite measured in its last run
// (test-results/e2e/activation.json, written by test/e2e/vscode.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { row, type Row } from './report';
import { REPO } from './servers';
import type { ServerStartSamples } from './serverStart';

/** The packed .vsix before issue 16 (KB, as vsce reports): the target is half of it. */
export const VSIX_BASELINE_KB = 595;
/** Issue 16's budget for activate() → the first diagnostics of an open policy. */
export const ACTIVATION_BUDGET_MS = 300;

export interface PackageSamples {
  vsixKB: number[];
  /** From the last real-editor run, when there is one. */
  activationMs?: number[];
  activationMeasuredAt?: string;
  /** Which start of the server that run measured, from its own line: `warm` (its code cache) or `cold`. */
  activationServerCache?: string;
  /** The same, for the extension's own start (`warm` when an earlier start of the run wrote it). */
  activationExtensionCache?: string;
  /**
   * The same run: until the server's own first publication (the first diagnostics shown are the
   * extension's computation of it, client/src/earlyDiagnostics.ts; the server's then replaces them).
   */
  activationServerMs?: number[];
  /** The same, for a policy opened in a running, idle window (the extension activates then). */
  idleActivationMs?: number[];
  idleActivationServerMs?: number[];
  idleActivationMeasuredAt?: string;
  idleActivationServerCache?: string;
  /** The server's own start, outside the editor (serverStart.ts). */
  serverStart?: ServerStartSamples;
}

export function measurePackage(): PackageSamples {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-vsix-'));
  try {
    const vsix = join(dir, 'policylens.vsix');
    const r = spawnSync(process.execPath, [join(REPO, 'scripts', 'package.mjs'), '--out', vsix], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (r.status !== 0) throw new Error(`npm run package failed:\n${r.stdout}${r.stderr}`);
    const out: PackageSamples = { vsixKB: [statSync(vsix).size / 1024] };
    const activation = join(REPO, 'test-results', 'e2e', 'activation.json');
    if (existsSync(activation)) {
      type Measured = {
        activationToFirstDiagnosticsMs?: number;
        activationToServerFirstDiagnosticsMs?: number;
        measuredAt?: string;
        serverCodeCache?: string;
        extensionCodeCache?: string;
      };
      const a = JSON.parse(readFileSync(activation, 'utf8')) as Measured & { idleWindow?: Measured };
      if (typeof a.activationToFirstDiagnosticsMs === 'number') {
        out.activationMs = [a.activationToFirstDiagnosticsMs];
        out.activationMeasuredAt = a.measuredAt;
        out.activationServerCache = a.serverCodeCache;
        out.activationExtensionCache = a.extensionCodeCache;
        if (typeof a.activationToServerFirstDiagnosticsMs === 'number')
          out.activationServerMs = [a.activationToServerFirstDiagnosticsMs];
      }
      if (typeof a.idleWindow?.activationToFirstDiagnosticsMs === 'number') {
        out.idleActivationMs = [a.idleWindow.activationToFirstDiagnosticsMs];
        out.idleActivationMeasuredAt = a.idleWindow.measuredAt;
        out.idleActivationServerCache = a.idleWindow.serverCodeCache;
        if (typeof a.idleWindow.activationToServerFirstDiagnosticsMs === 'number')
          out.idleActivationServerMs = [a.idleWindow.activationToServerFirstDiagnosticsMs];
      }
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How a row names the server's start it measured (test/e2e/harness/serverCache.ts). */
export function serverStartLabel(cache: string | undefined): string {
  if (cache === 'warm') return 'a later start: the server with the code cache an earlier start wrote';
  if (cache === 'cold') return "the version's first start: the server without a code cache";
  return "the server's start not recorded";
}

/**
 * activate() → the first diagnostics shown (the extension's computation of the server's first
 * publication, client/src/earlyDiagnostics.ts), against issue 16's budget; and, reported without a
 * target, → the server's own first publication, which replaces them.
 */
export function activationRows(
  what: string,
  shown: number[] | undefined,
  server: number[] | undefined,
): Row[] {
  const missing = 'no e2e run yet';
  return [
    row(
      `activate() → first diagnostics shown, ${what}`,
      'wall',
      'ms',
      { name: 'Policy Lens', samples: shown, failed: shown ? undefined : missing },
      { name: 'budget', samples: [ACTIVATION_BUDGET_MS] },
      1.0,
    ),
    row(
      `activate() → the language server's first publication, which replaces them (reported), ${what}`,
      'wall',
      'ms',
      { name: 'Policy Lens', samples: server, failed: server ? undefined : missing },
      { name: 'budget', samples: [ACTIVATION_BUDGET_MS] },
    ),
  ];
}
