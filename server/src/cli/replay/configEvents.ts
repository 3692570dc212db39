import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError, UsageError } from '../files';
import type { Project } from '../project';
import { checkEventFiles } from './lines';
import type { EventsFile } from './run';

/** Where a command's events came from: its command line, or the project config's `replay.events`. */
export interface EventsChoice {
  files: EventsFile[];
  /** The config file that named them (as the user would write its path), when they came from it. */
  config?: string;
  /** Their size on disk, all together. */
  bytes: number;
}

/** A path as this command's user reads it: relative to the working directory (absolute on another drive). */
function shown(abs: string): string {
  const rel = relative(process.cwd(), abs);
  return (rel && !isAbsolute(rel) ? rel : abs).split('\\').join('/');
}

/**
 * The recorded events of `replay` and `sync`: the paths on the command line win; without them, the
 * `replay.events` of the project config (relative to the config's directory, as the editor reads
 * them), so that the traffic a team names once is what the editor, `replay` and `sync` replay.
 * Every file is checked before any work: one that cannot be read is a usage error that says which
 * config named it.
 */
export function eventsOf(given: readonly string[] | undefined, project: Project): EventsChoice {
  if (given?.length) {
    const files = given.map((p) => ({ path: resolve(p), display: p.split('\\').join('/') }));
    const bytes = checkEventFiles(files);
    once(files);
    return { files, bytes };
  }
  const named = project.config.config.replay?.events;
  if (!named?.length || !project.file) return { files: [], bytes: 0 };
  const config = shown(project.file);
  const files = named.map((p) => {
    const abs = resolve(project.dir, p);
    return { path: abs, display: shown(abs) };
  });
  try {
    const bytes = checkEventFiles(files);
    once(files);
    return { files, config, bytes };
  } catch (e) {
    if (e instanceof UsageError) {
      const Kind = e instanceof InputError ? InputError : UsageError;
      throw new Kind(`${e.message} (replay.events of ${config})`);
    }
    throw e;
  }
}

/**
 * Each events file once: one named twice (by two paths, or two globs that overlap) was replayed
 * twice, doubling every count, with nothing but an out-of-order finding at its second start.
 */
function once(files: readonly EventsFile[]): void {
  const seen = new Map<string, string>();
  for (const f of files) {
    const real = realpathSync(f.path);
    const first = seen.get(real);
    if (first !== undefined)
      throw new UsageError(`${f.display} names the same file as ${first}: each events file is replayed once`);
    seen.set(real, f.display);
  }
}
