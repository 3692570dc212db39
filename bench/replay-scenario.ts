// Replay's rows: 1,000,000 generated events (scripts/traffic.mjs, fixed seed) read from a file and
// replayed through both sides, for the seed's baseline bundles and for a 50-policy CEL chain, on
// one thread and on two worker threads (parts for Execlave sets, one side each otherwise). Each run is a fresh process (bench/replay-child.ts) so
// its peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trafficLines } from '../scripts/traffic.mjs';
import { bundleChild } from './child';
import { REPO } from './servers';

export interface ReplaySamples {
  events: number;
  /** Microseconds of wall time per event, one per sample. */
  wallUs: number[];
  cpuUs: number[];
  rssMB: number[];
  changed: number;
}

/** The events file, generated once per size and kept in .cache (160 MB for a million). */
async function eventsFile(count: number): Promise<string> {
  const dir = join(REPO, '.cache', 'bench-replay');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `traffic-v2-${count}.jsonl`);
  if (existsSync(file)) return file;
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let chunk = '';
  for (const line of trafficLines({ count, seed: 19 })) {
    chunk += line + '\n';
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(r));
  rmSync(file, { force: true });
  renameSync(tmp, file);
  return file;
}

export async function runReplayScenario(quick: boolean): Promise<Record<string, ReplaySamples>> {
  const count = quick ? 20_000 : 1_000_000;
  // A million events is one sample of 5 to 20 s of CPU on this machine: two samples per row.
  const samples = quick ? 1 : 2;
  const file = await eventsFile(count);
  const dir = mkdtempSync(join(tmpdir(), 'policylens-replay-bench-'));
  try {
    const child = await bundleChild('replay-child', dir);
    const cli = join(REPO, 'dist', 'cli.js');
    const out: Record<string, ReplaySamples> = {};
    for (const kind of ['baseline', 'chain'])
      for (const threads of ['1', '2']) {
        const s: ReplaySamples = { events: 0, wallUs: [], cpuUs: [], rssMB: [], changed: 0 };
        for (let i = 0; i < samples; i++) {
          const r = spawnSync(process.execPath, [child, kind, file, threads, cli], {
            cwd: REPO,
            encoding: 'utf8',
            timeout: 1_800_000,
          });
          if (r.status !== 0)
            throw new Error(`replay bench (${kind}, ${threads}) failed: ${r.stderr.slice(-2000)}`);
          const m = JSON.parse(r.stdout) as {
            wallMs: number;
            cpuMs: number;
            rssMB: number;
            events: number;
            changed: number;
          };
          s.events = m.events;
          s.changed = m.changed;
          s.wallUs.push((m.wallMs * 1000) / m.events);
          s.cpuUs.push((m.cpuMs * 1000) / m.events);
          s.rssMB.push(m.rssMB);
        }
        out[`${kind}-${threads}`] = s;
      }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
