// The CEL TextMate grammars: well-formed, registered in package.json, every include resolvable,
// every pattern a valid regular expression, and the injection patterns matching the expression
// strings of real policy files (and nothing else). VS Code runs them with Oniguruma; the patterns
// here use only syntax that Oniguruma and JavaScript read the same way, apart from the inline
// case-insensitive group `(?i:…)`, which is mapped before compiling.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
type Rule = Record<string, unknown>;
const load = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Rule;

const cel = load('syntaxes/cel.tmLanguage.json');
const yaml = load('syntaxes/cel-injection-yaml.json');
const json = load('syntaxes/cel-injection-json.json');

function regex(source: string, flags = ''): RegExp {
  return new RegExp(source.replace(/\(\?i:/g, '(?:'), flags);
}

/** Every rule of a grammar, with where it is. */
function rules(grammar: Rule): [string, Rule][] {
  const out: [string, Rule][] = [];
  const walk = (r: unknown, where: string) => {
    if (!r || typeof r !== 'object') return;
    if (Array.isArray(r)) return r.forEach((x, i) => walk(x, `${where}[${i}]`));
    const rule = r as Rule;
    out.push([where, rule]);
    for (const k of ['patterns', 'captures', 'beginCaptures', 'endCaptures', 'repository'])
      if (rule[k] && typeof rule[k] === 'object')
        for (const [name, sub] of Object.entries(rule[k] as Rule)) walk(sub, `${where}.${k}.${name}`);
  };
  walk(grammar, grammar.scopeName as string);
  return out;
}

test('grammars: registered in package.json with their scope names', () => {
  const pkg = load('package.json') as {
    contributes: { grammars: { scopeName: string; path: string; injectTo?: string[] }[] };
  };
  const byScope = new Map(pkg.contributes.grammars.map((g) => [g.scopeName, g]));
  for (const g of [cel, yaml, json]) {
    const entry = byScope.get(g.scopeName as string);
    assert.ok(entry, `${String(g.scopeName)} is contributed`);
    assert.equal(load(entry.path.replace(/^\.\//, '')).scopeName, g.scopeName);
  }
  // CEL is highlighted in policies opened as plain YAML/JSON and in our own policy languages.
  assert.deepEqual(byScope.get('cel.injection.yaml')?.injectTo, ['source.yaml', 'source.policylens.yaml']);
  for (const scope of ['source.json', 'source.policylens.json'])
    assert.ok(byScope.get('cel.injection.json')?.injectTo?.includes(scope), scope);
});

test('grammars: every pattern compiles and every include resolves', () => {
  for (const g of [cel, yaml, json]) {
    const repo = (g.repository ?? {}) as Rule;
    for (const [where, r] of rules(g)) {
      for (const k of ['match', 'begin', 'end'])
        if (typeof r[k] === 'string') assert.doesNotThrow(() => regex(r[k] as string), `${where}.${k}`);
      const inc = r.include;
      if (typeof inc === 'string' && inc.startsWith('#'))
        assert.ok(repo[inc.slice(1)], `${where}: ${inc} resolves`);
      if (typeof inc === 'string' && !inc.startsWith('#'))
        assert.equal(inc, 'source.cel', `${where} embeds CEL`);
    }
  }
});

const yamlRule = (name: string) => (yaml.repository as Rule)[name] as Rule;

test('yaml injection: each expression style starts the embedded CEL, other keys do not', () => {
  const cases: [string, string][] = [
    ['      - expression: |', 'block-in-sequence'],
    ['      - expression: >- # folded', 'block-in-sequence'],
    ['  expression: |', 'block'],
    ['  expression: >-', 'block'],
    ['      - expression: "args.amount > 50"', 'double-quoted'],
    [
      'conditions: [{expression: "args.to.endsWith(\'@partner.example\')", condition_type: cel}]',
      'double-quoted',
    ],
    ["  expression: 'cost + 1 > 5 && phase == ''post'''", 'single-quoted'],
    ['  expression: environment == "production" && cost > 2.5', 'plain'],
  ];
  for (const [line, expected] of cases) {
    const matched = ['block-in-sequence', 'block', 'double-quoted', 'single-quoted', 'plain'].find((n) =>
      regex(yamlRule(n).begin as string, 'm').test(line),
    );
    assert.equal(matched, expected, line);
  }
  // Comments are the host grammar's: it consumes `# …` before the injection sees the key.
  for (const line of [
    '  description: |',
    '  expressions: x',
    '  my_expression: "x"',
    '  expression_type: cel',
  ])
    assert.ok(
      !['block', 'double-quoted', 'single-quoted', 'plain'].some((n) =>
        regex(yamlRule(n).begin as string).test(line),
      ),
      `${line} is not an expression`,
    );
});

test('yaml injection: a block expression ends at the next key, not at its own lines', () => {
  const inSeq = yamlRule('block-in-sequence');
  const m = regex(inSeq.begin as string).exec('      - expression: |')!;
  const end = regex((inSeq.end as string).replace('\\1', m[1]));
  assert.ok(!end.test('          args.amount > 10 &&'), 'content line');
  assert.ok(!end.test(''), 'blank line');
  assert.ok(end.test('        condition_type: cel'), 'sibling key');
  assert.ok(end.test('      - expression: x'), 'next item');
  const block = yamlRule('block');
  const b = regex(block.begin as string).exec('  expression: |')!;
  const blockEnd = regex((block.end as string).replace('\\1', b[1]));
  assert.ok(!blockEnd.test('    environment == "production"'));
  assert.ok(blockEnd.test('isActive: true'));
});

test('json injection: the value of an "expression" key, escapes included', () => {
  const rule = (json.repository as Rule)['expression-value'] as Rule;
  const line = '  "ruleDefinition": { "expression": "environment == \\"production\\" && cost > 2.5" }';
  const m = regex(rule.begin as string).exec(line);
  assert.ok(m, 'begins at the expression key');
  const rest = line.slice(m.index + m[0].length);
  // The escape pattern consumes \" so the end pattern only sees the closing quote.
  const escape = regex((rule.patterns as Rule[])[0].match as string, 'g');
  const stripped = rest.replace(escape, '__');
  assert.equal(stripped.indexOf('"'), rest.lastIndexOf('"'));
  assert.ok(!regex(rule.begin as string).test('"description": "x"'));
});

test('cel grammar: context variables, macros and operators get their scopes', () => {
  const repo = cel.repository as Rule;
  const ids = ((repo.identifier as Rule).patterns as Rule[])[0].match as string;
  for (const v of ['input', 'cost', 'environment', 'args', 'phase']) assert.ok(regex(`^${ids}$`).test(v), v);
  assert.ok(!regex(`^${ids}$`).test('costs'));
  const fn = (repo['function-call'] as Rule).match as string;
  assert.equal(regex(fn).exec('tools.exists(t, t == "x")')?.[1], 'exists');
  const logical = ((repo.operator as Rule).patterns as Rule[])[0].match as string;
  assert.deepEqual('a && !b || c != d'.match(regex(logical, 'g')), ['&&', '!', '||']);
});
