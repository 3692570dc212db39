import picomatch from 'picomatch';
import type { Finding } from '../findings';
import type { ProjectConfig, RuleSettings } from './types';

/** What the configuration says about one file. */
export interface FileSettings {
  /** The dialect a `dialects` glob forces on it. */
  dialect?: string;
  /** The rule settings that apply to it: the project's, then every matching override's. */
  rules: RuleSettings;
}

type Matcher = (path: string) => boolean;

/** How many globs one expression joins: V8 refuses an expression past a size (about 5,000 globs). */
const GLOBS_PER_EXPRESSION = 64;

/** A glob segment that matches only itself: no wildcard, class, brace, extglob or escape. */
const LITERAL_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * The longest glob a config may hold. picomatch refuses a pattern past 65,536 characters with an
 * exception, and reads nested groups in quadratic time until the expression overflows the stack
 * (8,000 `(` threw "Maximum call stack size exceeded", 4,000 took 0.4 s): either crashed lint and
 * left the language server without the config. No path a glob is meant for is this long.
 */
export const MAX_GLOB_LENGTH = 1024;

/** Why a config glob cannot be used (too long, or picomatch cannot compile it); undefined when it can. */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH)
    return `the glob has ${glob.length} characters; at most ${MAX_GLOB_LENGTH} are read`;
  try {
    picomatch.makeRe(glob, { dot: true, windows: false });
    return undefined;
  } catch (e) {
    return `the glob cannot be read: ${(e as Error).message}`;
  }
}

/** A path's segments; the same path is asked about by every override in turn, so the last is kept. */
let lastSegments: { path: string; segments: string[] } = { path: '', segments: [] };
function segmentsOf(path: string): string[] {
  if (lastSegments.path !== path) lastSegments = { path, segments: path.split('/') };
  return lastSegments.segments;
}

/** The globs as a few regular expressions joined as alternatives (64 globs to an expression). */
function joined(globs: readonly string[], options: picomatch.PicomatchOptions): (p: string) => boolean {
  const res: RegExp[] = [];
  for (let i = 0; i < globs.length; i += GLOBS_PER_EXPRESSION)
    res.push(
      new RegExp(
        globs
          .slice(i, i + GLOBS_PER_EXPRESSION)
          .map((g) => `(?:${picomatch.makeRe(g, options).source})`)
          .join('|'),
      ),
    );
  return (p) => res.some((re) => re.test(p));
}

/**
 * Any of the globs. picomatch's own matcher for a list tries each glob in turn through its general
 * `test`, and each glob's expression scans the whole path (a globstar tries every position): a config of
 * 5,000 `exclude` globs over 5,000 files was 25 million tests and 27 s of a lint. Here a glob with
 * a literal segment (`drafts` in `drafts/*.yaml`) is tried only on paths that have that
 * segment, found by one lookup per segment of the path; the others are tried on every path. Each
 * glob is compiled by picomatch (`makeRe`, what its matcher runs), and the globs tried together are
 * joined into a few expressions. As picomatch does, a path equal to a glob matches it, and
 * `basename` globs are tested against the last segment only.
 */
function anyOf(globs: readonly string[], options: picomatch.PicomatchOptions): Matcher {
  const exact = new Set(globs);
  const everywhere: string[] = [];
  const bySegment = new Map<string, string[]>();
  for (const g of globs) {
    const literal = g.startsWith('!') ? undefined : g.split('/').find((seg) => LITERAL_SEGMENT.test(seg));
    if (literal === undefined) everywhere.push(g);
    else {
      const list = bySegment.get(literal);
      if (list) list.push(g);
      else bySegment.set(literal, [g]);
    }
  }
  const always = everywhere.length ? joined(everywhere, options) : () => false;
  const bySegmentTest = new Map([...bySegment].map(([seg, list]) => [seg, joined(list, options)]));
  const test = (p: string) => {
    if (always(p)) return true;
    if (!bySegmentTest.size) return false;
    for (const seg of segmentsOf(p)) if (bySegmentTest.get(seg)?.(p)) return true;
    return false;
  };
  return options.basename
    ? (p) => p !== '' && (exact.has(p) || test(p.slice(p.lastIndexOf('/') + 1)))
    : (p) => p !== '' && (exact.has(p) || test(p));
}

