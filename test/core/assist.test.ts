// The editor logic of core/assist as plain data: the completion and hover fixtures of
// test/fixtures/lsp/ run here straight through the engine, without a server, and must give the
// answers their expected.json records (the same projection test/lsp/features.test.ts makes of the
// server's LSP answers). A case whose document is placed by case.json is left to the server test:
// whether a file outside policies/ is a policy at all is the server's decision, not the engine's.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  analyze,
  completionAt,
  hoverAt,
  LineIndex,
  snippetToPlain,
  type AssistDocument,
  type Span,
} from '../../server/src/core/index';
import { cursorContext } from '../../server/src/core/assist/cursor';
import { cases, expectJson } from '../support/fixtures';
import { splitCursor } from '../lsp/client';

function loadCase(dir: string, name: string) {
  const input = readdirSync(dir).find((f) => f.startsWith('input.'));
  if (!input) throw new Error(`${dir} has no input file`);
  const { text, offset } = splitCursor(readFileSync(join(dir, input), 'utf8'));
  const fileName = `/ws/policies/${name}.${input.slice('input.'.length)}`;
  const doc: AssistDocument = {
    text,
    fileName,
    dialectOverride: undefined,
    analysis: analyze(text, { fileName }),
  };
  return { doc, offset, placed: existsSync(join(dir, 'case.json')) };
}

/** `line:col-line:col`, one-based, as the LSP fixtures write ranges. */
function fmt(lines: LineIndex, span: Span): string {
  const a = lines.positionAt(span.start);
  const b = lines.positionAt(span.end);
  return `${a.line + 1}:${a.character + 1}-${b.line + 1}:${b.character + 1}`;
}

describe('core completion (test/fixtures/lsp/completion)', () => {
  for (const c of cases('lsp/completion')) {
    const { doc, offset, placed } = loadCase(c.dir, c.name);
    if (placed) continue;
    it(c.name, () => {
      const items = [...(completionAt(doc, offset) ?? [])].sort(
        (a, b) =>
          (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label) || a.label.localeCompare(b.label),
      );
      for (const it of items) assert.ok(it.documentation, `candidate ${it.label} has documentation`);
      expectJson(
        join(c.dir, 'expected.json'),
        items.map((it) => ({
          label: it.label,
          ...(it.detail ? { detail: it.detail } : {}),
          insert: it.newText,
          replaces: fmt(doc.analysis.lines, it.span),
          ...(it.additionalEdits?.length
            ? {
                also: it.additionalEdits.map(
                  (e) => `${fmt(doc.analysis.lines, e)} ${JSON.stringify(e.newText)}`,
                ),
              }
            : {}),
        })),
      );
    });
  }
});

describe('core hover (test/fixtures/lsp/hover)', () => {
  for (const c of cases('lsp/hover')) {
    const { doc, offset, placed } = loadCase(c.dir, c.name);
    if (placed) continue;
    it(c.name, () => {
      const h = hoverAt(doc, offset);
      expectJson(
        join(c.dir, 'expected.json'),
        h ? { range: fmt(doc.analysis.lines, h.span), contents: h.markdown.split('\n') } : null,
      );
    });
  }
});

describe('cursor context', () => {
  const at = (marked: string, language: 'yaml' | 'json' = 'yaml') => {
    const { text, offset } = splitCursor(marked);
    const cur = cursorContext(text, offset, language);
    return cur && { kind: cur.kind, path: cur.path, prefix: cur.prefix, style: cur.style };
  };
  it('a key being typed in a nested block mapping', () => {
    assert.deepEqual(at('name: x\nruleDefinition:\n  thre|'), {
      kind: 'key',
      path: ['ruleDefinition'],
      prefix: 'thre',
      style: 'block',
    });
  });
  it('a value after a key, also while the document does not parse', () => {
    assert.deepEqual(at('policyType: |\nname: [\n'), {
      kind: 'value',
      path: ['policyType'],
      prefix: '',
      style: 'block',
    });
  });
  it('a list item of a flow sequence in JSON', () => {
    assert.deepEqual(at('{"appliesToAgents": ["a", "b|"]}', 'json'), {
      kind: 'value',
      path: ['appliesToAgents', 1],
      prefix: 'b',
      style: 'flow',
    });
  });
  it('nothing inside a comment', () => {
    assert.equal(at('# a comment |\nname: x'), undefined);
  });
});

describe('snippets as plain text', () => {
  for (const [snippet, plain] of [
    ['policyType: ${1|a,b|}', 'policyType: a'],
    ['"x": "${1:default}"', '"x": "default"'],
    ['[$1]', '[]'],
    ['\\$schema: {\\}', '$schema: {}'],
  ])
    it(JSON.stringify(snippet), () => assert.equal(snippetToPlain(snippet), plain));
});
