// The build patches js-yaml's spread helper (scripts/js-yaml-patch.mjs; measured in
// docs/decisions/build.md). The patch is a text replacement in a dependency's source: this test
// fails when an update of js-yaml changes the helper so that the patch no longer applies (the
// bundle would silently be twice as slow to parse), and checks that the patched parser reads
// YAML exactly as the original does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { patchJsYaml } from '../../scripts/js-yaml-patch.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const file = join(root, 'node_modules/js-yaml/dist/js-yaml.cjs.js');
const source = readFileSync(file, 'utf8');

interface JsYaml {
  load(text: string, options?: object): unknown;
}

/** Evaluates a CommonJS source as a module of its own. */
function moduleOf(text: string): JsYaml {
  const mod = { exports: {} as JsYaml };
  new Function('module', 'exports', 'require', text)(mod, mod.exports, createRequire(file));
  return mod.exports;
}

test('the patch applies to the installed js-yaml', () => {
  const patched = patchJsYaml(source);
  assert.ok(
    patched,
    'js-yaml has no _objectSpread2 helper of the known shape: revisit scripts/js-yaml-patch.mjs',
  );
  assert.match(patched, /Object\.assign\(e, arguments\[r\]\)/);
  assert.notEqual(patched, source);
});

test('the patched js-yaml reads YAML as the original does', () => {
  const original = moduleOf(source);
  const patched = moduleOf(patchJsYaml(source)!);
  const texts = [
    'name: a\npolicyType: pii_access\nruleDefinition:\n  denied_pii_types: [ssn, email]\n',
    'base: &b {x: 1, y: [2, 3]}\nother: *b\nwhen: 2024-01-02\nnum: 0x1F\nempty:\n',
    '- {a: "quoted \\u00e9", b: \'single\'}\n- !!str 12\n- ~\n',
  ];
  for (const text of texts)
    for (const options of [undefined, { json: true }, { schema: undefined, filename: 'x.yaml' }])
      assert.deepEqual(patched.load(text, options), original.load(text, options), text);
});
