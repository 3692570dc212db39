// Every bad input of the lint issue, typed into the server character by character (the first 300
// characters one at a time, the rest in chunks), with completion, hover, outline, folding and code
// action requests in between. The server must answer every request, stay up, and finally publish
// the same findings as the engine.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyze } from '../../server/src/core/index';
import { FIXTURES } from '../support/fixtures';
import { LspClient, positionAt } from './client';

const CHAR_BY_CHAR = 300;
const CHUNK = 4000;
/** Requests are sent every this many changes while typing. */
const PROBE_EVERY = 25;

function lintInput(name: string): { text: string; ext: string } {
  const dir = join(FIXTURES, 'lint', name);
  const input = readdirSync(dir).find((f) => f.startsWith('input.'))!;
  return {
    text: readFileSync(join(dir, input), 'utf8').replace(/^\uFEFF/, ''),
    ext: input.split('.').pop()!,
  };
}

/** A long, valid bundle: 5,000 lines of patterns. */
function bigBundle(): string {
  const lines = [
    'name: Big',
    'policyType: injection_scan',
    'enforcementMode: block',
    'ruleDefinition:',
    '  patterns:',
  ];
  for (let i = 0; lines.length < 5000; i++) lines.push(`    - "pattern number ${i} to look for"`);
  return lines.join('\n') + '\n';
}

const INPUTS: { name: string; text: string; ext: string }[] = [
  ...[
    'malformed-yaml',
    'malformed-json',
    'empty-file',
    'not-text',
    'invalid-utf8',
    'alias-bomb',
    'duplicate-keys-yaml',
    'duplicate-keys-json',
    'multiple-documents',
    'root-is-list',
    'root-is-scalar',
    'tabs-indent',
    'json-comment',
    'bom-crlf',
    'flow-style',
  ].map((name) => ({ name, ...lintInput(name) })),
  { name: 'big-file', text: bigBundle(), ext: 'yaml' },
  {
    name: 'binary-ish',
    text: '\u0000\u0001\u0002name: x\n\u00ff\ufffd\u0007policyType: [\u0000',
    ext: 'yaml',
  },
  { name: 'deep-nesting', text: 'name: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n', ext: 'yaml' },
];

describe('lsp bad input, typed', { concurrency: true }, () => {
  const client = new LspClient();
  before(async () => {
    await client.initialize({ rootUri: 'file:///ws' });
  });
  after(async () => {
    assert.equal(await client.shutdown(), 0);
  });

  async function probe(uri: string, text: string): Promise<void> {
    const position = positionAt(text, text.length);
    const td = { textDocument: { uri } };
    const answers = await Promise.all([
      client.request('textDocument/completion', { ...td, position }),
      client.request('textDocument/hover', { ...td, position: { line: 0, character: 1 } }),
      client.request('textDocument/documentSymbol', td),
      client.request('textDocument/foldingRange', td),
      client.request('textDocument/codeAction', {
        ...td,
        range: { start: { line: 0, character: 0 }, end: position },
        context: { diagnostics: [], only: ['quickfix', 'source.fixAll'] },
      }),
    ]);
    assert.equal(answers.length, 5);
  }

  for (const input of INPUTS) {
    it(input.name, async () => {
      const uri = `file:///ws/policies/bad/${input.name}.${input.ext}`;
      const opened = client.waitForDiagnostics(uri, 1);
      client.open(uri, '');
      await opened;
      let typed = '';
      let version = 1;
      let changes = 0;
      while (typed.length < input.text.length) {
        const step = typed.length < CHAR_BY_CHAR ? 1 : CHUNK;
        const piece = input.text.slice(typed.length, typed.length + step);
        typed += piece;
        version = client.type(uri, piece);
        if (++changes % PROBE_EVERY === 0) await probe(uri, typed);
      }
      await probe(uri, typed);
      const last = await client.waitForDiagnostics(uri, version);
      assert.ok(client.alive, 'the server is still running');
      const expected = analyze(typed, { fileName: uri })
        .findings.map((f) => f.code)
        .filter((c) => !c.startsWith('chain/'));
      const actual = last.diagnostics.map((d) => String(d.code)).filter((c) => !c.startsWith('chain/'));
      // How deep the parsers get before the stack runs out depends on the call stack they start on,
      // so for a too-deep document only the kinds of findings are compared.
      const unique = (xs: string[]) => [...new Set(xs)].sort();
      if (expected.includes('parse/too-deep')) assert.deepEqual(unique(actual), unique(expected));
      else assert.deepEqual(actual, expected);
      client.close(uri);
    });
  }

  it('a file over the size limit', async () => {
    const uri = 'file:///ws/policies/bad/too-large.yaml';
    const opened = client.waitForDiagnostics(uri, 1);
    client.open(uri, 'name: x\n');
    await opened;
    const version = client.change(uri, 'name: x\n' + '#'.repeat(5 * 1024 * 1024) + '\n');
    await probe(uri, 'name: x\n');
    const last = await client.waitForDiagnostics(uri, version);
    assert.deepEqual(
      last.diagnostics.map((d) => d.code),
      ['parse/too-large'],
    );
    client.close(uri);
  });
});
