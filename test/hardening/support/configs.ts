// Random project configs (policylens.config.yaml) for lsp-fuzz-files.test.ts: generated values
// (valid, wrongly typed, with globs picomatch cannot read), fixture configs edited, hostile texts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { FINDING_CODES } from '../../../server/src/core/index';
import { editFor, mutation } from './arbitraries';

const ROOT = join(__dirname, '..', '..', '..');

export const CONFIG_SEEDS = [
  'gitignore-off',
  'include-exclude',
  'nested-path',
  'severities',
  'suppressions',
  'unknown-keys',
].map((d) => readFileSync(join(ROOT, 'test/fixtures/config', d, 'workspace/policylens.config.yaml'), 'utf8'));
const glob = fc.oneof(
  fc.constantFrom(
    '**',
    'drafts/**',
    'legacy/**',
    'policies/*.yaml',
    '!(x)',
    '{a,b}',
    '[',
    '(',
    '\\',
    '',
    '[z-a]',
    '!drafts/**',
    '*.wip.yaml',
    '\u0000',
    '.*',
    'a'.repeat(1100),
    '('.repeat(9000),
  ),
  fc.string({ maxLength: 8 }),
);
const anyValue = fc.jsonValue({ maxDepth: 2 });
const globs = fc.oneof(fc.array(glob, { maxLength: 3 }), glob, anyValue);
const ruleSettings = fc.oneof(
  fc.dictionary(
    fc.oneof(fc.constantFrom(...FINDING_CODES), fc.string({ maxLength: 8 })),
    fc.oneof(fc.constantFrom('off', 'warning', 'error', 'warn'), anyValue),
    { maxKeys: 3 },
  ),
  anyValue,
);
const configValue = fc.record(
  {
    include: globs,
    exclude: globs,
    gitignore: fc.oneof(fc.boolean(), anyValue),
    dialects: fc.oneof(
      fc.dictionary(glob, fc.constantFrom('execlave', 'preloop', 'agentsentinel', 'x'), { maxKeys: 2 }),
      anyValue,
    ),
    rules: ruleSettings,
    overrides: fc.oneof(
      fc.array(fc.record({ files: globs, rules: ruleSettings }, { requiredKeys: [] }), { maxLength: 2 }),
      anyValue,
    ),
    live: fc.oneof(fc.record({ url: fc.constantFrom('http://127.0.0.1:1', 'ftp://x', 'x') }), anyValue),
    bogus: anyValue,
  },
  { requiredKeys: [] },
);
/** Config texts: generated (block or flow YAML), a fixture config edited, or a hostile one. */
export const configText = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(configValue, fc.boolean())
      .map(([c, flow]) => YAML.stringify(c, flow ? { collectionStyle: 'flow' } : {})),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(CONFIG_SEEDS.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }))
      .map(([s, ms]) =>
        ms.reduce((t, m) => {
          const e = editFor(t, m, CONFIG_SEEDS);
          return t.slice(0, e.start) + e.newText + t.slice(e.end);
        }, CONFIG_SEEDS[s]),
      ),
  },
  // 300 unclosed braces: deeper ones run the yaml package out of stack at a depth that differs between
  // processes (about 1,000 here), and this process computes what the server must show.
  { weight: 1, arbitrary: fc.constantFrom('', '[]', '7', '\u0000', '{'.repeat(300), 'rules:\n  - a\n') },
);
