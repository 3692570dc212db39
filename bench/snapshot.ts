// Copies the built server and CLI to a private folder before measuring. Other people rebuild dist/
// while a long run is going; a run must measure one build from start to end, never half of one.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO } from './servers';

export interface Snapshot {
  /** The server bundle to run, or undefined when it has not been built. */
  server: string | undefined;
  cli: string | undefined;
  cleanup(): void;
}

// BENCH_SERVER / BENCH_CLI point the bench at another build (e.g. to record a before/after).
export function snapshotBuild(): Snapshot {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-bench-'));
  const copy = (from: string, name: string): string | undefined => {
    if (!existsSync(from)) return undefined;
    const to = join(dir, name);
    copyFileSync(from, to);
    if (existsSync(`${from}.map`)) copyFileSync(`${from}.map`, `${to}.map`);
    return to;
  };
  // The CLI is a loader (cli.js) and the bundle it runs (cli-engine.js, next to it), when built so.
  const copyCli = (from: string): string | undefined => {
    const engine = join(dirname(from), 'cli-engine.js');
    if (existsSync(engine)) copy(engine, 'cli-engine.js');
    return copy(from, 'cli.js');
  };
  // The server is a loader (server.js) and the packed bundle it runs (policylens.js.br, next to it),
  // when built so; an older build's server.js is the bundle itself.
  const copyServer = (from: string): string | undefined => {
    const packed = join(dirname(from), 'policylens.js.br');
    if (existsSync(packed)) copyFileSync(packed, join(dir, 'policylens.js.br'));
    return copy(from, 'server.js');
  };
  return {
    server: copyServer(process.env.BENCH_SERVER ?? join(REPO, 'dist/server.js')),
    cli: copyCli(process.env.BENCH_CLI ?? join(REPO, 'dist/cli.js')),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
