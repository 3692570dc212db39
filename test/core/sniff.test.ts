// The extension's quick recogniser (core/dialects/sniff.ts) against the server's classification: on
// every YAML and JSON text of the repository (fixtures, examples, the bench's corpus) and on random
// documents in the styles YAML allows, it names the dialect the server recognises or nothing, never
// another one and never one for a file the server leaves alone. A policy it names is switched to our
// language id as the extension activates (client/src/adoption.ts); one it does not name waits
// for the server's ask, as before.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  classify,
  DIALECTS,
  engineFileName,
  isBlank,
  languageOf,
  ParsedDocument,
  recognize,
  sniffPolicy,
} from '../../server/src/core/index';
import { AGENTSENTINEL_KEYS, PRELOOP_KEYS, RECOGNIZERS } from '../../server/src/core/dialects/recognizers';

const ROOT = join(__dirname, '..', '..');

/** What the language server decides for a document opened as `yaml`/`json` (lsp/documents.ts). */
function serverDialect(text: string, fileName: string): string | undefined {
  if (isBlank(text)) return undefined;
  const value = new ParsedDocument(text, languageOf(fileName)).value;
  const kind = classify(value, text, fileName);
  if (!kind || kind === 'unsure') return undefined;
  return recognize(value, text, fileName)?.dialect.id;
}

function corpus(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/i.test(name) && statSync(p).size < 256 * 1024) out.push(p);
    }
  };
  for (const d of ['test/fixtures', 'examples', 'bench/corpus', 'schemas']) {
    try {
      walk(join(ROOT, d));
    } catch {
      // A folder this checkout does not have.
    }
  }
  return out.sort();
}

