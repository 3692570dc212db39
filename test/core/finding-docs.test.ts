import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FINDING_CODES, findingDocUrl, isFindingCode, RULES, ruleDocPath } from '../../server/src/core/index';
import { FIXTURES } from '../support/fixtures';

const ROOT = join(__dirname, '..', '..');
const DOCS = join(ROOT, 'docs', 'findings');

/** Every `"code": "area/name"` recorded in any fixture expectation. */
function codesInFixtures(dir: string, out = new Set<string>()): Set<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) codesInFixtures(p, out);
    else if (name.endsWith('.json'))
      for (const m of readFileSync(p, 'utf8').matchAll(/"code":\s*"([a-z]+\/[a-z0-9-]+)"/g)) out.add(m[1]);
  }
  return out;
}

/** The code a page documents (its title) and the severity it states. */
function page(file: string): { code: string; severity: string } {
  const text = readFileSync(join(DOCS, file), 'utf8');
  return {
    code: /^# `([^`]+)`/.exec(text)?.[1] ?? `(no title in ${file})`,
    severity: /^Severity: \*\*(\w+)\*\*/m.exec(text)?.[1] ?? `(no severity in ${file})`,
  };
}

describe('finding documentation', () => {
  it('the catalogue and docs/findings list the same codes, at the same severity', () => {
    const pages = readdirSync(DOCS).filter((f) => f.endsWith('.md'));
    const documented = new Map(pages.map((f) => [page(f).code, { file: f, ...page(f) }]));
    assert.deepEqual(
      FINDING_CODES.filter((c) => !documented.has(c)),
      [],
      'codes without a page',
    );
    assert.deepEqual(
      [...documented.keys()].filter((c) => !isFindingCode(c)),
      [],
      'pages of codes the catalogue does not have',
    );
    for (const code of FINDING_CODES) {
      const doc = documented.get(code)!;
      assert.equal(`docs/findings/${doc.file}`, ruleDocPath(code), `${code}: page file name`);
      assert.equal(doc.severity, RULES[code].severity, `${code}: severity on its page`);
      assert.ok(RULES[code].summary.length > 10, `${code}: summary`);
    }
  });

  it('every finding code seen in the fixtures is in the catalogue', () => {
    const codes = [...codesInFixtures(FIXTURES)];
    assert.ok(codes.length >= 20, `found ${codes.length} codes`);
    assert.deepEqual(
      codes.filter((c) => !isFindingCode(c)),
      [],
    );
  });

  it('the help URL of a code points at its page', () => {
    assert.match(findingDocUrl('schema/enum'), /docs\/findings\/schema-enum\.md$/);
  });
});
