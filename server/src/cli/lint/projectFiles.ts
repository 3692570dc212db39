/**
 * The project's bundles that `lint --fix` of some files does not lint, read only when a fix needs
 * them: a linted bundle's `id` that another bundle names (lint/heldIds.ts), a linted bundle's
 * prerequisite that is another bundle's `id` (lint/idPrerequisites.ts).
 *
 * The project is the folder of --config, else the root of the git repository (nested configs
 * included), else the outermost folder with a policylens.config.yaml, else the folder the linted
 * files share; it is walked as `lint <folder>` walks it (the config's include and exclude,
 * .gitignore), and a file is parsed only when its text holds one of the ids asked about
 * (docs/decisions/chain.md).
 */
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { chainPolicyFromText, CONFIG_FILE_NAME, idsIn, type ChainPolicy } from '../../core/index';
import { collectPolicyFiles, readPolicyText, type CollectOptions } from '../files';
import { gitRootOf, projectFor } from '../project';

/** The project's files that the run does not lint, or why they could not be listed. */
export type Others = { files: string[] } | { unread: string };

/** The projects of the linted files, each walked once, on first use. */
export class ProjectFiles {
  private readonly rootOfDir = new Map<string, string>();
  private readonly othersOf = new Map<string, Others>();
  private readonly inRun: ReadonlySet<string>;
  private shared: string | undefined;

  /** `collect` is the run's (--config, --no-ignore). */
  constructor(
    private readonly linted: readonly string[],
    private readonly collect: Pick<CollectOptions, 'ignore' | 'config'>,
  ) {
    this.inRun = new Set(linted);
  }

  /** The root of the project a linted file belongs to. */
  rootOf(path: string): string {
    const dir = dirname(path);
    let root = this.rootOfDir.get(dir);
    if (root === undefined)
      this.rootOfDir.set(
        dir,
        (root = projectRoot(path, this.collect.config) ?? (this.shared ??= sharedFolder(this.linted))),
      );
    return root;
  }

  /**
   * The files of the project at `root` that the run does not lint: none when it lints the whole
   * project (lint --fix of its folder), and then no file is read again.
   */
  others(root: string): Others {
    let others = this.othersOf.get(root);
    if (!others) {
      try {
        const files = collectPolicyFiles([root], this.collect);
        others = {
          files: files.filter((o) => o.error === undefined && !this.inRun.has(o.path)).map((o) => o.path),
        };
      } catch (e) {
        // A config below the root that does not parse, a folder that vanished: what the project's
        // bundles say is unknown.
        others = { unread: e instanceof Error ? e.message : String(e) };
      }
      this.othersOf.set(root, others);
    }
    return others;
  }
}

/** A file's text, or undefined when it cannot be read as text (the run goes on without it). */
export function textOf(path: string): string | undefined {
  try {
    const read = readPolicyText(path);
    return read.kind === 'text' ? read.text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The file as the chain reads it, when its text holds one of the ids (in lower case): its text is
 * searched first, in one pass, and parsed only when it holds one. Most files of a project hold none,
 * and the ids asked about may be thousands (every bundle of a raw export).
 */
export function policyHolding(path: string, keys: ReadonlySet<string>): ChainPolicy | undefined {
  const text = textOf(path);
  if (text === undefined || !idsIn(text).some((u) => keys.has(u.toLowerCase()))) return undefined;
  try {
    return chainPolicyFromText(path, text);
  } catch {
    return undefined;
  }
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
