// The evaluator's rows: events per second for the seed's baseline bundles and for a 50-policy CEL
// chain, against the same CEL compiled once and run in a bare loop. The measuring child
// (eval-child.ts) is bundled by esbuild with the options of the real build, so it runs the code
// users run (tsx would add a name-keeping helper to every closure), in a process of its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleChild } from './child';
import { REPO } from './servers';

export interface EvalSamples {
  /** Microseconds of CPU per event, one per sample. */
  evaluator: number[];
  floor: number[];
  events: number;
}

export async function runEvalScenario(quick: boolean): Promise<Record<string, EvalSamples>> {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-eval-bench-'));
  try {
    const child = await bundleChild('eval-child', dir);
    const out: Record<string, EvalSamples> = {};
    const plan: [string, number][] = quick
      ? [
          ['baseline', 5000],
          ['chain', 1000],
        ]
      : [
          ['baseline', 200_000],
          ['chain', 20_000],
        ];
    for (const [kind, events] of plan) {
      const r = spawnSync(process.execPath, [child, kind, String(events), quick ? '1' : '5'], {
        cwd: REPO,
        encoding: 'utf8',
        timeout: 600_000,
      });
      if (r.status !== 0) throw new Error(`evaluator bench (${kind}) failed: ${r.stderr.slice(-2000)}`);
      out[kind] = { ...(JSON.parse(r.stdout) as Omit<EvalSamples, 'events'>), events };
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
