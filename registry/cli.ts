/**
 * The command line of the registry: `policylens serve [flags]` and `node dist/registry.js [flags]`
 * both end up here. Parses flags, then either creates a key and exits, or serves until SIGINT or
 * SIGTERM.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DbOptions } from './db';
import { manageKeys } from './keys-cli';
import { createApiKey, DEFAULT_PORT, startRegistry } from './server';
import { USAGE } from './usage';

export { USAGE };

export interface ServeArgs {
  port: number;
  host: string;
  storage: DbOptions;
  createKey: boolean;
  /** `--list-keys`: print the keys (of --org, or all) and exit. */
  listKeys: boolean;
  /** `--revoke-key ID`: revoke the key with that id (or unique prefix) and exit. */
  revokeKey?: string;
  seedKey?: string;
  org?: string;
  actor?: string;
  appRole?: string;
  /** Host names allowed in requests' Host header besides addresses and localhost (--allow-host). */
  allowedHosts: string[];
  /** Lines to print on stderr before starting (deprecated flags). */
  warnings: string[];
  help: boolean;
}

/** The environment variable that carries the key `--seed-key` used to take on the command line. */
export const SEED_KEY_ENV = 'POLICYLENS_SEED_KEY';

export function parseServeArgs(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): ServeArgs {
  const out: Partial<ServeArgs> & { dataDir?: string; databaseUrl?: string; seedKeyFile?: string } = {
    createKey: false,
    listKeys: false,
    help: false,
  };
  const allowedHosts: string[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--')))
        throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const port = Number(v);
        if (!/^\d+$/.test(v) || port > 65535)
          throw new Error(`--port must be a number from 0 to 65535, not "${v}"`);
        out.port = port;
        break;
      }
      case '--host':
        out.host = value();
        break;
      case '--data-dir':
        out.dataDir = value();
        break;
      case '--database-url':
        out.databaseUrl = value();
        break;
      case '--create-key':
        out.createKey = true;
        break;
      case '--list-keys':
        out.listKeys = true;
        break;
      case '--revoke-key':
        out.revokeKey = value();
        break;
      case '--seed-key':
        // Every user of the machine can read a command line (ps, /proc/<pid>/cmdline).
        out.seedKey = value();
        warnings.push(
          `policylens serve: warning: --seed-key shows the key to every user of this machine (ps); set ${SEED_KEY_ENV} or use --seed-key-file instead`,
        );
        break;
      case '--seed-key-file':
        out.seedKeyFile = value();
        break;
      case '--allow-host':
        for (const name of value().split(',')) if (name.trim()) allowedHosts.push(name.trim());
        break;
      case '--org':
        out.org = value();
        break;
      case '--actor':
        out.actor = value();
        break;
      case '--app-role':
        out.appRole = value();
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  const databaseUrl =
    out.databaseUrl ?? (out.dataDir === undefined ? env.POLICYLENS_DATABASE_URL || undefined : undefined);
  if (out.databaseUrl !== undefined && out.dataDir !== undefined)
    throw new Error('Use --data-dir or --database-url, not both');
  // Any other scheme was taken for PostgreSQL's (`mysql://db/x` failed later with "getaddrinfo
  // ENOTFOUND db", or reached a PostgreSQL server on that host with the other database's login).
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//i.test(databaseUrl))
    throw new Error(
      `${out.databaseUrl !== undefined ? '--database-url' : 'POLICYLENS_DATABASE_URL'} must be a postgres:// or postgresql:// URL, not "${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')}"`,
    );
  if (out.seedKeyFile !== undefined) {
    if (out.seedKey !== undefined) throw new Error('Use --seed-key or --seed-key-file, not both');
    try {
      out.seedKey = readFileSync(resolve(cwd, out.seedKeyFile), 'utf8').trim();
    } catch (e) {
      throw new Error(`--seed-key-file: cannot read ${out.seedKeyFile}: ${(e as Error).message}`);
    }
    if (out.seedKey === '') throw new Error(`--seed-key-file: ${out.seedKeyFile} is empty`);
  }
  if (out.seedKey === undefined && env[SEED_KEY_ENV]) out.seedKey = env[SEED_KEY_ENV].trim();
  if (out.createKey && !out.org) throw new Error('--create-key needs --org NAME');
  if ([out.createKey, out.listKeys, out.revokeKey !== undefined].filter(Boolean).length > 1)
    throw new Error('Use one of --create-key, --list-keys and --revoke-key at a time');
  if (out.seedKey !== undefined && !out.org)
    throw new Error(`a seed key (${SEED_KEY_ENV}, --seed-key-file or --seed-key) needs --org NAME`);
  return {
    port: out.port ?? DEFAULT_PORT,
    host: out.host ?? '127.0.0.1',
    storage:
      databaseUrl !== undefined
        ? { databaseUrl }
        : { dataDir: resolve(cwd, out.dataDir ?? DEFAULT_DATA_DIR) },
    createKey: out.createKey ?? false,
    listKeys: out.listKeys ?? false,
    revokeKey: out.revokeKey,
    seedKey: out.seedKey,
    org: out.org,
    actor: out.actor,
    appRole: out.appRole,
    allowedHosts,
    warnings,
    help: out.help ?? false,
  };
}

