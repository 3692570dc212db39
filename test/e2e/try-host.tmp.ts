import { mkdtempSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureE2E } from '/work/main/scripts/e2e-setup.mjs';
import { buildSuite, packageVsix, repoRoot } from '/work/main/test/e2e/harness/build';
import { installVsix } from '/work/main/test/e2e/harness/codeServer';
import { runHostSuite } from '/work/main/test/e2e/harness/hostSuite';
void (async () => {
const paths = ensureE2E();
const work = mkdtempSync(join(tmpdir(), 'pl-e2e-'));
let t = Date.now();
const index = await buildSuite();
const vsix = packageVsix(work);
console.log('built', Date.now() - t); t = Date.now();
const hostDir = join(work, 'host');
installVsix(paths, hostDir, vsix);
const ext = readdirSync(join(hostDir, 'extensions')).find((n) => n.startsWith('policy-lens.'))!;
console.log('installed', ext, Date.now() - t); t = Date.now();
const ws = join(work, 'workspace');
cpSync(join(repoRoot, 'test/fixtures/e2e/workspace'), ws, { recursive: true });
const r = await runHostSuite({ paths, workDir: hostDir, workspace: ws, extensionDir: join(hostDir, 'extensions', ext), suiteIndex: index, settings: { 'policyLens.trace.server': 'verbose' }, env: {} });
console.log('ran', Date.now() - t, r.exitCode, JSON.stringify(r.results, null, 1));
console.log(r.console.slice(-30).join('\n'));

})();
