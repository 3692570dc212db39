// An API key that cannot go into an HTTP header (a secret pasted with a line break, a space, a
// typographic dash) is refused before any request, by a message that names the character and never
// the key. A field test: fetch's own error quoted the whole `Authorization` header, key included and
// escaped (`\u000a`), so a CI log's secret masking missed it, and the org was called "unreachable"
// after four attempts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUNDLES, registryPerFile, runCli, tempDir, writeFiles, type LiveRegistry } from '../sync/harness';

describe('an API key that no header can carry', () => {
  let live: LiveRegistry;
  const dir = tempDir('live-key');
  registryPerFile((l) => (live = l), [dir]);

  const cases: { what: string; key: (real: string) => string; says: (real: string) => string }[] = [
    {
      what: 'two lines',
      key: (real) => `${real}\nplk_second_line_secret`,
      says: (real) => `holds a line break at character ${real.length + 1},`,
    },
    {
      what: 'a header smuggled after CR LF',
      key: (real) => `${real}\r\nX-Evil: 1`,
      says: (real) => `holds a line break at character ${real.length + 1},`,
    },
    {
      what: 'a typographic dash',
      key: (real) => `${real.slice(0, 10)}—${real.slice(10)}`,
      says: () => 'holds the non-ASCII character U+2014 at character 11,',
    },
    {
      what: 'a control character',
      key: (real) => `${real.slice(0, 5)}\u0001${real.slice(5)}`,
      says: () => 'holds a control character at character 6,',
    },
  ];

  for (const c of cases) {
    it(`${c.what}: sync, history and export stop before any request, and never print the key`, async () => {
      writeFiles(dir, { 'policies/a.yaml': BUNDLES['data-access.yaml']! });
      const key = c.key(live.key);
      for (const args of [
        ['sync', `${dir}/policies`],
        ['history', '--verify'],
        ['export', `${dir}/out`],
      ]) {
        const r = await runCli(args, {
          POLICYLENS_API_URL: live.url,
          POLICYLENS_API_KEY: key,
          POLICYLENS_RETRIES: '0',
        });
        const printed = r.stdout + r.stderr;
        assert.equal(r.status, 1, `${args[0]}: ${printed}`);
        assert.ok(r.stderr.includes(c.says(live.key)), `${args[0]}: ${r.stderr}`);
        assert.match(r.stderr, /check POLICYLENS_API_KEY/, args[0]);
        assert.doesNotMatch(r.stderr, /unreachable/, args[0]);
        // Neither half of the key, raw or escaped.
        for (const part of [live.key.slice(4, 20), live.key.slice(20), 'second_line_secret', 'X-Evil'])
          assert.ok(!printed.includes(part), `${args[0]} printed part of the key: ${printed}`);
      }
    });
  }
});