/**
 * The globs as .gitignore reads them (docs/configuration.md): a glob also matches everything under
 * what it matches, so one that names a folder (`policies`, `policies/drafts`) means the folder's
 * files in `include` as it always did in `exclude`; a trailing `/` names a folder; a leading `/`
 * anchors the glob to the config's folder; a glob with no other `/` matches a name at any depth.
 * Returns the globs tried on the whole path and those tried on the last segment.
 */
export function gitignoreStyle(globs: readonly string[]): { path: string[]; name: string[] } {
  const path: string[] = [];
  const name: string[] = [];
  for (const g of globs) {
    if (g.startsWith('!')) {
      path.push(g);
      continue;
    }
    const trimmed = g.replace(/\/+$/, '');
    const anchored = trimmed.startsWith('/');
    const glob = trimmed.replace(/^\/+/, '');
    if (!glob) continue;
    if (anchored || glob.includes('/')) {
      path.push(glob);
      if (!glob.endsWith('/**')) path.push(`${glob}/**`);
    } else {
      path.push(glob, `**/${glob}/**`);
      name.push(glob);
    }
  }
  return { path, name };
}

/** Globs match paths relative to the config's directory, with `/`, dotfiles included. */
function matcher(globs: readonly string[]): Matcher {
  if (!globs.length) return () => false;
  const { path, name } = gitignoreStyle(globs);
  // `windows: false`: paths are given with `/` on every platform, and picomatch then never asks the
  // process which platform it runs on (core knows no process).
  const m = path.length ? anyOf(path, { dot: true, windows: false }) : () => false;
  // A glob without a slash matches at any depth, as in .gitignore and eslint (`*.draft.yaml`).
  const mb = name.length ? anyOf(name, { dot: true, windows: false, basename: true }) : () => false;
  return (p) => m(p) || mb(p);
}

/**
 * A configuration compiled once for many files. Every method takes the file's path relative to the
 * config's directory (`policies/a.yaml`), which the front end computes.
 */
export class ResolvedConfig {
  private readonly include: Matcher;
  private readonly exclude: Matcher;
  private readonly dialects: { test: Matcher; id: string }[];
  private readonly overrides: { test: Matcher; rules: RuleSettings }[];

  constructor(readonly config: ProjectConfig) {
    this.include = config.include.length ? matcher(config.include) : () => true;
    this.exclude = matcher(config.exclude);
    this.dialects = Object.entries(config.dialects).map(([g, id]) => ({ test: matcher([g]), id }));
    this.overrides = config.overrides.map((o) => ({ test: matcher(o.files), rules: o.rules }));
  }

  /** Whether a walked file is linted: it matches `include` (when given) and not `exclude`. */
  includes(relPath: string): boolean {
    return this.include(relPath) && !this.exclude(relPath);
  }

  /** Whether a file is excluded by `exclude` (an explicitly named file is still linted). */
  excludes(relPath: string): boolean {
    return this.exclude(relPath);
  }

  settingsFor(relPath: string): FileSettings {
    const dialect = this.dialects.find((d) => d.test(relPath))?.id;
    let rules = this.config.rules;
    for (const o of this.overrides) if (o.test(relPath)) rules = { ...rules, ...o.rules };
    return dialect ? { dialect, rules } : { rules };
  }
}

/**
 * Applies rule settings to findings: `off` drops a code, `warning`/`error` set its severity. The
 * CLI and the language server call this on the same findings, so both show the same result.
 */
export function applyRuleSettings(findings: Finding[], rules: RuleSettings): Finding[] {
  if (Object.keys(rules).length === 0) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = rules[f.code];
    if (setting === 'off') continue;
    out.push(setting && setting !== f.severity ? { ...f, severity: setting } : f);
  }
  return out;
}
