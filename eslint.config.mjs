import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// The rules of the house (../shared/DESIGN.md) as lint rules, so that a violation fails `npm test`
// instead of waiting for a reviewer. Each folder lists what it may not import; the test
// `test/tools/boundaries.test.ts` lints a deliberate violation of each rule and expects an error.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const restrict = (message, patterns) => ({ group: patterns, message });
const upward = (folders) => ({
  regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`,
  message: 'imports upward or sideways across the layers of ../shared/DESIGN.md',
});
const core = {
  name: 'core is pure (rule 1, 6)',
  files: ['server/src/core/**/*.ts'],
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'core is pure: file, network and clock come through core/ports.ts',
  })),
  patterns: [
    restrict('core never imports LSP or VS Code (rule 1)', ['vscode', 'vscode-*', 'vscode-*/**']),
    upward(['lsp', 'cli', 'live', 'protocol', 'registry', 'client', 'boot']),
  ],
};
/** The quick recogniser the extension loads through protocol/recognize.ts, and what it imports. */
const quickRecognizer = [
  'server/src/core/dialects/sniff.ts',
  'server/src/core/dialects/recognizers.ts',
  'server/src/core/dialects/detect.ts',
  'server/src/core/suggest.ts',
];
const boundaries = [
  core,
  {
    // A later entry replaces the rule's options for these files: core's restrictions, and one more.
    ...core,
    name: 'the quick recogniser the extension loads stays small',
    files: quickRecognizer,
    patterns: [
      ...core.patterns,
      {
        regex: '^(?!\\./(detect|recognizers)$|\\.\\./suggest$)',
        message:
          'the extension evaluates this file as it activates (protocol/recognize.ts): it imports only the recognisers',
      },
    ],
  },
  {
    // boot/ holds the loaders that run the bundles (dist/server.js, dist/extension.js, the CLI's):
    // it starts the server, so the server never imports it.
    name: 'lsp knows no CLI, registry, client or loader',
    files: ['server/src/lsp/**/*.ts'],
    patterns: [upward(['cli', 'registry', 'client', 'boot'])],
  },
  {
    name: 'cli knows no LSP or client (rule 2, 3)',
    files: ['server/src/cli/**/*.ts'],
    patterns: [
      restrict('only lsp/ imports vscode-languageserver (rule 2)', [
        'vscode-languageserver',
        'vscode-languageserver/**',
      ]),
      upward(['lsp', 'client']),
    ],
  },
  {
    name: 'live is a port implementation over core',
    files: ['server/src/live/**/*.ts'],
    patterns: [
      restrict('only lsp/ imports vscode-languageserver (rule 2)', [
        'vscode-languageserver',
        'vscode-languageserver/**',
      ]),
      upward(['lsp', 'cli', 'protocol', 'registry', 'client']),
    ],
  },
  {
    // Recorded traffic read from disk (the line reader, gzip): one reader for the CLI's replay and
    // eval and the server's impact worker, so it knows neither of them.
    name: 'traffic reads recordings for every front end',
    files: ['server/src/traffic/**/*.ts'],
    patterns: [
      restrict('only lsp/ imports vscode-languageserver (rule 2)', [
        'vscode-languageserver',
        'vscode-languageserver/**',
      ]),
      upward(['lsp', 'cli', 'live', 'protocol', 'registry', 'client', 'boot']),
    ],
  },
  {
    name: 'protocol is shared with the client',
    files: ['server/src/protocol/**/*.ts'],
    paths: nodeBuiltins.map((name) => ({
      name,
      message: 'the protocol is shared with the client: types only',
    })),
    // Of the engine, only the quick recogniser (protocol/recognize.ts), which imports nothing heavy.
    patterns: [
      {
        ...upward(['core', 'lsp', 'cli', 'live', 'registry', 'client']),
        regex: '^(\\.\\./)+(core(?!/dialects/sniff$)|lsp|cli|live|registry|client)(/|$)',
      },
    ],
  },
  {
    name: 'client imports only vscode, the language client and the protocol (rule 4)',
    files: ['client/src/**/*.ts'],
    patterns: [
      restrict('the client talks to the engine through server/src/protocol only (rule 4)', [
        'vscode-languageserver',
        'vscode-languageserver/**',
      ]),
      {
        regex: 'server/src/(?!protocol(/|$))|^(\\.\\./)+registry(/|$)',
        message: 'the client talks to the engine through server/src/protocol only (rule 4)',
      },
    ],
  },
  {
    name: 'registry validates with core, knows no front end (rule 5)',
    files: ['registry/**/*.ts'],
    patterns: [
      restrict('only lsp/ imports vscode-languageserver (rule 2)', [
        'vscode-languageserver',
        'vscode-languageserver/**',
      ]),
      {
        regex: 'server/src/(lsp|cli)(/|$)|^(\\.\\./)+client(/|$)',
        message: 'the registry uses core only (rule 5)',
      },
    ],
  },
];
// Only the CLI and the entry points (a process's main.ts) own argv and the exit code (rule 3).
const processOwners = ['server/src/cli/**/*.ts', '**/main.ts', 'scripts/**', 'bench/**', 'test/**', '*.mjs'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      '.cache/',
      'test-results/',
      'test/fixtures/',
      'bench/corpus/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaries.map(({ name, files, paths = [], patterns }) => ({
    name,
    files,
    rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
  })),
  {
    name: 'argv and exit codes belong to the CLI and entry points (rule 3)',
    files: ['server/**/*.ts', 'registry/**/*.ts', 'client/**/*.ts'],
    ignores: processOwners,
    rules: {
      'no-restricted-properties': [
        'error',
        ...['argv', 'exit', 'exitCode'].map((property) => ({
          object: 'process',
          property,
          message: 'only cli/ and entry points touch argv and exit codes (rule 3)',
        })),
      ],
    },
  },
);
