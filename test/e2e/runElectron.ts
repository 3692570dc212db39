// The same extension-host suite in VS Code desktop, through @vscode/test-electron, for machines that can
// download VS Code (a laptop; these CI machines cannot, so npm test uses code-server instead).
// Usage: node esbuild.mjs && node --import tsx test/e2e/runElectron.ts [--vscode <path to a VS Code executable>]
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite, repoRoot } from './harness/build';
import { QUIET_SETTINGS } from './harness/codeServer';
import { registryBuilt, seedLive, startRegistry } from './harness/registry';

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'policylens-electron-'));
  const suiteIndex = await buildSuite();
  const workspace = join(work, 'workspace');
  cpSync(join(repoRoot, 'test', 'fixtures', 'e2e', 'workspace'), workspace, { recursive: true });
  const registry = registryBuilt()
    ? await startRegistry(join(work, 'registry'), 'plk_e2e_demo_key')
    : undefined;
  if (registry) await seedLive(registry, join(repoRoot, 'test', 'fixtures', 'e2e', 'live'));
  const userDataDir = join(work, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      ...QUIET_SETTINGS,
      'policyLens.trace.server': 'verbose',
      ...(registry ? { 'policyLens.apiUrl': registry.url } : {}),
    }),
  );
  const exe = process.argv.includes('--vscode')
    ? process.argv[process.argv.indexOf('--vscode') + 1]
    : undefined;
  try {
    await runTests({
      ...(exe ? { vscodeExecutablePath: exe } : {}),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteIndex,
      launchArgs: [
        workspace,
        '--user-data-dir',
        userDataDir,
        '--disable-workspace-trust',
        '--disable-extensions',
      ],
      extensionTestsEnv: {
        POLICYLENS_E2E_USER_DATA: userDataDir,
        POLICYLENS_E2E_SERVER: '1',
        ...(registry
          ? { POLICYLENS_E2E_REGISTRY_URL: registry.url, POLICYLENS_E2E_API_KEY: registry.apiKey }
          : {}),
      },
    });
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  } finally {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
