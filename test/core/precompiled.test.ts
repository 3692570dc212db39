// The bundles validate with standalone code generated at build time (esbuild.mjs bundles
// `standaloneValidators` in place of core/schema/precompiled.ts); the sources compile each schema
// at first use. Both must say exactly the same thing about every input the fixtures hold.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ValidateFunction } from 'ajv/dist/2020';
import { DIALECTS } from '../../server/src/core/dialects';
import { standaloneValidators } from '../../server/src/core/schema/ajv';
import { validatorFor } from '../../server/src/core/schema/compile';
import { ParsedDocument, languageOf } from '../../server/src/core/parse';
import { FIXTURES } from '../support/fixtures';

function loadStandalone(): Record<string, ValidateFunction> {
  const mod = { exports: {} as Record<string, ValidateFunction> };
  new Function('module', 'exports', 'require', standaloneValidators(DIALECTS.map((d) => d.schema)))(
    mod,
    mod.exports,
    require,
  );
  return mod.exports;
}

/** Every policy file under the lint and dialect fixtures, parsed to a value. */
function fixtureValues(): { file: string; value: unknown }[] {
  const out: { file: string; value: unknown }[] = [];
  for (const area of ['lint', join('dialects', 'lint')])
    for (const c of readdirSync(join(FIXTURES, area))) {
      for (const f of readdirSync(join(FIXTURES, area, c))) {
        if (!/\.(ya?ml|json)$/.test(f) || f === 'expected.json') continue;
        const text = readFileSync(join(FIXTURES, area, c, f), 'utf8');
        try {
          const { value } = new ParsedDocument(text, languageOf(f));
          if (value !== undefined) out.push({ file: `${area}/${c}/${f}`, value });
        } catch {
          // Nested too deep to parse: the validators never see it either.
        }
      }
    }
  return out;
}

const strip = (errors: ValidateFunction['errors']) =>
  (errors ?? []).map((e) => ({
    keyword: e.keyword,
    instancePath: e.instancePath,
    schemaPath: e.schemaPath,
    params: e.params as unknown,
    message: e.message,
    data: e.data as unknown,
    parentSchema: e.parentSchema,
  }));

test('standalone validators report exactly what the compiled ones report', () => {
  const standalone = loadStandalone();
  const values = fixtureValues();
  assert.ok(values.length > 50, `the fixtures hold policy files (${values.length})`);
  let invalid = 0;
  for (const d of DIALECTS) {
    const pre = standalone[d.schema.$id as string];
    assert.ok(pre, `${d.id} is precompiled`);
    const compiled = validatorFor(d.schema);
    for (const { file, value } of values) {
      const a = compiled(value);
      const b = pre(value);
      assert.equal(b, a, `${d.id} on ${file}: valid`);
      assert.deepEqual(strip(pre.errors), strip(compiled.errors), `${d.id} on ${file}: errors`);
      if (!a) invalid++;
    }
  }
  assert.ok(invalid > 50, 'the comparison covered invalid documents');
});
