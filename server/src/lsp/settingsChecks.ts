/**
 * What the server says about settings it cannot use, instead of dropping them without a word: a
 * `policyLens.dialects` entry naming no dialect (a typo such as `agentsentinal`), and a pushed
 * `didChangeConfiguration` whose settings are not wrapped in a `policyLens` section and are not
 * that section's keys either. Each is logged, and an unknown dialect id is also shown to the user
 * (`window/showMessage`), once per entry.
 */
import { DIALECTS, nearest } from '../core/index';

/** The keys of the `policyLens` section (`readSettings` reads these). */
export const SETTING_KEYS = [
  'files',
  'dialects',
  'codeLens',
  'validate',
  'apiUrl',
  'refreshIntervalSeconds',
  'replay',
] as const;

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The message for each `{glob: id}` whose id is no dialect's. */
export function unknownDialectMessages(dialects: Record<string, string>): { key: string; message: string }[] {
  const ids = DIALECTS.map((d) => d.id);
  return Object.entries(dialects)
    .filter(([, id]) => !ids.includes(id))
    .map(([glob, id]) => {
      const near = nearest(id, ids, 1)[0];
      return {
        key: `${glob}\0${id}`,
        message:
          `policyLens.dialects: "${id}" (for ${glob}) is not a dialect id` +
          (near ? `; did you mean "${near}"?` : '.') +
          ` The ids are ${ids.join(', ')}. Until it is corrected, the files it matches are read by their content.`,
      };
    });
}

/**
 * The `policyLens` section in the settings of a `didChangeConfiguration`: `{policyLens: {…}}`, as
 * VS Code pushes it, or the section's keys alone (`{validate: false}`, as a client configured
 * with only this server's settings may push them). `ignored` lists the keys of settings that are
 * neither (another server's section, a typo), which the caller logs.
 */
export function pushedSection(settings: unknown): { section?: Record<string, unknown>; ignored?: string[] } {
  if (!isObj(settings)) return {};
  if (isObj(settings.policyLens)) return { section: settings.policyLens };
  const keys = Object.keys(settings);
  if (!keys.length) return {};
  if (keys.every((k) => (SETTING_KEYS as readonly string[]).includes(k))) return { section: settings };
  return { ignored: keys };
}

/** Reports each problem once: the same settings arrive again at every push and pull. */
export class SettingsWarnings {
  private readonly reported = new Set<string>();
  constructor(
    private readonly log: (message: string) => void,
    private readonly show: (message: string) => void,
  ) {}

  checkDialects(dialects: Record<string, string>): void {
    for (const { key, message } of unknownDialectMessages(dialects)) {
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.log(message);
      this.show(message);
    }
  }

  /** The section of a pushed change, or undefined (then logged when it held settings of others). */
  sectionOf(settings: unknown): Record<string, unknown> | undefined {
    const { section, ignored } = pushedSection(settings);
    if (ignored) {
      const key = `pushed\0${ignored.join(',')}`;
      if (!this.reported.has(key)) {
        this.reported.add(key);
        this.log(
          `didChangeConfiguration: ignored settings with neither a policyLens section nor only its keys ` +
            `(${ignored.join(', ')}); send {"policyLens": {…}} or the keys ${SETTING_KEYS.join(', ')} alone`,
        );
      }
    }
    return section;
  }
}
