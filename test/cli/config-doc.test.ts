// docs/configuration.md documents every key of the config's schema (schemas/config/): each
// top-level key has its own `### \`key\`` section with a YAML example that uses it, and each
// nested key (live.url, overrides[].files, …) is named in its parent's section and in an example.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
type Node = { properties?: Record<string, Node>; items?: Node; $ref?: string };
const SCHEMA = JSON.parse(
  readFileSync(join(ROOT, 'schemas', 'config', 'policylens.config.schema.json'), 'utf8'),
) as Node & { $defs?: Record<string, Node> };

/** The properties below a node, through an array's items and a local $ref. */
function childrenOf(node: Node): Record<string, Node> {
  const target = node.$ref ? (SCHEMA.$defs?.[node.$ref.replace('#/$defs/', '')] ?? {}) : node;
  return target.properties ?? (target.items ? childrenOf(target.items) : {});
}

/** The text of a `### \`key\`` section, up to the next heading. */
function section(key: string): string | undefined {
  const start = DOC.indexOf(`### \`${key}\`\n`);
  if (start < 0) return undefined;
  const next = DOC.slice(start + 4).search(/\n#{2,3} /);
  return next < 0 ? DOC.slice(start) : DOC.slice(start, start + 4 + next);
}

const yamlBlocks = (text: string) => [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/configuration.md covers every config key', () => {
  for (const [key, node] of Object.entries(SCHEMA.properties ?? {})) {
    it(key, () => {
      const text = section(key);
      assert.ok(text, `a "### \`${key}\`" section`);
      const uses = (k: string) => new RegExp(`^\\s*(- )?${k.replace(/\$/g, '\\$')}:`, 'm');
      assert.ok(
        yamlBlocks(text).some((b) => uses(key).test(b)),
        `an example of ${key}`,
      );
      // The keys of `rules` are finding codes: the catalogue and docs/findings/ document them.
      for (const child of Object.keys(childrenOf(node)).filter((c) => !c.includes('/'))) {
        assert.ok(text.includes(`\`${child}\``) || text.includes(`{${child}`), `${key}.${child} named`);
        assert.ok(
          yamlBlocks(text).some((b) => uses(child).test(b)),
          `an example of ${key}.${child}`,
        );
      }
    });
  }
});
