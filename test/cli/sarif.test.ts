import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { runCli } from '../support/cli';

const schemaPath = join(
  __dirname,
  '..',
  '..',
  'node_modules',
  '@microsoft',
  'jest-sarif',
  'lib',
  'schemas',
  'sarif-2.1.0-rtm.5.json',
);

describe('lint --format sarif', () => {
  it('validates against the SARIF 2.1.0 schema and carries rules, help URIs and regions', () => {
    const r = runCli(['lint', 'examples/broken', '--format', 'sarif']);
    assert.equal(r.status, 1);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; helpUri: string }[] } };
        results: {
          ruleId: string;
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number };
            };
          }[];
        }[];
      }[];
    };
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // The published schema names itself with draft-04's `id`; ajv (draft-07) wants `$id`.
    delete schema.$schema;
    if (typeof schema.id === 'string') {
      schema.$id = schema.id;
      delete schema.id;
    }
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.length >= 5);
    for (const rule of run.tool.driver.rules)
      assert.match(rule.helpUri, /^https:\/\/.+\/docs\/findings\/.+\.md$/);
    const typeError = run.results.find((x) => x.ruleId === 'schema/type');
    assert.ok(typeError, 'the wrong-type finding is in the log');
    const loc = typeError.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'examples/broken/production-guardrails.json');
    assert.deepEqual([loc.region.startLine, loc.region.startColumn], [6, 14]);
  });
});
