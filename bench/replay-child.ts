// One replay measurement in its own process (bundled by esbuild like eval-child.ts, so it runs the
// code users run): `node replay-child.js <baseline|chain> <events file> <threads> <cli.js> [part KB]`
// prints
// JSON `{wallMs, cpuMs, rssMB, events, changed}`. It replays the file through the working-tree
// side and the baseline side with the CLI's own reader and thread pool, so the figures are those
// of `policylens replay` minus the process start and the policy files' lint.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicies, loadPolicy, readEvent, type PolicySource } from '../server/src/core/index';
import { replayHere } from '../server/src/cli/replay/run';
import { replayThreaded } from '../server/src/cli/replay/threads';
import { BASELINE_FILES, celChain } from './eval-workload';

const [kind = 'baseline', file = '', threadsText = '1', cli = '', partKB] = process.argv.slice(2);
const REPO = process.cwd();

/** The two sides: the baseline as it is, and the working tree with one policy changed. */
function sides(): { baseline: PolicySource[]; current: PolicySource[] } {
  if (kind === 'chain') {
    const baseline = celChain();
    const current = celChain().map((s, i) =>
      i === 49 ? { ...s, value: { ...(s.value as object), enforcementMode: 'block' } } : s,
    );
    return { baseline, current };
  }
  const baseline = BASELINE_FILES.map((f) => {
    const loaded = loadPolicy(f, readFileSync(join(REPO, f), 'utf8'));
    if (!loaded.source) throw new Error(`${f}: ${loaded.unusable}`);
    return loaded.source;
  });
  const current = baseline.map((s) =>
    s.uri.endsWith('pii-protection.yaml')
      ? { ...s, value: { ...(s.value as object), enforcementMode: 'block' } }
      : s,
  );
  return { baseline, current };
}

async function main(): Promise<void> {
  const s = sides();
  const files = [{ path: file, display: 'events.jsonl' }];
  const options = { examples: 5, maxFindings: 100 };
  // The CLI's bundle carries the event validator precompiled (esbuild.mjs); this bundle compiles
  // it at first use: compile it before the clock starts, as the CLI never pays for it.
  readEvent({});
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report =
    threadsText !== '1'
      ? await replayThreaded(files, s, options, cli, {
          workers: Number(threadsText),
          ...(partKB ? { partBytes: Number(partKB) * 1024 } : {}),
        })
      : await replayHere(
          files,
          { baseline: compilePolicies(s.baseline), current: compilePolicies(s.current) },
          options,
        );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssMB: process.resourceUsage().maxRSS / 1024,
      events: report.replayed,
      changed: report.changed,
    }) + '\n',
  );
}

void main();