describe('the quick recogniser agrees with the server', () => {
  it('shares the dialects’ own detect functions and schema ids', () => {
    assert.deepEqual(
      RECOGNIZERS.map((r) => r.id),
      DIALECTS.map((d) => d.id),
    );
    RECOGNIZERS.forEach((r, i) => {
      assert.equal(DIALECTS[i].detect, r.detect, `${r.id}: the same function`);
      assert.equal(DIALECTS[i].schema.$id, r.schemaId, `${r.id}: the schema's $id`);
    });
  });

  it('knows every top-level key of a Preloop document', () => {
    const preloop = DIALECTS.find((d) => d.id === 'preloop')!;
    assert.deepEqual(
      [...PRELOOP_KEYS].sort(),
      Object.keys((preloop.schema as { properties: object }).properties).sort(),
    );
  });

  it('knows every top-level key of an Agent Sentinel platform policy', () => {
    const platform = DIALECTS.find((d) => d.id === 'agentsentinel')!;
    assert.deepEqual(
      [...AGENTSENTINEL_KEYS].sort(),
      Object.keys((platform.schema as { properties: object }).properties).sort(),
    );
  });

  it('names the server’s dialect or nothing, on every text of the corpus', () => {
    const files = corpus();
    assert.ok(files.length > 500, `${files.length} files`);
    let named = 0;
    let recognised = 0;
    const wrong: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fileName = engineFileName(file, /\.json$/i.test(file) ? 'json' : 'yaml');
      const server = serverDialect(text, fileName);
      const quick = sniffPolicy(text, fileName);
      if (server) recognised++;
      if (quick) named++;
      if (quick !== undefined && quick !== server)
        wrong.push(`${relative(ROOT, file)}: quick ${quick}, server ${server ?? 'not a policy'}`);
    }
    assert.deepEqual(wrong, []);
    // It must also be useful: most policies are read at once (the rest wait for the server).
    assert.ok(named >= recognised * 0.8, `named ${named} of ${recognised} policies`);
  });

  it('reads every policy of the examples and of the real-editor workspace', () => {
    for (const dir of ['examples', 'test/fixtures/e2e/workspace/policies']) {
      for (const file of corpus().filter((f) => f.startsWith(join(ROOT, dir) + '/'))) {
        const text = readFileSync(file, 'utf8');
        const server = serverDialect(text, file);
        if (server) assert.equal(sniffPolicy(text, file), server, relative(ROOT, file));
      }
    }
  });

  it('leaves what it cannot read for sure to the server', () => {
    const cases: [string, string][] = [
      ['anchors', 'base: &b\n  policyType: x\nother: *b\n'],
      ['a second document', 'name: a\n---\npolicyType: cost_limit\n'],
      ['a tag', 'metadata: !!map\n  name: a\ntools: []\nversion: 1\n'],
      ['a multi-line flow mapping', 'metadata: {\n  name: a }\ntools: []\nversion: 1\n'],
      ['a tab', 'policyType: x\n\tname: y\n'],
      ['a nested key under a plain scalar', 'policyType: x\n  name: y\n'],
      ['a key written twice', 'policyType: a\npolicyType: b\n'],
      ['a $schema that is not plainly a string', '$schema: 12\npolicyType: x\n'],
      ['a key with a space', 'policy type: x\nenforcementMode: block\n'],
    ];
    for (const [what, text] of cases) assert.equal(sniffPolicy(text, 'p.yaml'), undefined, what);
    assert.equal(sniffPolicy('{"policyType": "a", "policyType": "b"}', 'p.json'), undefined);
    assert.equal(sniffPolicy('', 'p.yaml'), undefined);
    assert.equal(sniffPolicy('# policylens: dialect=preloop\n', 'p.yaml'), undefined, 'blank');
  });

  it('names a dialect for the plain styles of policy files', () => {
    const cases: [string, string, string][] = [
      ['execlave', 'p.yaml', 'name: a\npolicyType: cost_limit\nruleDefinition:\n  maxCost: 1\n'],
      ['preloop', 'p.yaml', 'version: "1"\nmetadata:\n  name: a\ntools:\n- name: t\n'],
      ['callguard', 'p.yaml', 'budgets:\n  session: 1\nevidence: {}\n'],
      ['agentsentinel', 'p.yaml', 'name: a\nscope: org\nbudgets:\n  session: 1\n'],
      ['preloop', 'p.yaml', '# policylens: dialect=preloop\nfoo: 1\n'],
      ['execlave', 'p.json', '{"name": "a", "policyType": "cost_limit"}'],
      ['preloop', 'p', '{"metadata": {"name": "a"}, "version": "1"}'],
    ];
    for (const [dialect, name, text] of cases) {
      const fileName = engineFileName(name, name.endsWith('.yaml') ? 'yaml' : 'json');
      assert.equal(serverDialect(text, fileName), dialect, `server: ${text}`);
      assert.equal(sniffPolicy(text, fileName), dialect, text);
    }
  });

  it('never names a dialect the server does not, on random documents', () => {
    const keys = fc.constantFrom(
      'name',
      'policyType',
      'polcyType',
      'enforcementMode',
      'ruleDefinition',
      'metadata',
      'version',
      'tools',
      'budgets',
      'evidence',
      'scope',
      'target_id',
      'source',
      'source_format',
      '$schema',
      'kind',
      'apiVersion',
      'spec',
    );
    const scalar = fc.oneof(
      fc.constantFrom('x', 'yes', '1', 'null', '', 'a: b', '- a', '&a', '*a', '!t x', '|', '{}', '[]'),
      fc.constantFrom(
        'https://policy-lens.dev/schemas/preloop/policy.schema.json',
        'execlave',
        'agentsentinel/callguard.schema.json',
      ),
    );
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.dictionary(keys, tie('v'), { maxKeys: 3 }),
        fc.array(tie('v'), { maxLength: 2 }),
      ),
    })).v;
    const doc = fc.record({
      map: fc.dictionary(keys, value, { maxKeys: 6 }),
      style: fc.constantFrom('block', 'flow', 'json', 'raw'),
      comment: fc.constantFrom('', '# policylens: dialect=callguard\n', '# $schema: preloop\n', '---\n'),
      raw: fc.array(
        fc.tuple(
          keys,
          fc.constantFrom(
            '',
            ' x',
            ' {}',
            ' [a]',
            ' |',
            ' "q"',
            " 'q'",
            ' &a x',
            ' *a',
            ' ["a]", b]',
            " {a: 'x # }'}",
            ' ["a", "b"]',
            ' {a: "}"',
            ' [a] # c',
          ),
        ),
        {
          maxLength: 5,
        },
      ),
      nested: fc.constantFrom('', '  a: 1\n', '  - a\n', '- b\n', '  text\n', '\ta: 1\n'),
    });
    fc.assert(
      fc.property(doc, ({ map, style, comment, raw, nested }) => {
        let text: string;
        if (style === 'json') text = JSON.stringify(map, null, 2);
        else if (style === 'raw') text = comment + raw.map(([k, v]) => `${k}:${v}\n${nested}`).join('');
        else text = comment + stringify(map, { collectionStyle: style === 'flow' ? 'flow' : 'any' });
        const fileName = style === 'json' ? 'p.json' : 'p.yaml';
        const quick = sniffPolicy(text, fileName);
        if (quick !== undefined) assert.equal(quick, serverDialect(text, fileName), text);
      }),
      { numRuns: 3000 },
    );
  });
});
