// The chain fixtures: each `test/fixtures/chain/<case>/workspace` is read into an index and the
// case's `expected.json` records what the engine derives from it: every chain finding per file
// (the per-file ones from `analyze` and the cross-file ones from `chainFindings`), the evaluation
// order, where each prerequisite leads (definition), who refers to each name (references), the
// lens of each file, the completion candidates, and a rename of the first policy with dependents.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  analyze,
  chainFindings,
  chainLens,
  chainRename,
  evaluationOrder,
  fileChainFindings,
  formatSpan,
  nameSpan,
  prerequisiteCandidates,
  prerequisiteEntries,
  prerequisiteSpan,
  chainDefinition,
  type ChainIndex,
  type Finding,
  type Span,
  workspaceChainFindings,
} from '../../server/src/core/index';
import { cases, expectJson } from '../support/fixtures';
import { loadIndex } from './chain-support';

/** A small workspace gets every file's lens and completions recorded; a big one a sample. */
const DETAIL_LIMIT = 12;

function at(index: ChainIndex, uri: string, span: Span): string {
  const p = index.get(uri);
  return `${uri}:${p ? formatSpan(p.lines, span) : `${span.start}-${span.end}`}`;
}

function findingJson(index: ChainIndex, uri: string, f: Finding) {
  return {
    code: f.code,
    severity: f.severity,
    at: formatSpan(index.get(uri)!.lines, f.span),
    message: f.message,
    ...(f.related?.length
      ? { related: f.related.map((r) => `${at(index, r.uri, r.span)} ${r.message}`) }
      : {}),
    ...(f.fixes?.length
      ? {
          fixes: f.fixes.map(
            (x) =>
              `${x.title}${x.edits.map((e) => ` [${e.start}-${e.end} ${JSON.stringify(e.newText)}]`).join('')}`,
          ),
        }
      : {}),
  };
}

export function describeWorkspace(index: ChainIndex, files: Map<string, string>) {
  const cross = chainFindings(index);
  const findings: Record<string, unknown[]> = {};
  for (const [uri, text] of files) {
    const own = analyze(text, { fileName: uri }).findings.filter((f) => f.code.startsWith('chain/'));
    const all = [...own, ...(cross.get(uri) ?? [])].sort((a, b) => a.span.start - b.span.start);
    if (all.length) findings[uri] = all.map((f) => findingJson(index, uri, f));
  }
  const order = evaluationOrder(index);
  const definitions: Record<string, string[]> = {};
  const references: Record<string, string[]> = {};
  for (const p of index.all()) {
    for (const { ref, index: i } of p.prerequisites) {
      const span = prerequisiteSpan(p, i)!;
      const targets = chainDefinition(index, p.uri, span.start + 1).map((l) => at(index, l.uri, l.span));
      definitions[`${at(index, p.uri, span)} ${ref}`] = targets;
    }
  }
  for (const name of index.names()) {
    const refs = prerequisiteEntries(index, name).map((l) => at(index, l.uri, l.span));
    if (refs.length) references[name] = refs;
  }
  const detailed =
    index.size <= DETAIL_LIMIT
      ? index.all()
      : order.filter((_, k) => k < 2 || k >= order.length - 2).map((o) => o.item);
  const lenses: Record<string, string> = {};
  const completions: Record<string, string[]> = {};
  for (const p of detailed) {
    const lens = chainLens(index, order, p.uri);
    if (lens) lenses[at(index, p.uri, lens.span)] = lens.title;
    completions[p.uri] = prerequisiteCandidates(index, p.uri).map(
      (c) => `${c.name}${c.closesCycle ? ' (closes a cycle)' : ''}`,
    );
  }
  const renamed = order.find((o) => o.item.name && index.dependentsOf(o.item.name).length)?.item;
  let rename: unknown;
  if (renamed) {
    const r = chainRename(index, renamed.uri, nameSpan(renamed)!.start, `${renamed.name}-renamed`);
    rename =
      r && 'edits' in r
        ? Object.fromEntries(
            Object.entries(r.edits).map(([uri, edits]) => [
              uri,
              edits.map((e) => `${at(index, uri, { start: e.start, end: e.end })} → ${e.newText}`),
            ]),
          )
        : r;
  }
  return {
    findings,
    order: order.map(
      (o) =>
        `${o.position}. ${o.item.name ?? `(unnamed: ${o.item.uri})`} (evaluationOrder ${o.item.evaluationOrder})${o.inCycle ? ' · cycle' : ''}`,
    ),
    definitions,
    references,
    lenses,
    completions,
    ...(rename ? { rename } : {}),
  };
}

describe('chain fixtures (test/fixtures/chain)', () => {
  for (const c of cases('chain')) {
    it(c.name, () => {
      const { index, files } = loadIndex(c.dir);
      expectJson(join(c.dir, 'expected.json'), describeWorkspace(index, files));
    });
  }
});

// Lint asks for the whole workspace at once and leaves out the files the graph shows to be quiet:
// each fixture's answer must be, file by file, what the editor's per-file question gives.
describe('workspaceChainFindings: the per-file findings of every file', () => {
  let quiet = 0;
  let loud = 0;
  for (const c of cases('chain')) {
    it(c.name, () => {
      const { index, files } = loadIndex(c.dir);
      const uris = [...files.keys(), 'not-a-file.yaml'];
      const each = uris.map((uri) => fileChainFindings(index, uri));
      for (const f of each)
        if (f.length) loud++;
        else quiet++;
      assert.deepEqual(workspaceChainFindings(index, uris), each);
    });
  }
  it('the fixtures hold both files with cross-file findings and files without', () => {
    assert.ok(loud > 0 && quiet > 0, `${loud} with, ${quiet} without`);
  });
});
