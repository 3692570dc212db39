import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { sarifErrors } from '../support/sarif';

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
    assert.deepEqual(sarifErrors(log), []);
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
