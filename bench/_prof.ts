import { mkdirSync, rmSync } from 'node:fs';
import { ensureBigBundle } from './corpus';
import { editBigBundle } from './lsp-scenarios';
import { policyLens } from './servers';
import { summarize } from './stats';
async function main() {
  const dir = process.env.PROF_DIR!;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const n = Number(process.env.LINES ?? 5000);
  const r = await editBigBundle(policyLens(process.env.BENCH_SERVER, dir)!, ensureBigBundle(n), Number(process.env.EDITS ?? 20));
  console.log(n, summarize(r.wall), r.cpu, r.rss);
}
void main();
