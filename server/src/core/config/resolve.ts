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

/** Globs match paths relative to the config's directory, with `/`, dotfiles included. */
function matcher(globs: readonly string[]): Matcher {
  if (!globs.length) return () => false;
  // `windows: false`: paths are given with `/` on every platform, and picomatch then never asks the
  // process which platform it runs on (core knows no process).
  const m = picomatch(globs as string[], { dot: true, windows: false });
  // A glob without a slash matches at any depth, as in .gitignore and eslint (`*.draft.yaml`).
  const base = globs.filter((g) => !g.includes('/'));
  const mb = base.length ? picomatch(base, { dot: true, windows: false, basename: true }) : () => false;
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
