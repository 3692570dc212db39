// Messages a client can decode (found by a field test with a raw client): a CEL syntax error at an
// emoji named half of its surrogate pair (`Unexpected character: \ud83d`) over half of its range,
// and a key written with a lone surrogate escape was quoted raw in "unknown key". Half of a pair
// has no UTF-8 form: Python cannot encode such a message, and serde_json (Helix, Zed) refuses the
// whole notification, every diagnostic of the file with it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loneSurrogateAt } from '../../server/src/core/parse/surrogates';
import { LspClient } from './client';

describe('diagnostic messages are Unicode text', () => {
  const client = new LspClient(['--stdio']);
  before(() => client.initialize());
  after(() => client.shutdown());

  it('a CEL error at an emoji covers the whole character and names it', async () => {
    const uri = 'file:///ws/policies/emoji.yaml';
    client.open(
      uri,
      'name: e\npolicyType: expression\nenforcementMode: block\nruleDefinition:\n  expression: "cost > 1 && 🙂"\n',
    );
    const [d] = (await client.waitForDiagnostics(uri)).diagnostics;
    assert.equal(d.code, 'cel/syntax');
    assert.match(d.message, /Unexpected character: 🙂$/);
    assert.deepEqual(d.range, { start: { line: 4, character: 27 }, end: { line: 4, character: 29 } });
  });

  it('a key holding a lone surrogate is quoted with its escape', async () => {
    const uri = 'file:///ws/policies/lone.json';
    client.open(
      uri,
      '{"name": "l", "policyType": "expression", "enforcementMode": "block", "ruleDefinition": {"expression": "true"}, "x\\udc01": 1}',
    );
    const found = (await client.waitForDiagnostics(uri)).diagnostics;
    const unknown = found.find((d) => d.code === 'schema/unknown-key');
    assert.ok(unknown, JSON.stringify(found));
    assert.match(unknown.message, /"x\\udc01"/);
    for (const d of found) assert.equal(loneSurrogateAt(d.message), -1, d.message);
  });
});
