// The design's rules are enforced by eslint (eslint.config.mjs). This test lints a deliberate
// violation of each rule, as text placed in the folder it belongs to, and expects the rule to
// fire; and the same text in a folder that may do it, and expects silence. If a boundary is
// loosened by accident, this test fails before a reviewer has to notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

interface Case {
  file: string;
  code: string;
  rule: 'no-restricted-imports' | 'no-restricted-properties' | null;
}

const cases: Case[] = [
  // core: no Node, no LSP, nothing above it
  {
    file: 'server/src/core/x.ts',
    code: "import { readFileSync } from 'node:fs';",
    rule: 'no-restricted-imports',
  },
  { file: 'server/src/core/x.ts', code: "import { readFileSync } from 'fs';", rule: 'no-restricted-imports' },
  {
    file: 'server/src/core/chain/x.ts',
    code: "import { x } from '../../lsp/server';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'server/src/core/x.ts',
    code: "import { x } from 'vscode-languageserver';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'server/src/core/x.ts',
    code: "import { x } from '../registry/app';",
    rule: 'no-restricted-imports',
  },
  { file: 'server/src/core/x.ts', code: "import { x } from './chain/index';", rule: null },
  // lsp may use core, never the CLI
  { file: 'server/src/lsp/x.ts', code: "import { x } from '../cli/main';", rule: 'no-restricted-imports' },
  { file: 'server/src/lsp/x.ts', code: "import { x } from '../core/index';", rule: null },
  // the loaders start the server and the extension: neither imports them
  { file: 'server/src/lsp/x.ts', code: "import { x } from '../boot/bundle';", rule: 'no-restricted-imports' },
  // traffic: the reader of recordings both front ends use knows neither
  {
    file: 'server/src/traffic/x.ts',
    code: "import { x } from '../cli/files';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'server/src/traffic/x.ts',
    code: "import { x } from '../lsp/server';",
    rule: 'no-restricted-imports',
  },
  { file: 'server/src/traffic/x.ts', code: "import { open } from 'node:fs/promises';", rule: null },
  { file: 'server/src/lsp/impact/x.ts', code: "import { x } from '../../traffic/lines';", rule: null },
  { file: 'server/src/cli/replay/x.ts', code: "import { x } from '../../traffic/lines';", rule: null },
  // cli: no LSP library, no lsp folder
  {
    file: 'server/src/cli/x.ts',
    code: "import { x } from 'vscode-languageserver/node';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'server/src/cli/commands/x.ts',
    code: "import { x } from '../../lsp/server';",
    rule: 'no-restricted-imports',
  },
  // client: only the protocol of the server
  {
    file: 'client/src/x.ts',
    code: "import { x } from '../../server/src/core/index';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'client/src/x.ts',
    code: "import { x } from '../../server/src/boot/bundle';",
    rule: 'no-restricted-imports',
  },
  { file: 'client/src/x.ts', code: "import { x } from '../../server/src/protocol/index';", rule: null },
  // protocol: of the engine, only the quick recogniser, which itself imports only the recognisers
  { file: 'server/src/protocol/x.ts', code: "import { x } from '../core/dialects/sniff';", rule: null },
  {
    file: 'server/src/protocol/x.ts',
    code: "import { x } from '../core/index';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'server/src/core/dialects/sniff.ts',
    code: "import { x } from '../parse/index';",
    rule: 'no-restricted-imports',
  },
  {
    file: 'server/src/core/dialects/recognizers.ts',
    code: "import { x } from './index';",
    rule: 'no-restricted-imports',
  },
  { file: 'server/src/core/dialects/sniff.ts', code: "import { x } from './recognizers';", rule: null },
  // registry: core only
  {
    file: 'registry/x.ts',
    code: "import { x } from '../server/src/cli/main';",
    rule: 'no-restricted-imports',
  },
  // argv and exit codes: only cli/ and entry points
  { file: 'server/src/lsp/x.ts', code: 'process.exitCode = 1;', rule: 'no-restricted-properties' },
  { file: 'registry/x.ts', code: 'export const a = process.argv;', rule: 'no-restricted-properties' },
  { file: 'server/src/cli/x.ts', code: 'process.exitCode = 1;', rule: null },
  { file: 'registry/main.ts', code: 'export const a = process.argv;', rule: null },
];

for (const c of cases) {
  const what = c.rule ? `flags ${c.rule}` : 'allows';
  test(`boundaries: ${c.file} ${what}: ${c.code}`, async () => {
    const [result] = await eslint.lintText(`${c.code}\nexport {};\n`, { filePath: join(root, c.file) });
    const boundaryRules = new Set(['no-restricted-imports', 'no-restricted-properties']);
    const hits = result.messages.filter((m) => m.ruleId !== null && boundaryRules.has(m.ruleId));
    if (c.rule === null) assert.deepEqual(hits, [], 'no boundary rule may fire');
    else {
      assert.ok(
        hits.some((m) => m.ruleId === c.rule && m.severity === 2),
        `expected ${c.rule} as an error, got ${JSON.stringify(result.messages)}`,
      );
    }
  });
}