/** Where the registry keeps its data without --data-dir: under the working directory. */
const DEFAULT_DATA_DIR = '.policylens/registry';

/**
 * The default data directory is under the working directory, which is often a repository: a
 * `.policylens/` that serve creates gets a `.gitignore` of `*` (as pytest's and ruff's caches do),
 * so that `git add -A` does not commit 40 MB of database. A folder that already exists is the
 * user's, left as it is.
 */
function keepDataOutOfGit(cwd: string, storage: DbOptions): void {
  const top = resolve(cwd, dirname(DEFAULT_DATA_DIR));
  if (storage.dataDir !== resolve(cwd, DEFAULT_DATA_DIR) || existsSync(top)) return;
  mkdirSync(top, { recursive: true });
  writeFileSync(
    join(top, '.gitignore'),
    "# Created by policylens serve: the local registry's data, not for git.\n*\n",
  );
}

/** What `--database-url` looks like in a log line: the password never appears. */
export function describeStorage(storage: DbOptions): string {
  if (storage.databaseUrl === undefined) return `pglite ${storage.dataDir}`;
  try {
    const u = new URL(storage.databaseUrl);
    if (u.password) u.password = '***';
    return `postgres ${u.toString()}`;
  } catch {
    return 'postgres';
  }
}

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * Runs the command. Resolves with an exit code once it is done: immediately for `--help` and
 * `--create-key`, on SIGINT/SIGTERM when serving.
 */
export async function serveMain(
  argv: readonly string[],
  io: Io,
  cwd = process.cwd(),
  env = process.env,
): Promise<number> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv, cwd, env);
  } catch (e) {
    // As every other command: the synopsis and where the whole help is, so that the message stays
    // on the screen (docs/decisions/cli-output.md).
    const synopsis = USAGE.slice(0, USAGE.indexOf('\n\n'));
    io.err(
      `policylens serve: ${(e as Error).message}\n\n${synopsis}\nRun \`policylens serve --help\` for every option.\n`,
    );
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  for (const w of args.warnings) io.err(w);
  try {
    // Listing and revoking never create anything, not even the .gitignore.
    if (args.listKeys || args.revokeKey !== undefined)
      return await manageKeys(args.storage, args.revokeKey, args.org, io);
    keepDataOutOfGit(cwd, args.storage);
    if (args.createKey) {
      const created = await createApiKey(args.storage, args.org!, args.actor);
      io.out(created.key);
      io.err(
        `Created an API key for org "${created.orgName}" (actor ${created.actorId}). It is shown only this once.`,
      );
      return 0;
    }
    const registry = await startRegistry({
      ...args.storage,
      port: args.port,
      host: args.host,
      appRole: args.appRole,
      allowedHosts: args.allowedHosts,
      log: io.err,
    });
    if (args.seedKey !== undefined) {
      // A refused seed key (too short, revoked, another org's) ends the run: the server already
      // listens and holds the data directory, and was left serving without a URL line, forever.
      await registry.createApiKey(args.org!, args.actor, args.seedKey).catch(async (e: unknown) => {
        await registry.close().catch(() => undefined);
        throw new Error(`the seed key was refused: ${(e as Error).message}`);
      });
    }
    io.out(`policylens registry listening on ${registry.url} (${describeStorage(args.storage)})`);
    if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(args.host)) {
      // Plain HTTP: keys and policies cross the network in clear text beyond this machine.
      io.err(
        `policylens serve: warning: listening on ${args.host}, not loopback; API keys travel unencrypted`,
      );
    }
    return await new Promise<number>((done) => {
      // A second signal while closing is ignored: stopping halfway could leave PGlite's files
      // half-written, and close() is already under way.
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        registry.close().then(
          () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            done(0);
          },
          (e: unknown) => {
            io.err(`policylens serve: closing failed: ${(e as Error).message}`);
            done(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'EADDRINUSE'
        ? `port ${args.port} on ${args.host} is already in use (try --port 0)`
        : err.message || String(e);
    io.err(`policylens serve: ${why}`);
    return 1;
  }
}
