import { getDialect, DIALECTS } from '../dialects';
import type { AstNode, ObjectNode, PropertyNode } from '../parse/ast';
import { ParsedDocument } from '../parse';
import { FINDING_CODES, isFindingCode } from '../rules';
import { didYouMean } from '../suggest';
import { globProblem } from './resolve';
import {
  emptyConfig,
  RULE_SETTINGS,
  type ConfigOverride,
  type ConfigProblem,
  type ProjectConfig,
  type RuleSetting,
  type RuleSettings,
} from './types';

/** The keys of the file, in the order docs/configuration.md documents them. */
export const CONFIG_KEYS = [
  '$schema',
  'include',
  'exclude',
  'gitignore',
  'dialects',
  'rules',
  'overrides',
  'live',
  'replay',
] as const;
const OVERRIDE_KEYS = ['files', 'rules'];
const LIVE_KEYS = ['url'];
const REPLAY_KEYS = ['events'];
/** Keys someone may try under `live:` that must never be in a committed file. */
const SECRET_KEYS = /key|token|secret|password/i;

class Reader {
  readonly problems: ConfigProblem[] = [];
  fail(node: { offset: number; end: number } | null | undefined, message: string): void {
    this.problems.push({ message, span: { start: node?.offset ?? 0, end: node?.end ?? 1 } });
  }
  object(node: AstNode | null, what: string): ObjectNode | undefined {
    if (node?.type === 'object') return node;
    this.fail(node, `${what} must be a mapping`);
    return undefined;
  }
  /** The properties of a mapping, each key checked against `known` (with a did-you-mean). */
  properties(node: ObjectNode, known: readonly string[], where: string): PropertyNode[] {
    return node.properties.filter((p) => {
      if (known.includes(p.key.value)) return true;
      this.fail(p.key, `unknown key "${p.key.value}"${where}${didYouMean(p.key.value, known)}`);
      return false;
    });
  }
  strings(node: AstNode | null, what: string): string[] {
    if (node?.type === 'string') return this.glob(node, node.value, what) ? [node.value] : [];
    if (node?.type !== 'array') {
      this.fail(node, `${what} must be a list of globs`);
      return [];
    }
    return node.items.flatMap((item) => {
      if (item.type !== 'string' || !item.value) {
        this.fail(item, `${what}: each entry must be a non-empty glob string`);
        return [];
      }
      return this.glob(item, item.value, what) ? [item.value] : [];
    });
  }
  /** Whether a glob can be used; when not, its problem is reported on `node`. */
  glob(node: AstNode, glob: string, what: string): boolean {
    const problem = globProblem(glob);
    if (problem) this.fail(node, `${what}: ${problem}`);
    return !problem;
  }
  rules(node: AstNode | null, what: string): RuleSettings {
    const out: RuleSettings = {};
    const obj = this.object(node, what);
    for (const p of obj?.properties ?? []) {
      const code = p.key.value;
      if (!isFindingCode(code)) {
        this.fail(p.key, `unknown rule "${code}"${didYouMean(code, FINDING_CODES)}`);
        continue;
      }
      const v = p.value;
      if (v?.type === 'string' && (RULE_SETTINGS as readonly string[]).includes(v.value)) {
        out[code] = v.value as RuleSetting;
      } else {
        const given = v && 'value' in v ? String(v.value) : '';
        this.fail(
          v ?? p.key,
          `${code}: the setting must be off, warning or error${given ? `, not "${given}"${didYouMean(given, RULE_SETTINGS)}` : ''}`,
        );
      }
    }
    return out;
  }
}

/**
 * Reads the text of a `policylens.config.yaml`. Every problem is reported (with its place), never
 * thrown: the front ends turn them into a usage error, and a config with problems is not used.
 */
