import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import { URI, Utils } from 'vscode-uri';
import {
  CONFIG_FILE_NAME,
  LineIndex,
  readConfig,
  ResolvedConfig,
  type FileSettings,
  type RuleSettings,
} from '../core/index';
import type { FileSystem } from './runtime';
import { pathOf } from './settings';

/** How many nested configs a workspace folder may hold (a listing stops there). */
const MAX_NESTED_CONFIGS = 1000;

interface Loaded {
  /** The config's directory, as a path with a trailing slash. */
  base: string;
  /** Found upward from a workspace folder (not nested in it): only these name the live org and events. */
  top: boolean;
  config: ResolvedConfig;
  /** The config file's text. */
  text: string;
}

/** A problem of a config file, as the editor shows it on that file. */
export interface ConfigDiagnostics {
  uri: string;
  diagnostics: Diagnostic[];
}

/**
 * The `policylens.config.yaml` files of the workspace: each folder's nearest one in the folder or
 * above it (up to the repository's root), and every one nested in the folder. A file is governed by
 * the nearest config at or above its own folder, as lint's walk decides (no inheritance between
 * configs); an outer config's `exclude` of a folder on the way still leaves the folder out, as it
 * stops the walk. A config with problems is not used (lint refuses it as a usage error); its
 * problems are shown on the file instead.
 */
export class ProjectConfigs {
  private loaded: Loaded[] = [];
  /** What the loaded configs were read from: a reload that reads the same leaves analysis alone. */
  private key = '[]';
  /** Loads started: a load that a newer one overtook while it read applies nothing. */
  private loads = 0;
  /**
   * The live org's URL (\`live.url\`) of the first workspace folder's config that names one: the
   * sync lens uses it when the \`policyLens.apiUrl\` setting and the environment name none, as
   * \`policylens sync\` does.
   */
  liveUrl: string | undefined;
  /**
   * The recorded events (\`replay.events\`) of the first workspace folder's config that names some,
   * as URIs: the impact of pending sync changes replays them when no setting names any.
   */
  replayEvents: string[] | undefined;

  /** Whether a URI is a config file (a change to it reloads the configs). */
  static isConfigUri(uri: string): boolean {
    // Asked at every look-up of a document: a URI that cannot spell the name, even escaped, is not one.
    if (!uri.includes(CONFIG_FILE_NAME) && !uri.includes('%')) return false;
    return pathOf(uri).endsWith(`/${CONFIG_FILE_NAME}`);
  }

