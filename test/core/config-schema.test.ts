import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { CONFIG_KEYS, DIALECTS, FINDING_CODES, readConfig, RULES } from '../../server/src/core/index';
import { UPDATE } from '../support/fixtures';

/**
 * The config's JSON Schema (what editors complete) and the reader (what lint and the server obey)
 * must describe the same file: the same keys, the same dialects, and one property per finding
 * code of the catalogue (with its summary as the description). UPDATE_FIXTURES=1 rewrites the
 * generated `rules` part from the catalogue.
 */
const FILE = join(__dirname, '..', '..', 'schemas', 'config', 'policylens.config.schema.json');

type Schema = {
  properties: Record<string, unknown>;
  $defs: { rules: { properties: Record<string, unknown> }; dialect: { enum: string[] } };
};

const expectedRules = () =>
  Object.fromEntries(
    FINDING_CODES.map((c) => [
      c,
      { $ref: '#/$defs/setting', description: `${RULES[c].summary} (default: ${RULES[c].severity})` },
    ]),
  );

describe('config schema', () => {
  const schema = JSON.parse(readFileSync(FILE, 'utf8')) as Schema;

  it('has one property per finding code of the catalogue', () => {
    if (UPDATE) {
      schema.$defs.rules.properties = expectedRules();
      writeFileSync(FILE, JSON.stringify(schema, null, 2) + '\n');
    }
    assert.deepEqual(schema.$defs.rules.properties, expectedRules());
  });

  it('knows the keys and dialects the reader knows', () => {
    assert.deepEqual(Object.keys(schema.properties), [...CONFIG_KEYS]);
    assert.deepEqual(
      schema.$defs.dialect.enum,
      DIALECTS.map((d) => d.id),
    );
  });

  it('agrees with the reader on valid and invalid files', () => {
    const validate = new Ajv2020({ strict: false }).compile(schema);
    const valid = `include: ['policies/**']\nexclude: '**/drafts/**'\ngitignore: false\ndialects: {'agents/*.yaml': agentsentinel}\nrules: {schema/unknown-key: warning}\noverrides:\n  - files: ['legacy/**']\n    rules: {legacy/key: off}\nlive: {url: 'https://api.execlave.com'}\nreplay: {events: [traffic/a.jsonl, traffic/b.jsonl.gz]}\n`;
    const invalid = [
      'exlude: [a]\n',
      'rules: {schema/enm: off}\n',
      'rules: {schema/enum: warn}\n',
      'dialects: {a: nope}\n',
      'live: {apiKey: x}\n',
      'overrides: [{rules: {}}]\n',
      'gitignore: yes please\n',
      'replay: {events: []}\n',
      'replay: {event: traffic.jsonl}\n',
    ];
    assert.deepEqual(readConfig(valid).problems, []);
    assert.ok(validate(parse(valid)), JSON.stringify(validate.errors));
    for (const text of invalid) {
      assert.notDeepEqual(readConfig(text).problems, [], `the reader accepts ${text}`);
      assert.equal(validate(parse(text)), false, `the schema accepts ${text}`);
    }
  });
});
