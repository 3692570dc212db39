/**
 * A fresh PGlite data directory costs an initdb in WebAssembly: several seconds, up to 20 on a busy
 * machine, for every new `policylens serve --data-dir` and every test that starts a registry. The
 * result is always the same for one PGlite version, so it is built once into a template directory
 * and copied natively into each new data directory, which PGlite then opens like an existing one
 * (under a second). POLICYLENS_PGLITE_TEMPLATE=off turns this off.
 *
 * Whatever the template holds ends up in every new registry, so it must be ours. It lives in the
 * user's own cache directory (`$XDG_CACHE_HOME/policylens`, else `~/.cache/policylens`), which is
 * created 0700 and checked before each use: a directory (not a symlink), owned by this user, with no
 * permission for anyone else. The template carries a random token that is also written next to it,
 * after it was complete; a template whose token does not match, or whose directory is not private,
 * is rebuilt, never copied. (It used to live under a fixed name in the shared temp directory, where
 * any local user could plant one with their own org and API key.)
 */
import { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { tarOf } from './tar';

const MARKER = 'policylens-template';
/** A template without its token file this long after it was made is a crashed build's leftover. */
const UNFINISHED_MS = 60_000;

function pgliteVersion(): string {
  try {
    // dist/index.cjs -> package.json; the module stays external to the bundle, so this resolves.
    const pkg = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The per-user cache directory of policylens. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'policylens');
}

/** Whether `path` is a real directory of this user that nobody else may read, write or enter. */
export function isPrivateDir(path: string): boolean {
  try {
    const st = lstatSync(path);
    const uid = process.getuid?.();
    return st.isDirectory() && (uid === undefined || st.uid === uid) && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** Writes a file in one step for readers: a private temporary name, then a rename. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}

type State = 'ok' | 'missing' | 'unfinished' | 'untrusted';

function stateOf(dir: string, tokenFile: string): State {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return 'missing';
  }
  if (!isPrivateDir(dir)) return 'untrusted';
  const token = readText(tokenFile);
  if (token === undefined) return Date.now() - st.mtimeMs < UNFINISHED_MS ? 'unfinished' : 'untrusted';
  return /^[0-9a-f]{32}$/.test(token) && readText(join(dir, MARKER)) === token ? 'ok' : 'untrusted';
}

/** Builds the template under a private name and moves it in place; false when another won. */
async function build(dir: string, tokenFile: string): Promise<boolean> {
  const token = randomBytes(16).toString('hex');
  const building = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(building, { mode: 0o700 });
    const db = new PGlite(building);
    await db.waitReady;
    await db.close();
    writeFileSync(join(building, MARKER), token, { mode: 0o600 });
    // Fails when another process put its template there first: theirs is used.
    renameSync(building, dir);
    writeAtomically(tokenFile, token);
    return true;
  } catch {
    rmSync(building, { recursive: true, force: true });
    return false;
  }
}

/** The template directory, built on first use; undefined when there is none that can be trusted. */
async function template(): Promise<string | undefined> {
  const version = pgliteVersion();
  if (version === 'unknown') return undefined;
  const root = cacheDir();
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  // A cache directory someone else made, or opened to others, may hold anything: not used at all.
  if (!isPrivateDir(root)) return undefined;
  const dir = join(root, `pglite-template-${version}`);
  const tokenFile = `${dir}.token`;
  let state = stateOf(dir, tokenFile);
  if (state === 'untrusted') {
    // Moved aside first, so a parallel start never copies a half-removed directory.
    const aside = `${dir}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      renameSync(dir, aside);
      rmSync(aside, { recursive: true, force: true });
      rmSync(tokenFile, { force: true });
    } catch {
      return undefined;
    }
    state = 'missing';
  }
  if (state === 'missing') {
    await build(dir, tokenFile);
    state = stateOf(dir, tokenFile);
  }
  return state === 'ok' ? dir : undefined;
}

/**
 * Fills a new data directory from the template. A directory that already holds a cluster, or
 * anything but the files in `ignore`, is left alone.
 */
export async function seedDataDir(dataDir: string, ignore: readonly string[]): Promise<void> {
  if (process.env.POLICYLENS_PGLITE_TEMPLATE === 'off') return;
  if (readdirSync(dataDir).some((f) => !ignore.includes(f))) return;
  const from = await template();
  if (!from) return;
  cpSync(from, dataDir, { recursive: true, filter: (src) => src !== join(from, MARKER) });
}

/**
 * The template as a tar archive, for a PGlite whose data lives in memory (`loadDataDir`); undefined
 * when there is no template that can be trusted (or POLICYLENS_PGLITE_TEMPLATE=off): PGlite then
 * runs its initdb in memory.
 */
export async function templateTarball(): Promise<Buffer | undefined> {
  if (process.env.POLICYLENS_PGLITE_TEMPLATE === 'off') return undefined;
  const from = await template();
  return from ? tarOf(from, (name) => name === MARKER) : undefined;
}