  /**
   * Finds and reads the configs of the folders; returns the problems of every config file read, and
   * whether the configs in use changed (at start, with no config file, they did not). A load that
   * another started while it read is `stale` and changes nothing: loads run side by side (at start,
   * on a config's change, on a folder's) and may end in any order, and the last to end used to win
   * even when it read the older text.
   */
  async load(
    folders: readonly string[],
    fs: FileSystem,
  ): Promise<{ reports: ConfigDiagnostics[]; changed: boolean; stale?: true }> {
    const generation = ++this.loads;
    const loaded: Loaded[] = [];
    const reports: ConfigDiagnostics[] = [];
    const seen = new Set<string>();
    const found: { uri: URI; top: boolean }[] = [];
    for (const folder of folders) {
      const up = await findUp(URI.parse(folder), fs);
      if (up) found.push({ uri: up, top: true });
      // Nested configs, found by the same listing the workspace scan makes (hidden folders and
      // node_modules skipped); the folder's own config is the one found upward.
      const own = up?.toString();
      const nested = await fs.listFiles(
        folder,
        (u) => u !== own && ProjectConfigs.isConfigUri(u),
        MAX_NESTED_CONFIGS,
      );
      for (const u of nested) found.push({ uri: URI.parse(u), top: false });
    }
    for (const { uri, top } of found) {
      if (seen.has(uri.toString())) continue;
      seen.add(uri.toString());
      const text = await fs.readFile(uri.toString());
      if (text === undefined) continue;
      const { config, problems } = readConfig(text);
      const lines = new LineIndex(text);
      reports.push({
        uri: uri.toString(),
        diagnostics: problems.map((p) => ({
          range: { start: lines.positionAt(p.span.start), end: lines.positionAt(p.span.end) },
          severity: DiagnosticSeverity.Error,
          source: 'policy-lens',
          message: p.message,
        })),
      });
      if (!problems.length)
        loaded.push({
          base: Utils.dirname(uri).path.replace(/\/*$/, '/'),
          top,
          config: new ResolvedConfig(config),
          text,
        });
    }
    if (generation !== this.loads) return { reports, changed: false, stale: true };
    this.liveUrl = loaded.find((l) => l.top && l.config.config.live?.url)?.config.config.live?.url;
    const withEvents = loaded.find((l) => l.top && l.config.config.replay);
    this.replayEvents = withEvents?.config.config.replay?.events.map((p) =>
      Utils.resolvePath(URI.file(withEvents.base), p).toString(),
    );
    // The deepest config first, so a URI is governed by the nearest one.
    this.loaded = loaded.sort((a, b) => b.base.length - a.base.length);
    const key = JSON.stringify(this.loaded.map((l) => [l.base, l.text]));
    const changed = key !== this.key;
    this.key = key;
    return { reports, changed };
  }

  private find(uri: string): { rel: string; config: ResolvedConfig } | undefined {
    if (!this.loaded.length) return undefined;
    const path = pathOf(uri);
    const l = this.loaded.find((x) => path.startsWith(x.base));
    return l && { rel: path.slice(l.base.length), config: l.config };
  }

  /**
   * Whether the config excludes a file (or does not include it): it is then not a policy file. The
   * nearest config decides, unless an outer config excludes a folder on the way to it (lint's walk
   * does not enter that folder, so it never reaches the nested config).
   */
  excludes(uri: string): boolean {
    if (ProjectConfigs.isConfigUri(uri)) return true;
    if (!this.loaded.length) return false;
    const path = pathOf(uri);
    const chain = this.loaded.filter((x) => path.startsWith(x.base));
    if (!chain.length) return false;
    if (!chain[0]!.config.includes(path.slice(chain[0]!.base.length))) return true;
    // Each outer config against the folders from its own down to the next inner config's.
    for (let i = 1; i < chain.length; i++) {
      const outer = chain[i]!;
      const folders = chain[i - 1]!.base.slice(outer.base.length).split('/').filter(Boolean);
      for (let k = 1; k <= folders.length; k++)
        if (outer.config.excludes(folders.slice(0, k).join('/'))) return true;
    }
    return false;
  }

  /**
   * Whether .gitignore applies to a file or under a folder: its nearest config's \`gitignore\` (true
   * without a config), so a nested config's setting holds for its folder, as in lint's walk.
   */
  gitignore(uri: string): boolean {
    return this.find(uri.replace(/\/*$/, '/'))?.config.config.gitignore ?? true;
  }

  /**
   * The folders the workspace folders' own configs name in \`include\` (\`policies/**\` → its
   * \`policies\` folder), as URIs, in the configs' order: where new bundles most likely belong.
   */
  includedFolders(): string[] {
    const out: string[] = [];
    for (const l of this.loaded.filter((x) => x.top))
      for (const glob of l.config.config.include) {
        // As the config reads a glob (core/config/resolve.ts, `gitignoreStyle`): a leading `/`
        // anchors it, a trailing `/` names a folder (`policies/`, the form docs/configuration.md
        // shows), so neither is a part of the path.
        const parts = glob.split('/').filter((p) => p !== '');
        const at = parts.findIndex((p) => /[*?[\]{}!]/.test(p));
        const fixed = at < 0 ? parts : parts.slice(0, at);
        // A glob without a wildcard names a folder, unless its last part looks like a file name
        // and no trailing `/` says it is a folder.
        const file = at < 0 && !glob.endsWith('/') && /\./.test(fixed.at(-1) ?? '');
        const folder = file ? fixed.slice(0, -1) : fixed;
        if (folder.length && !folder.some((p) => p === '..' || p === '.'))
          out.push(Utils.joinPath(URI.file(l.base), ...folder).toString());
      }
    return [...new Set(out)];
  }

  settingsFor(uri: string): FileSettings | undefined {
    const f = this.find(uri);
    return f && f.config.settingsFor(f.rel);
  }

  rulesFor(uri: string): RuleSettings {
    return this.settingsFor(uri)?.rules ?? {};
  }
}

/**
 * The nearest config at or above a folder, up to the repository's root (the nearest folder with
 * `.git`), as lint finds it (cli/project.ts): a config above the checkout is not the project's.
 */
async function findUp(folder: URI, fs: FileSystem): Promise<URI | undefined> {
  for (let dir = folder; ;) {
    const candidate = Utils.joinPath(dir, CONFIG_FILE_NAME);
    if (await fs.exists(candidate.toString())) return candidate;
    const up = Utils.dirname(dir);
    if (up.path === dir.path || (await fs.exists(Utils.joinPath(dir, '.git').toString()))) return undefined;
    dir = up;
  }
}
