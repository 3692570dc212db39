// The build patches js-yaml's ES module build (scripts/js-yaml-patch.mjs; measured in
// docs/decisions/build.md). The patch is a text replacement in a dependency's source: this test
// fails when an update of js-yaml changes the parser's or the composer's state so that the patch no
// longer applies (the bundle would silently be four times as slow to parse), and checks that the
// patched parser reads YAML exactly as the original does, events and values alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { patchJsYamlEsm } from '../../scripts/js-yaml-patch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = join(root, 'node_modules/js-yaml/dist/js-yaml.mjs');
const source = readFileSync(file, 'utf8');

interface JsYaml {
  load(text: string, options?: object): unknown;
  parseEvents(text: string, options: object): unknown[];
  constructFromEvents(events: unknown[], options: object): unknown;
  CORE_SCHEMA: object;
}

/** What `load` gives: the value, or the message of its error (a stream of two documents has one). */
function outcome(lib: JsYaml, text: string, options?: object): unknown {
  try {
    return { value: lib.load(text, options) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test('the patch applies to the installed js-yaml', () => {
  const patched = patchJsYamlEsm(source);
  assert.ok(
    patched,
    "js-yaml's parser or composer state is not of the known shape: revisit scripts/js-yaml-patch.mjs",
  );
  assert.equal(
    patched.match(/const state = Object\.assign\(\{\}, DEFAULT_\w+_OPTIONS, options, \{/g)?.length,
    2,
  );
  assert.doesNotMatch(patched, /\.\.\.DEFAULT_PARSER_OPTIONS,\n\t\t\.\.\.options,\n\t\tinput/);
});

test('a source without the two states is refused, not half patched', () => {
  const one = source.replace(/\.\.\.DEFAULT_CONSTRUCTOR_OPTIONS,/, '...DEFAULT_CONSTRUCTOR_OPTIONS_X,');
  assert.equal(patchJsYamlEsm(one), undefined);
});

test('the patched js-yaml reads YAML as the original does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'policylens-js-yaml-'));
  try {
    const copy = join(dir, 'js-yaml.mjs');
    writeFileSync(copy, patchJsYamlEsm(source)!);
    const original = (await import(pathToFileURL(file).href)) as JsYaml;
    const patched = (await import(pathToFileURL(copy).href)) as JsYaml;
    const texts = [
      'name: a\npolicyType: pii_access\nruleDefinition:\n  denied_pii_types: [ssn, email]\n',
      'base: &b {x: 1, y: [2, 3]}\nother: *b\nwhen: 2024-01-02\nnum: 0x1F\nempty:\n',
      '- {a: "quoted \\u00e9", b: \'single\'}\n- !!str 12\n- ~\n',
      'text: |\n  two\n  lines\nfolded: >-\n  one\n  line\n---\nsecond: document\n',
    ];
    for (const text of texts) {
      for (const options of [undefined, { json: true }, { schema: undefined, filename: 'x.yaml' }])
        assert.deepEqual(outcome(patched, text, options), outcome(original, text, options), text);
      const events = patched.parseEvents(text, {});
      assert.deepEqual(events, original.parseEvents(text, {}), text);
      const compose = (lib: JsYaml) =>
        lib.constructFromEvents(lib.parseEvents(text, {}), { source: text, schema: lib.CORE_SCHEMA });
      assert.deepEqual(compose(patched), compose(original), text);
    }
    assert.throws(() => patched.load('a: [1, 2'), /unexpected end|flow collection/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
