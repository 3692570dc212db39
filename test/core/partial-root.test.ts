// The cut-down root that lint keeps to place chain findings (parse/partial.ts) is the full tree's
// root cut down: same nodes, offsets, styles and values under `name` and `prerequisites`, whichever
// way it was made (from the full tree, from the fast YAML events, or by scanning fast-path JSON).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildAdversarial, ADVERSARIAL_KINDS } from '../../bench/adversarial';
import { buildWorkspace } from '../../bench/corpus';
import {
  CHAIN_KEYS,
  chainPolicyFromText,
  ChainIndex,
  fastPartialRoot,
  workspaceChainFindings,
  type ChainPolicy,
  languageOf,
  ParsedDocument,
  type AstNode,
  type Language,
  type ObjectNode,
  type PropertyNode,
} from '../../server/src/core/index';
import { FIXTURES } from '../support/fixtures';

/** A node as plain data, without parent links. */
function plain(node: AstNode | null): unknown {
  if (!node) return null;
  const { parent: _parent, ...rest } = node;
  if (node.type === 'object') return { ...rest, properties: node.properties.map(plainProperty) };
  if (node.type === 'array') return { ...rest, items: node.items.map(plain) };
  return rest;
}

function plainProperty(p: PropertyNode): unknown {
  const { parent: _p, key, value, ...prop } = p;
  const { parent: _k, ...plainKey } = key;
  return { ...prop, key: plainKey, value: plain(value) };
}

/** The root's kept properties as plain data (the root's own `end` is not part of the contract). */
function kept(root: ObjectNode, only?: ReadonlySet<string>): unknown {
  const props = root.properties.filter((p) => !only || only.has(p.key.value));
  return { type: root.type, offset: root.offset, flow: root.flow, properties: props.map(plainProperty) };
}

/** Every property and node below `node` links to the copy it belongs to. */
function checkParents(node: AstNode): void {
  if (node.type === 'object')
    for (const p of node.properties) {
      assert.equal(p.parent, node, `parent of the property at ${p.offset}`);
      if (p.value) {
        assert.equal(p.value.parent, node, `parent of the value at ${p.value.offset}`);
        checkParents(p.value);
      }
    }
  else if (node.type === 'array')
    for (const item of node.items) {
      assert.equal(item.parent, node, `parent of the item at ${item.offset}`);
      checkParents(item);
    }
}

/** The full tree's root cut down to the chain's keys. */
function expected(text: string, language: Language): unknown {
  const root = new ParsedDocument(text, language).root;
  return root?.type === 'object' ? kept(root, CHAIN_KEYS) : undefined;
}

/** Checks the cut-down root of one text; returns whether the fast path gave it. */
function check(text: string, language: Language, label: string): boolean {
  // Only a text the fast parsers took gets one (lint knows from its own parse).
  if (!new ParsedDocument(text, language).fastParsed) return false;
  const want = expected(text, language);
  const root = fastPartialRoot(text, language, CHAIN_KEYS);
  // The same from the document's own fast parse (its kept events, or its JSON text), as the chain
  // places findings in an open document that has no tree yet.
  const own = new ParsedDocument(text, language).partialRoot(CHAIN_KEYS);
  assert.equal(!own, !root, `${label}: both ways answer, or neither`);
  // And from a document settled after its analysis (the language server's open documents), which
  // made it from its events before letting them go.
  const settledDoc = new ParsedDocument(text, language);
  settledDoc.settle(CHAIN_KEYS);
  const settled = settledDoc.partialRoot(CHAIN_KEYS);
  assert.equal(!settled, !root, `${label}: settled, it answers as before`);
  // It may decline (the document is then parsed whole); when it answers, it is exact.
  if (!root || !own || !settled) return false;
  for (const r of [root, own, settled]) {
    assert.equal(r.parent, undefined, label);
    checkParents(r);
    assert.deepEqual(kept(r), want, label);
  }
  return true;
}

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/\.(ya?ml|json)$/.test(e.name) && !/expected/.test(e.name)) yield p;
  }
}

