/**
 * `serve --list-keys` and `serve --revoke-key ID`: they work on the storage directly, then exit.
 * Neither creates anything: a PGlite data directory that does not exist (or holds no registry) is
 * an error, not a new empty registry whose "No API keys." would hide a mistyped path.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyInfo } from './auth';
import type { DbOptions } from './db';
import { DataDirInUse } from './lock';
import { listApiKeys, revokeApiKey } from './server';

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `--list-keys`: one key a line, in columns; a key's secret is never stored, so never shown. */
export function formatKeys(keys: readonly KeyInfo[]): string {
  if (!keys.length) return 'No API keys.';
  const rows = [
    ['ID', 'PREFIX', 'ORG', 'ACTOR', 'CREATED', 'REVOKED'],
    ...keys.map((k) => [
      k.id,
      `${k.prefix}…`,
      JSON.stringify(k.org),
      k.actorId,
      k.createdAt,
      k.revokedAt ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

/** Runs `--list-keys` (revokeKey undefined) or `--revoke-key`; resolves with the exit code. */
export async function manageKeys(
  storage: DbOptions,
  revoke: string | undefined,
  org: string | undefined,
  io: Io,
): Promise<number> {
  const dir = storage.dataDir;
  if (dir !== undefined && !existsSync(join(dir, 'PG_VERSION'))) {
    const why = existsSync(dir) ? 'holds no registry' : 'does not exist';
    io.err(`policylens serve: the data directory ${dir} ${why} (give the --data-dir serve uses)`);
    return 2;
  }
  try {
    if (revoke === undefined) {
      const { keys, orgKnown } = await listApiKeys(storage, org);
      if (org !== undefined && !keys.length) {
        io.err(
          `policylens serve: no API keys for org "${org}"${orgKnown ? '' : ' (the registry has no such org)'}`,
        );
        return orgKnown ? 0 : 1;
      }
      io.out(formatKeys(keys));
      return 0;
    }
    const { key, already } = await revokeApiKey(storage, revoke, org);
    const which = `${key.id} (${key.prefix}…, org "${key.org}", actor ${key.actorId})`;
    io.err(
      already
        ? `The key ${which} was already revoked at ${key.revokedAt}.`
        : `Revoked the key ${which}: it gets 401 from now on.`,
    );
    return 0;
  } catch (e) {
    // The seed-key advice of the lock's message fits --create-key, not the management of keys.
    const message =
      e instanceof DataDirInUse
        ? `${e.inUse}: the registry must be stopped to manage its keys (a running serve locks its data directory); stop it, then run this again`
        : (e as Error).message;
    io.err(`policylens serve: ${message}`);
    return 1;
  }
}
