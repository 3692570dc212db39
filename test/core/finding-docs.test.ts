import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { findingDocUrl } from '../../server/src/core/index';
import { FIXTURES } from '../support/fixtures';

const DOCS = join(__dirname, '..', '..', 'docs', 'findings');

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

describe('finding documentation', () => {
  it('every finding code seen in the fixtures has a page in docs/findings', () => {
    const codes = [...codesInFixtures(FIXTURES)];
    assert.ok(codes.length >= 20, `found ${codes.length} codes`);
    const missing = codes.filter((c) => !existsSync(join(DOCS, `${c.replace('/', '-')}.md`)));
    assert.deepEqual(missing, []);
  });

  it('the help URL of a code points at its page', () => {
    assert.match(findingDocUrl('schema/enum'), /docs\/findings\/schema-enum\.md$/);
  });
});
