/**
 * A fresh PGlite data directory costs an initdb in WebAssembly: several seconds, up to 20 on a busy
 * machine, for every new `policylens serve --data-dir` and every test that starts a registry. The
 * result is always the same for one PGlite version, so it is built once into a template directory
 * (in the OS temp dir, named after the PGlite version) and copied natively into each new data
 * directory, which PGlite then opens like an existing one (under a second).
 * POLICYLENS_PGLITE_TEMPLATE=off turns this off.
 */
import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function pgliteVersion(): string {
  try {
    // dist/index.cjs -> package.json; the module stays external to the bundle, so this resolves.
    const pkg = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The template directory, built on first use; undefined when it cannot be built. */
async function template(): Promise<string | undefined> {
  const version = pgliteVersion();
  if (version === 'unknown') return undefined;
  const dir = join(tmpdir(), `policylens-pglite-template-${version}`);
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  // Built under a private name and renamed when complete, so a half-built template (a crash, a
  // parallel start) is never copied.
  const building = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    const db = new PGlite(building);
    await db.waitReady;
    await db.close();
    renameSync(building, dir);
  } catch {
    // Another process won the rename, or the temp dir is not writable: use theirs, or none.
    rmSync(building, { recursive: true, force: true });
  }
  return existsSync(join(dir, 'PG_VERSION')) ? dir : undefined;
}

/**
 * Fills a new data directory from the template. A directory that already holds a cluster, or
 * anything but the files in `ignore`, is left alone.
 */
export async function seedDataDir(dataDir: string, ignore: readonly string[]): Promise<void> {
  if (process.env.POLICYLENS_PGLITE_TEMPLATE === 'off') return;
  if (readdirSync(dataDir).some((f) => !ignore.includes(f))) return;
  const from = await template();
  if (from) cpSync(from, dataDir, { recursive: true });
}
