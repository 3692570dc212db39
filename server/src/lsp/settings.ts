import picomatch from 'picomatch';
import { URI } from 'vscode-uri';
import type { RuleSettings } from '../core/index';
import type { ProjectConfigs } from './projectConfig';

/** Which CodeLenses show (`policyLens.codeLens.*`). */
export interface CodeLensSettings {
  /** All lenses; false hides every one, whatever the switches below say. */
  enabled: boolean;
  /** The sync plan above each bundle (`+ create`, `~ update`, `sync not configured`, …). */
  sync: boolean;
  /** The bundle's place in the evaluation order, on its `name`. */
  chain: boolean;
}

/** The `policyLens.*` settings the server reads. */
export interface Settings {
  /** Globs of the files that are policy files whatever their content. */
  files: string[];
  /** `{ glob: dialectId }`: files matching the glob are read as that dialect, without detection. */
  dialects: Record<string, string>;
  codeLens: CodeLensSettings;
  /** `policyLens.validate`: false publishes no diagnostics (completion, hover and the rest stay). */
  validate: boolean;
  /** `policyLens.apiUrl`; undefined when the client never said (the environment then decides). */
  apiUrl?: string;
  /** `policyLens.refreshIntervalSeconds`; undefined when the client never said. */
  refreshIntervalSeconds?: number;
  /**
   * \`policyLens.replay.events\`: recorded events (workspace-relative or absolute paths) whose replay
   * shows the impact of each pending sync change; undefined when the client never said, [] for none.
   */
  replayEvents?: string[];
}

export const DEFAULT_FILES = ['**/policies/**/*.{json,yaml,yml}', '**/*.policy.{json,yaml,yml}'];

export function defaultSettings(): Settings {
  return {
    files: [...DEFAULT_FILES],
    dialects: {},
    codeLens: { enabled: true, sync: true, chain: true },
    validate: true,
  };
}

const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);

/**
 * `codeLens` as a client sends it: a boolean (the extension's initializationOptions, and a
 * shorthand for other clients) or the section's object `{ enabled, sync, chain }`.
 */
function readCodeLens(raw: unknown, base: CodeLensSettings): CodeLensSettings {
  if (typeof raw === 'boolean') return { ...base, enabled: raw };
  if (!raw || typeof raw !== 'object') return base;
  const o = raw as Record<string, unknown>;
  return {
    enabled: bool(o.enabled, base.enabled),
    sync: bool(o.sync, base.sync),
    chain: bool(o.chain, base.chain),
  };
}

/**
 * Reads the settings object a client sends (initializationOptions or the `policyLens` section).
 * What it leaves out keeps its value from `base`.
 */
export function readSettings(raw: unknown, base: Settings = defaultSettings()): Settings {
  const obj = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const files = Array.isArray(obj.files)
    ? obj.files.filter((x): x is string => typeof x === 'string')
    : base.files;
  const dialects: Record<string, string> = {};
  const rawDialects = obj.dialects && typeof obj.dialects === 'object' ? obj.dialects : base.dialects;
  for (const [glob, id] of Object.entries(rawDialects as Record<string, unknown>))
    if (typeof id === 'string') dialects[glob] = id;
  const out: Settings = {
    files,
    dialects,
    codeLens: readCodeLens(obj.codeLens, base.codeLens),
    validate: bool(obj.validate, base.validate),
  };
  const apiUrl = typeof obj.apiUrl === 'string' ? obj.apiUrl.trim() : base.apiUrl;
  if (apiUrl !== undefined) out.apiUrl = apiUrl;
  const interval =
    typeof obj.refreshIntervalSeconds === 'number' && obj.refreshIntervalSeconds >= 0
      ? obj.refreshIntervalSeconds
      : base.refreshIntervalSeconds;
  if (interval !== undefined) out.refreshIntervalSeconds = interval;
  const replay = obj.replay && typeof obj.replay === 'object' ? (obj.replay as Record<string, unknown>) : {};
  const events =
    typeof replay.events === 'string'
      ? [replay.events]
      : Array.isArray(replay.events)
        ? replay.events.filter((x): x is string => typeof x === 'string')
        : undefined;
  const replayEvents = events ? events.map((e) => e.trim()).filter(Boolean) : base.replayEvents;
  if (replayEvents !== undefined) out.replayEvents = replayEvents;
  return out;
}

