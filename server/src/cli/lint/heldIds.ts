/**
 * `lint --fix` of some of a project's files (a pre-commit hook names the staged files only, as
 * lint-staged and pre-commit call linters) must not remove a bundle's own `id` while a bundle it does
 * not lint still names that bundle by the id: a raw export's prerequisites are the server's ids, the
 * `id` is their only link to the bundle, and the other file would be left naming another org's UUID.
 * Among the files it lints, `lint --fix` writes the name in place of the id in the same pass
 * (`chain/exported-id`); the others are only read, and only when a fix would remove an `id`.
 *
 * The project is the folder of --config, else the root of the git repository (nested configs
 * included), else the outermost folder with a policylens.config.yaml, else the folder the linted
 * files share; it is walked as `lint <folder>` walks it
 * (the config's include and exclude, .gitignore), and a file is parsed only when its text holds one
 * of the ids (docs/decisions/chain.md).
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import {
  chainPolicyFromText,
  CONFIG_FILE_NAME,
  idKey,
  listed,
  removesId,
  type Finding,
} from '../../core/index';
import { collectPolicyFiles, fromCwd, readPolicyText, type CollectOptions } from '../files';
import { gitRootOf, projectFor } from '../project';
import type { Fixable } from './fix';

/** A linted bundle whose `id` stays, and the files of the project that name it by that id. */
export interface HeldId {
  path: string;
  id: string;
  /** As shown, from the current directory. */
  namedBy: string[];
  /** Why the project could not be read (then every `id` of its bundles stays: nothing is known). */
  unread?: string;
}

/** Whether lint --fix would remove the file's `id`. */
const removesOwnId = (findings: readonly Finding[]) =>
  findings.some((f) => removesId(f) && f.fixes?.some((x) => x.safe && x.isPreferred));

/**
 * The linted bundles whose `id` removal is held: each `id` a bundle of the project outside `linted`
 * names by it. `collect` is the run's (--config, --no-ignore).
 */
export function heldIds(
  linted: readonly Fixable[],
  collect: Pick<CollectOptions, 'ignore' | 'config'>,
): HeldId[] {
  const candidates = linted.filter((f) => !f.readError && removesOwnId(f.findings));
  if (!candidates.length) return [];
  const shared = sharedFolder(linted.map((f) => f.path));
  const rootOf = new Map<string, string>();
  const roots = candidates.map((f) => {
    const dir = dirname(f.path);
    let root = rootOf.get(dir);
    if (root === undefined) rootOf.set(dir, (root = projectRoot(f.path, collect.config) ?? shared));
    return root;
  });
  // The project's other files, per root: when the linted files are the whole project (lint --fix of
  // its folder), there are none, and no file is read again.
  const inRun = new Set(linted.map((f) => f.path));
  const others = new Map<string, string[] | { unread: string }>();
  for (const root of new Set(roots)) {
    try {
      const files = collectPolicyFiles([root], collect);
      others.set(
        root,
        files.filter((o) => o.error === undefined && !inRun.has(o.path)).map((o) => o.path),
      );
    } catch (e) {
      // A config below the root that does not parse, a folder that vanished: the references are
      // unknown, so no `id` of the project goes.
      others.set(root, { unread: e instanceof Error ? e.message : String(e) });
    }
  }
  const carriers: { path: string; id: string; key: string; root: string }[] = [];
  candidates.forEach((f, i) => {
    const list = others.get(roots[i]!)!;
    if (Array.isArray(list) && !list.length) return;
    const id = ownId(f.path);
    if (id !== undefined) carriers.push({ path: f.path, id, key: idKey(id), root: roots[i]! });
  });
  const namedBy = new Map<string, string[]>();
  for (const root of new Set(carriers.map((c) => c.root))) {
    const list = others.get(root)!;
    if (!Array.isArray(list)) continue;
    const keys = new Set(carriers.filter((c) => c.root === root).map((c) => c.key));
    for (const path of list)
      for (const key of namesByIds(path, keys))
        namedBy.set(key, [...(namedBy.get(key) ?? []), fromCwd(path)]);
  }
  return carriers.flatMap((c) => {
    const list = others.get(c.root)!;
    if (!Array.isArray(list)) return [{ path: c.path, id: c.id, namedBy: [], unread: list.unread }];
    const by = namedBy.get(c.key);
    return by ? [{ path: c.path, id: c.id, namedBy: by }] : [];
  });
}

/** What stderr says of a held `id`. */
export function heldIdMessage(h: HeldId): string {
  const file = fromCwd(h.path);
  if (h.unread !== undefined)
    return `kept "id" in ${file}: the project's other bundles could not be read to see whether one names it (${h.unread})`;
  const who = listed(h.namedBy, (x) => x, 3);
  const one = h.namedBy.length === 1;
  return `kept "id" in ${file}: ${who} ${one ? 'names' : 'name'} this bundle by that id in prerequisites; lint --fix ${one ? 'it' : 'them'} with this file (or the folder) to write the bundle's name there, and the id goes`;
}

/** What an id looks like (core's `looksLikeId`), anywhere in a text. */
const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** The bundle's own `id` as the chain reads it (a server id), or undefined. */
function ownId(path: string): string | undefined {
  try {
    const read = readPolicyText(path);
    return read.kind === 'text' ? chainPolicyFromText(path, read.text)?.id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Which of the ids (in lower case) the file's prerequisites name. Its text is searched first and
 * parsed only when it holds one: most files of a project name none. A bundle naming its own id names
 * itself, not the linted one (a copy carrying the same id).
 */
function namesByIds(path: string, keys: ReadonlySet<string>): string[] {
  let text: string;
  try {
    const read = readPolicyText(path);
    if (read.kind !== 'text') return [];
    text = read.text;
  } catch {
    return [];
  }
  // The ids in the text, found in one pass: a project may hold thousands of files, and the ids asked
  // about may be thousands (every bundle of a raw export).
  if (!(text.match(UUIDS) ?? []).some((u) => keys.has(u.toLowerCase()))) return [];
  const policy = chainPolicyFromText(path, text);
  if (!policy) return [];
  const own = policy.id === undefined ? undefined : idKey(policy.id);
  const named = policy.prerequisites.map((p) => idKey(p.ref)).filter((k) => keys.has(k) && k !== own);
  return [...new Set(named)];
}

/**
 * The folder whose bundles may name the file's: --config's folder; else the root of its git
 * repository (a sync or `lint .` there reads every nested project); else the outermost folder above
 * it with a config. Not the nearest config's folder: a nested config's folder is part of the project
 * above it, whose bundles name its bundles as well.
 */
function projectRoot(path: string, config?: string): string | undefined {
  if (config) return projectFor(path, config).dir;
  const git = gitRootOf(dirname(path));
  if (git !== undefined) return git;
  let outer: string | undefined;
  for (let d = dirname(path); ; d = dirname(d)) {
    if (existsSync(join(d, CONFIG_FILE_NAME))) outer = d;
    if (dirname(d) === d) return outer;
  }
}

/** The deepest folder that holds every path. */
function sharedFolder(paths: readonly string[]): string {
  let shared = dirname(paths[0] ?? process.cwd());
  for (const p of paths)
    while (!(p.startsWith(shared + sep) || shared === dirname(shared))) shared = dirname(shared);
  return shared;
}
