import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { sarifErrors } from '../support/sarif';

const ROOT = join(__dirname, '..', '..');

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

  /** `policylens lint . --format sarif` run in `dir`. */
  const lintSarifIn = (dir: string) =>
    spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lint', '.', '--format', 'sarif'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });

  // SARIF 2.1.0 §3.4.3: artifactLocation.uri is a URI reference, so a file name's space, `#` (a
  // fragment), `%` (an escape), `?` (a query), `:` (a scheme in a first segment) and non-ASCII
  // letters are percent-encoded (UTF-8), segment by segment; `/` stays the separator.
  it('artifactLocation.uri is a percent-encoded relative URI reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-sarif-'));
    try {
      const folder = join(dir, 'a b#c%d');
      mkdirSync(folder);
      copyFileSync(join(ROOT, 'examples', 'broken', 'invalid-mode.yaml'), join(folder, 'é ü?x:y.yaml'));
      const r = lintSarifIn(dir);
      assert.equal(r.status, 1, r.stderr);
      const log = JSON.parse(r.stdout) as {
        runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      assert.deepEqual(sarifErrors(log), []);
      const uris = new Set(
        log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri),
      );
      assert.deepEqual([...uris], ['a%20b%23c%25d/%C3%A9%20%C3%BC%3Fx%3Ay.yaml']);
      // Resolved against a base, it names the file back.
      const url = new URL([...uris][0], 'file:///src/');
      assert.equal(decodeURIComponent(url.pathname), '/src/a b#c%d/é ü?x:y.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // A file that cannot be read fails the run (exit 1) as the other formats say; code scanning shows
  // results, so the log carries one (rule `unreadable`, as GitHub's annotation title and GitLab's
  // check name), and the run's invocation says the file was not analysed.
  it('reports an unreadable file as a result and a tool execution notification', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policylens-sarif-'));
    try {
      copyFileSync(join(ROOT, 'examples', 'policies', 'daily-cost-limit.yaml'), join(dir, 'ok.yaml'));
      symlinkSync('/nonexistent', join(dir, 'link.yaml'));
      const r = lintSarifIn(dir);
      assert.equal(r.status, 1, r.stderr);
      const log = JSON.parse(r.stdout) as {
        runs: {
          tool: { driver: { rules: { id: string }[] } };
          invocations?: {
            executionSuccessful: boolean;
            toolExecutionNotifications: { level: string; message: { text: string } }[];
          }[];
          results: {
            ruleId: string;
            ruleIndex: number;
            level: string;
            message: { text: string };
            locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          }[];
        }[];
      };
      assert.deepEqual(sarifErrors(log), []);
      const run = log.runs[0];
      assert.deepEqual(
        run.results.map((x) => [
          x.ruleId,
          run.tool.driver.rules[x.ruleIndex].id,
          x.level,
          x.locations[0].physicalLocation.artifactLocation.uri,
          x.message.text,
        ]),
        [
          [
            'unreadable',
            'unreadable',
            'error',
            'link.yaml',
            'a broken symbolic link: its target does not exist',
          ],
        ],
      );
      assert.deepEqual(run.invocations, [
        {
          executionSuccessful: false,
          toolExecutionNotifications: [
            {
              level: 'error',
              message: { text: 'link.yaml: a broken symbolic link: its target does not exist' },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: 'link.yaml', uriBaseId: '%SRCROOT%' },
                    region: { startLine: 1 },
                  },
                },
              ],
            },
          ],
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