/** The part of the settings that decides which documents are policies and what they report. */
export function analysisKey(s: Settings): string {
  return JSON.stringify([s.files, s.dialects, s.validate]);
}

/**
 * Compiled matchers for the settings. A URI is tested by its path relative to each workspace folder
 * and by its absolute path, so `policies/**` and `**∕policies/**` both work as users expect.
 */
/** The most URIs a matcher remembers the exclusion of. */
const MAX_EXCLUDED_CACHE = 100_000;

export class FileMatcher {
  private readonly files: (p: string) => boolean;
  private readonly dialects: { test: (p: string) => boolean; id: string }[];

  constructor(
    settings: Settings,
    private readonly folders: () => string[],
    private readonly projects?: ProjectConfigs,
  ) {
    const opts = { dot: true };
    this.files = settings.files.length ? picomatch(settings.files, opts) : () => false;
    this.dialects = Object.entries(settings.dialects).map(([glob, id]) => ({
      test: picomatch(glob, opts),
      id,
    }));
  }

  private candidates(uri: string): string[] {
    const path = pathOf(uri);
    const out = [path, path.replace(/^\/+/, '')];
    for (const folder of this.folders()) {
      const base = folderPath(folder);
      if (path.startsWith(base)) out.push(path.slice(base.length));
    }
    return out;
  }

  isPolicyPath(uri: string): boolean {
    return !this.excluded(uri) && this.candidates(uri).some((p) => this.files(p));
  }

  /**
   * What `excluded` answered, per URI: a new matcher is made whenever the settings or the configs
   * change. Matching a config of thousands of globs on every keystroke's analysis cost 50–77 ms.
   */
  private readonly excludedCache = new Map<string, boolean>();

  /** Whether the project's config keeps a file out (`exclude`, or not in `include`). */
  excluded(uri: string): boolean {
    let answer = this.excludedCache.get(uri);
    if (answer === undefined) {
      answer = !!this.projects?.excludes(uri);
      // Bounded: a workspace scan asks for every file once.
      if (this.excludedCache.size >= MAX_EXCLUDED_CACHE) this.excludedCache.clear();
      this.excludedCache.set(uri, answer);
    }
    return answer;
  }

  /** The dialect a `policyLens.dialects` glob (or else the project's config) forces on this URI. */
  dialectFor(uri: string): string | undefined {
    if (this.excluded(uri)) return undefined;
    const fromConfig = () => this.projects?.settingsFor(uri)?.dialect;
    if (!this.dialects.length) return fromConfig();
    const cands = this.candidates(uri);
    return this.dialects.find((d) => cands.some((p) => d.test(p)))?.id ?? fromConfig();
  }

  /** The project's rule settings for a URI (severities, codes turned off). */
  rulesFor(uri: string): RuleSettings {
    return this.projects?.rulesFor(uri) ?? {};
  }
}

/** A `file:` URI whose path needs no decoding: its path is the URI without `file://`. */
const PLAIN_FILE_URI = /^file:\/\/\/[^%?#]*$/;

/** A folder's path with one final `/`: `path.startsWith(folderPath(f))` says a path lies inside it. */
export function folderPath(uri: string): string {
  return `${pathOf(uri).replace(/\/+$/, '')}/`;
}

/**
 * The path of a URI, as `URI.parse(uri).path`. Asked for every open document several times per
 * analysis (which files a setting or a config matches): parsing each time was 3 % of the server's
 * CPU when a workspace of 5,000 files was opened whole, so a plain `file:` URI is read directly.
 */
export function pathOf(uri: string): string {
  if (PLAIN_FILE_URI.test(uri)) return uri.slice('file://'.length);
  try {
    return URI.parse(uri).path;
  } catch {
    return uri;
  }
}

/** True for the file names whose content the server may sniff (YAML and JSON). */
export function isYamlOrJsonName(uri: string): boolean {
  return /\.(ya?ml|json|jsonc)$/i.test(pathOf(uri));
}