const HAND = {
  yaml: [
    'name: a\nprerequisites:\n  - b\n  - c\n',
    'name: "quoted"\nprerequisites: [b, "c", \'d\']\n',
    '# comment\nname: a # trailing\nprerequisites:\n  - b # one\n  # between\n  - c\nenforcementMode: block\n',
    'prerequisites:\n- b\n- c\nname: a\nruleDefinition:\n  tools: [x]\n',
    'name: a\r\nprerequisites:\r\n  - b\r\n  - c\r\n',
    '\ufeffname: a\nprerequisites:\n  - b\n',
    'name: a\nprerequisites:\n  - b\n  - 12\n  - {x: 1}\n  - [y]\n  -\n',
    'name: a\nprerequisites:\n',
    'name: a\nprerequisites: []\npolicyType: tool_call\n',
    'name: |\n  block\nprerequisites:\n  - >-\n    folded\n',
    '"name": a\n\'prerequisites\': [b]\n',
    '{name: a, prerequisites: [b, c], policyType: x}\n',
    'name:\n  nested: 1\nprerequisites: b\n',
    'metadata:\n  name: not-top\n  prerequisites: [x]\nname: top\nprerequisites: [y]\n',
    '? complex\n: key\nname: a\nprerequisites: [b]\n',
    '---\nname: a\nprerequisites: [b]\n',
    'name: a\nprerequisites: [b]\n---\nname: c\n',
    'name: &x a\nprerequisites: [*x]\n',
  ],
  json: [
    '{"name": "a", "prerequisites": ["b", "c"]}',
    '{\n  "name": "a",\n  "prerequisites": [\n    "b",\n    "c"\n  ],\n  "ruleDefinition": {"tools": ["x", "}"]}\n}\n',
    '{"na\\u006de": "a\\"b", "prerequisites": ["\\\\", "x\\\\\\"y"]}',
    '\ufeff{"name": "a", "prerequisites": []}',
    '{"prerequisites": ["b", 1, null, true, {"x": [1, "]"]}, ["y"]], "name": "a"}',
    '{"name": {"x": "y"}, "prerequisites": "b", "other": [1, 2, {"name": "z"}]}',
    '{"metadata": {"name": "no", "prerequisites": ["no"]}, "name": "yes", "prerequisites": ["b"]}',
    '\r\n\t{ "name" : "a" ,\r\n "prerequisites" : [ "b" , "c" ] } \n',
    '{"name": "a", "name": "b", "prerequisites": ["c"]}',
    '{"name": "a", "prerequisites": ["b",]}',
    '{"name": -1.5e3, "prerequisites": [0]}',
    '[{"name": "a"}]',
    '"just a string"',
  ],
};

describe('partial roots for chain findings', () => {
  it('are the full tree cut down, on hand-written edge cases', () => {
    let answered = 0;
    for (const [language, texts] of Object.entries(HAND) as [Language, string[]][])
      for (const text of texts) if (check(text, language, JSON.stringify(text))) answered++;
    assert.ok(answered >= 20, `${answered} answered`);
  });

  it('are the full tree cut down, on every fixture file', () => {
    let answered = 0;
    for (const file of files(FIXTURES)) {
      const text = readFileSync(file, 'utf8');
      if (text.length <= 200_000 && check(text, languageOf(file), file)) answered++;
    }
    assert.ok(answered > 400, `${answered} fixture files answered`);
  });

  it('are the full tree cut down, on the bench corpora', () => {
    const corpora = [
      buildWorkspace(300, 7),
      ...ADVERSARIAL_KINDS.filter((k) => k !== 'large').map((k) => buildAdversarial(k, 200, 11)),
    ];
    let [answered, all] = [0, 0];
    for (const { files: meta, texts } of corpora)
      texts.forEach((text, i) => {
        all++;
        if (check(text, meta[i].format === 'json' ? 'json' : 'yaml', meta[i].path)) answered++;
      });
    // Every bundle of the bench is plain YAML or JSON: the fast path takes each one.
    assert.equal(answered, all);
  });

  it('place cycle findings in documents without building their trees, where the trees place them', () => {
    const { files: meta, texts } = buildAdversarial('cycles', 60, 5);
    const policies = (withTrees: boolean) =>
      texts.map((text, i) => {
        const p = chainPolicyFromText(meta[i].path, text)!;
        if (withTrees) assert.ok(p.doc.root);
        return p;
      });
    const findings = (ps: ChainPolicy[]) => {
      const index = new ChainIndex();
      for (const p of ps) index.set(p);
      return workspaceChainFindings(
        index,
        ps.map((p) => p.uri),
      );
    };
    const lazy = policies(false);
    const placed = findings(lazy);
    assert.ok(placed.flat().filter((f) => f.code === 'chain/cycle').length >= 50);
    // No document built its positioned tree for them (each used to, a fifth of opening (g) whole).
    assert.deepEqual(
      lazy.filter((p) => p.doc.hasPositions).map((p) => p.uri),
      [],
    );
    assert.deepEqual(placed, findings(policies(true)));
    // The same from settled documents, as the language server holds its open ones.
    const settled = policies(false);
    for (const p of settled) p.doc.settle(CHAIN_KEYS);
    assert.ok(settled.some((p) => p.doc.settled));
    assert.deepEqual(findings(settled), placed);
    assert.deepEqual(
      settled.filter((p) => p.doc.hasPositions).map((p) => p.uri),
      [],
    );
  });

  it('are not given for texts the fast parsers refuse', () => {
    for (const [text, language] of [
      ['name: &x a\nprerequisites: [*x]\n', 'yaml'],
      ['name: a\n---\nname: b\n', 'yaml'],
      ['{"name": "a", "name": "b", "prerequisites": ["c"]}', 'json'],
      ['{"name": "a", "prerequisites": ["b",]}', 'json'],
    ] as const)
      assert.equal(new ParsedDocument(text, language).fastParsed, false, text);
    assert.equal(new ParsedDocument('name: a\nprerequisites: [b]\n', 'yaml').fastParsed, true);
  });
});