export function readConfig(text: string): { config: ProjectConfig; problems: ConfigProblem[] } {
  const config = emptyConfig();
  const r = new Reader();
  let doc: ParsedDocument;
  try {
    doc = new ParsedDocument(text, 'yaml');
  } catch {
    r.fail(null, 'the file is nested too deeply to read');
    return { config, problems: r.problems };
  }
  for (const f of doc.parseFindings) r.problems.push({ message: f.message, span: f.span });
  if (r.problems.length) return { config, problems: r.problems };
  const root = doc.root;
  // An empty file (or one with only comments) is a valid config that sets nothing.
  if (root === null || root === undefined || (root.type === 'null' && root.end === root.offset))
    return { config, problems: [] };
  const top = r.object(root, 'the config');
  if (!top) return { config, problems: r.problems };
  for (const p of r.properties(top, CONFIG_KEYS, ' in the config')) {
    const v = p.value;
    switch (p.key.value as (typeof CONFIG_KEYS)[number]) {
      case '$schema':
        break;
      case 'include':
        config.include = r.strings(v, 'include');
        break;
      case 'exclude':
        config.exclude = r.strings(v, 'exclude');
        break;
      case 'gitignore':
        if (v?.type === 'boolean') config.gitignore = v.value === true;
        else r.fail(v ?? p.key, 'gitignore must be true or false');
        break;
      case 'dialects':
        for (const d of r.object(v, 'dialects')?.properties ?? []) {
          const id = d.value?.type === 'string' ? d.value.value : '';
          if (!r.glob(d.key, d.key.value, 'dialects')) continue;
          if (getDialect(id)) config.dialects[d.key.value] = id;
          else
            r.fail(
              d.value ?? d.key,
              `dialects: unknown dialect "${id}" for "${d.key.value}"${didYouMean(
                id,
                DIALECTS.map((x) => x.id),
              )} (one of ${DIALECTS.map((x) => x.id).join(', ')})`,
            );
        }
        break;
      case 'rules':
        config.rules = r.rules(v, 'rules');
        break;
      case 'overrides':
        if (v?.type !== 'array') r.fail(v ?? p.key, 'overrides must be a list of {files, rules}');
        else
          v.items.forEach((item, i) => {
            const o = r.object(item, `overrides[${i}]`);
            if (!o) return;
            const entry: ConfigOverride = { files: [], rules: {} };
            for (const q of r.properties(o, OVERRIDE_KEYS, ` in overrides[${i}]`)) {
              if (q.key.value === 'files') entry.files = r.strings(q.value, `overrides[${i}].files`);
              else entry.rules = r.rules(q.value, `overrides[${i}].rules`);
            }
            if (!o.properties.some((q) => q.key.value === 'files'))
              r.fail(o, `overrides[${i}] needs "files": the globs it applies to`);
            config.overrides.push(entry);
          });
        break;
      case 'live': {
        const o = r.object(v, 'live');
        for (const q of o?.properties ?? []) {
          if (SECRET_KEYS.test(q.key.value)) {
            r.fail(
              q.key,
              `live.${q.key.value}: the API key is never read from the config file (it would be committed); set POLICYLENS_API_KEY`,
            );
            continue;
          }
          if (!LIVE_KEYS.includes(q.key.value)) {
            r.fail(q.key, `unknown key "${q.key.value}" in live${didYouMean(q.key.value, LIVE_KEYS)}`);
            continue;
          }
          if (q.value?.type === 'string' && /^https?:\/\/\S+$/.test(q.value.value))
            config.live = { url: q.value.value };
          else r.fail(q.value ?? q.key, 'live.url must be an http(s) URL');
        }
        break;
      }
      case 'replay': {
        const o = r.object(v, 'replay');
        for (const q of o ? r.properties(o, REPLAY_KEYS, ' in replay') : []) {
          const paths =
            q.value?.type === 'string' && q.value.value
              ? [q.value.value]
              : q.value?.type === 'array' &&
                  q.value.items.length > 0 &&
                  q.value.items.every((i) => i.type === 'string' && i.value)
                ? q.value.items.map((i) => (i as { value: string }).value)
                : undefined;
          if (paths) config.replay = { events: paths };
          else
            r.fail(
              q.value ?? q.key,
              'replay.events must be a path or a list of paths (JSON Lines, plain or gzip)',
            );
        }
        break;
      }
    }
  }
  return { config, problems: r.problems };
}
